"""A staff member switches off or replaces their own authenticator, after proving their
password and a current code: switching off is audited and announced; a replacement is
enrolled beside the active device, which keeps protecting sign-in until the new one is
confirmed."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.contrib.auth import get_user_model

from lifelong.identity.models import TotpDevice
from lifelong.shared.models import AuditEntry, Notification

TOKEN = "/api/v1/auth/token"
PASSWORD = "lifelong-demo"


def _next_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() + totp.interval)


def _wrong_code(totp: pyotp.TOTP) -> str:
    now = time.time()
    window = {totp.at(now + offset * totp.interval) for offset in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in window)


def _login(api, otp=None):
    body = {"username": "school_staff", "password": PASSWORD}
    if otp is not None:
        body["otp"] = otp
    return api.post(TOKEN, body)


@pytest.fixture
def staff(as_user):
    return as_user("school_staff")


@pytest.fixture
def totp(staff) -> pyotp.TOTP:
    secret = pyotp.TOTP(staff.post("/api/v1/me/totp").json()["secret"])
    assert staff.post("/api/v1/me/totp/confirm", {"code": secret.now()}).status_code == 200
    return secret


def test_switching_off_with_password_and_code_restores_password_sign_in(api, staff, totp):
    response = staff.post(
        "/api/v1/me/totp/disable", {"password": PASSWORD, "code": _next_code(totp)}
    )

    assert response.status_code == 200, response.content
    assert not TotpDevice.objects.filter(user__username="school_staff").exists()
    login = _login(api)
    assert login.status_code == 200
    assert login.json()["totp_enrolment_required"] is False
    user = get_user_model().objects.get(username="school_staff")
    assert AuditEntry.objects.filter(action="auth.totp_disabled", actor_id=str(user.pk)).exists()
    assert Notification.objects.filter(
        recipient_id=f"user:{user.pk}", template="totp_disabled"
    ).exists()


@pytest.mark.parametrize(
    ("password", "good_code", "field", "code"),
    [
        ("not-the-password", True, "password", "password_invalid"),
        (PASSWORD, False, "code", "otp_invalid"),
    ],
)
def test_a_wrong_password_or_code_leaves_the_device_on(
    api, staff, totp, password, good_code, field, code
):
    otp = _next_code(totp) if good_code else _wrong_code(totp)

    response = staff.post("/api/v1/me/totp/disable", {"password": password, "code": otp})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert field in response.json()["error"]["fields"]
    assert TotpDevice.objects.get(user__username="school_staff").confirmed_at is not None
    assert _login(api).json()["error"]["code"] == "otp_required"


def test_a_replacement_takes_over_only_once_confirmed(api, staff, totp):
    # when school_staff starts replacing the device with their password and a current code
    started = staff.post(
        "/api/v1/me/totp/reenrol", {"password": PASSWORD, "code": _next_code(totp)}
    )
    assert started.status_code == 201, started.content
    new = pyotp.TOTP(started.json()["secret"])
    assert new.secret != totp.secret
    # then the old device still guards sign-in and the new one does not yet
    assert _login(api, otp=_next_code(new)).json()["error"]["code"] == "otp_invalid"
    # and once a code of the new one confirms it, the new one is the device
    assert staff.post("/api/v1/me/totp/confirm", {"code": new.now()}).status_code == 200
    assert _login(api, otp=_next_code(new)).status_code == 200
    user = get_user_model().objects.get(username="school_staff")
    actions = set(AuditEntry.objects.filter(actor_id=str(user.pk)).values_list("action", flat=True))
    assert {"auth.totp_reenrol_started", "auth.totp_replaced"} <= actions


def test_a_replacement_needs_the_current_code(staff, totp):
    response = staff.post(
        "/api/v1/me/totp/reenrol", {"password": PASSWORD, "code": _wrong_code(totp)}
    )

    assert response.status_code == 422
    assert TotpDevice.objects.get(user__username="school_staff").pending_secret_sealed == ""


def test_without_an_active_device_there_is_nothing_to_switch_off(staff):
    response = staff.post("/api/v1/me/totp/disable", {"password": PASSWORD, "code": "123456"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "totp_not_active"


def test_citizens_have_no_device_to_change(as_user):
    response = as_user("citizen").post(
        "/api/v1/me/totp/disable", {"password": PASSWORD, "code": "123456"}
    )

    assert response.status_code == 403
