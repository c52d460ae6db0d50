"""A staff member lost their authenticator: an account administrator of their scope (the
district officer for accounts of their district, the commission for all) resets it with a
reason. It is audited, the owner is told, and their next sign-in asks them to enrol a new one;
an administrator of another district, or a role that administers no accounts, cannot."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.contrib.auth import get_user_model

from lifelong.identity.gateways import LoggingVerificationGateway as Gateway
from lifelong.identity.models import Membership, Organisation, Person, TotpDevice
from lifelong.identity.services import PHONE_CONTEXT, phone_index
from lifelong.shared import notifications, pii
from lifelong.shared.models import AuditEntry, Notification

TOKEN = "/api/v1/auth/token"
REASON = "手机遗失，本人持工作证到场申请"


def _reset_path(username: str) -> str:
    return f"/api/v1/accounts/{username}/totp/reset"


def _next_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() + totp.interval)


def _login(api, username="school_staff", otp=None):
    body = {"username": username, "password": "lifelong-demo"}
    if otp is not None:
        body["otp"] = otp
    return api.post(TOKEN, body)


def _enrol_and_confirm(client) -> pyotp.TOTP:
    secret = pyotp.TOTP(client.post("/api/v1/me/totp").json()["secret"])
    assert client.post("/api/v1/me/totp/confirm", {"code": secret.now()}).status_code == 200
    return secret


@pytest.fixture
def staff_totp(as_user) -> pyotp.TOTP:
    """school_staff (天平路街道社区学校, in 徐汇区) has an active authenticator."""
    return _enrol_and_confirm(as_user("school_staff"))


def test_a_district_officer_resets_a_lost_authenticator_in_their_district(
    api, as_user, staff_totp, django_capture_on_commit_callbacks
):
    notifications.outbox.clear()
    staff = get_user_model().objects.get(username="school_staff")
    # when the 徐汇区 officer resets it, giving the reason
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user("district_officer").post(_reset_path("school_staff"), {"reason": REASON})
    # then it is reset and audited with who, in which role, and why
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get(action="auth.totp_reset")
    assert (entry.actor_label, entry.role) == ("district_officer", "district_officer")
    assert entry.object_id == str(staff.pk)
    assert entry.detail["reason"] == REASON
    # the owner is told, in the inbox and by SMS, with the reason
    inbox = Notification.objects.get(recipient_id=f"user:{staff.pk}", template="totp_reset")
    assert REASON in inbox.body
    sent = {e.channel for e in notifications.outbox if e.message.template == "totp_reset"}
    assert "sms" in sent
    # and the password alone signs in again, with the answer that a new device is needed
    login = _login(api)
    assert login.status_code == 200, login.content
    assert login.json()["totp_enrolment_required"] is True


def test_sign_in_asks_to_enrol_again_until_a_new_device_is_confirmed(api, as_user, staff_totp):
    as_user("district_officer").post(_reset_path("school_staff"), {"reason": REASON})
    staff = as_user("school_staff")
    # an enrolment not yet confirmed does not end the request to enrol
    new_secret = pyotp.TOTP(staff.post("/api/v1/me/totp").json()["secret"])
    assert _login(api).json()["totp_enrolment_required"] is True
    # once the new device is confirmed, sign-in needs its codes and no longer asks
    assert staff.post("/api/v1/me/totp/confirm", {"code": new_secret.now()}).status_code == 200
    assert _login(api).json()["error"]["code"] == "otp_required"
    assert _login(api, otp=_next_code(staff_totp)).status_code == 401  # the lost device's code
    signed_in = _login(api, otp=_next_code(new_secret))
    assert signed_in.status_code == 200, signed_in.content
    assert signed_in.json()["totp_enrolment_required"] is False


def test_an_officer_of_another_district_cannot_reset(api, as_user, staff_totp):
    response = as_user("district_officer_huangpu").post(
        _reset_path("school_staff"), {"reason": REASON}
    )

    assert response.status_code == 404
    assert TotpDevice.objects.get(user__username="school_staff").confirmed_at is not None
    assert not AuditEntry.objects.filter(action="auth.totp_reset").exists()
    assert _login(api).json()["error"]["code"] == "otp_required"


def test_an_account_that_also_acts_outside_the_district_is_not_reset_by_it(as_user, staff_totp):
    # given school_staff also holds a role in 黄浦区
    huangpu_school = Organisation.objects.get(name="外滩街道社区学校")
    staff = get_user_model().objects.get(username="school_staff")
    Membership.objects.create(user=staff, organisation=huangpu_school, role="school_staff")

    response = as_user("district_officer").post(_reset_path("school_staff"), {"reason": REASON})

    assert response.status_code == 404
    # the commission, whose scope is the whole city, can
    commission = as_user("commission_officer").post(_reset_path("school_staff"), {"reason": REASON})
    assert commission.status_code == 200


@pytest.mark.parametrize("role", ["school_staff", "regulator", "institution_staff", "citizen"])
def test_roles_that_administer_no_accounts_cannot_reset(as_user, role):
    target = "enterprise_hr" if role == "school_staff" else "school_staff"
    _enrol_and_confirm(as_user(target))

    response = as_user(role).post(_reset_path(target), {"reason": REASON})

    assert response.status_code == 403
    assert TotpDevice.objects.get(user__username=target).confirmed_at is not None


def test_an_administrator_cannot_reset_their_own_device(as_user):
    officer = as_user("district_officer")
    _enrol_and_confirm(officer)

    response = officer.post(_reset_path("district_officer"), {"reason": REASON})

    assert response.status_code == 403


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(as_user, staff_totp, reason):
    response = as_user("district_officer").post(_reset_path("school_staff"), {"reason": reason})

    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]
    assert TotpDevice.objects.get(user__username="school_staff").reset_at is None


def test_an_account_without_an_authenticator_or_unknown_is_answered_plainly(as_user):
    officer = as_user("district_officer")

    none_enrolled = officer.post(_reset_path("institution_staff"), {"reason": REASON})
    unknown = officer.post(_reset_path("nobody-by-this-name"), {"reason": REASON})

    assert none_enrolled.status_code == 409
    assert none_enrolled.json()["error"]["code"] == "totp_not_enrolled"
    assert unknown.status_code == 404


def test_the_sms_sign_in_also_asks_to_enrol_again(api, as_user, staff_totp):
    # given school_staff's account belongs to a person with a phone
    phone = "13911110001"
    Person.objects.create(
        name="吴员工",
        user=get_user_model().objects.get(username="school_staff"),
        phone_sealed=pii.seal(phone, context=PHONE_CONTEXT),
        phone_index=phone_index(phone),
        phone_masked=pii.mask_phone(phone),
    )
    as_user("district_officer").post(_reset_path("school_staff"), {"reason": REASON})
    # when they sign in with an SMS code
    assert api.post("/api/v1/auth/sms", {"phone": phone}).status_code == 202
    response = api.post(
        "/api/v1/auth/sms/token", {"phone": phone, "code": Gateway.last_code_to(phone)}
    )
    # then no authenticator code is needed, and the answer asks for a new device
    assert response.status_code == 200, response.content
    assert response.json()["totp_enrolment_required"] is True
