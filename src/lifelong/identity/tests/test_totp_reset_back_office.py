"""The back office's page of staff authenticators: an account administrator sees the devices
of the accounts they administer, and resets a lost one by giving a reason; the reset is the
same use case as the API's (audited, the owner told)."""

from __future__ import annotations

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.identity.models import TotpDevice
from lifelong.shared.models import AuditEntry

CHANGELIST = "/admin/identity/totpdevice/"


def _admin(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def device(as_user) -> TotpDevice:
    """school_staff (in 徐汇区) has an active authenticator."""
    staff = as_user("school_staff")
    secret = pyotp.TOTP(staff.post("/api/v1/me/totp").json()["secret"])
    assert staff.post("/api/v1/me/totp/confirm", {"code": secret.now()}).status_code == 200
    return TotpDevice.objects.get(user__username="school_staff")


@pytest.mark.parametrize(
    ("account", "sees"),
    [
        ("district_officer", True),
        ("commission_officer", True),
        ("district_officer_huangpu", False),
    ],
)
def test_the_devices_listed_are_those_of_accounts_administered(device, account, sees):
    response = _admin(account).get(CHANGELIST)

    assert response.status_code == 200
    assert ("school_staff" in response.content.decode()) is sees


@pytest.mark.parametrize("account", ["school_staff", "regulator", "citizen"])
def test_roles_that_administer_no_accounts_do_not_get_the_page(device, account):
    assert _admin(account).get(CHANGELIST).status_code in (302, 403)


def test_the_reset_asks_for_a_reason_first(device):
    client = _admin("district_officer")
    choose = {"action": "reset_devices", "_selected_action": [device.pk]}

    asked = client.post(CHANGELIST, choose)
    empty = client.post(CHANGELIST, {**choose, "post": "yes", "reason": "  "})

    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    assert "school_staff" in asked.content.decode()
    assert empty.status_code == 422
    assert "请填写重置原因" in empty.content.decode()
    assert TotpDevice.objects.get(pk=device.pk).confirmed_at is not None


def test_a_reset_with_a_reason_is_done_and_audited(device):
    client = _admin("district_officer")

    response = client.post(
        CHANGELIST,
        {
            "action": "reset_devices",
            "_selected_action": [device.pk],
            "post": "yes",
            "reason": "手机遗失，本人到场申请",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "已重置 1 个账号的动态口令" in response.content.decode()
    reset = TotpDevice.objects.get(pk=device.pk)
    assert reset.confirmed_at is None and reset.reset_at is not None
    entry = AuditEntry.objects.get(action="auth.totp_reset")
    assert entry.actor_label == "district_officer"
    assert entry.object_id == str(device.user_id)
