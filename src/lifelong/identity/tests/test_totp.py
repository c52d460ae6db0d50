"""TOTP second factor for staff: enrol (secret shown once, stored sealed), confirm with a
code, and from then on a password login needs a fresh code."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pyotp

from lifelong.identity.models import TotpDevice
from lifelong.shared.models import AuditEntry

TOKEN = "/api/v1/auth/token"


def _wrong_code(totp: pyotp.TOTP) -> str:
    """A code that no step inside the drift window produces."""
    now = time.time()
    window = {totp.at(now + offset * totp.interval) for offset in (-2, -1, 0, 1, 2)}
    return next(
        c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in window
    )


def _enrol_and_confirm(client) -> pyotp.TOTP:
    enrolment = client.post("/api/v1/me/totp")
    assert enrolment.status_code == 201, enrolment.content
    totp = pyotp.TOTP(enrolment.json()["secret"])
    confirmed = client.post("/api/v1/me/totp/confirm", {"code": totp.now()})
    assert confirmed.status_code == 200, confirmed.content
    return totp


def _login(api, otp=None):
    body = {"username": "school_staff", "password": "lifelong-demo"}
    if otp is not None:
        body["otp"] = otp
    return api.post(TOKEN, body)


def _next_code(totp: pyotp.TOTP) -> str:
    # The code of the next time step: still inside the accepted drift window, and newer than
    # the step used to confirm, so it is not a replay.
    return totp.at(time.time() + totp.interval)


def test_enrolment_returns_an_otpauth_uri_with_the_secret(as_user):
    response = as_user("school_staff").post("/api/v1/me/totp")
    assert response.status_code == 201
    body = response.json()
    uri = urlparse(body["otpauth_uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [body["secret"]]
    assert "school_staff" in uri.path


def test_after_confirming_password_login_needs_a_code(api, as_user):
    # given school staff confirmed an authenticator
    totp = _enrol_and_confirm(as_user("school_staff"))
    # when they sign in with the password alone, with a wrong code, or with a fresh code
    missing = _login(api)
    wrong = _login(api, _wrong_code(totp))
    right = _login(api, _next_code(totp))
    # then only the fresh code gives a token
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "otp_required"
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "otp_invalid"
    assert right.status_code == 200, right.content


def test_an_unconfirmed_enrolment_does_not_change_login(api, as_user):
    assert as_user("school_staff").post("/api/v1/me/totp").status_code == 201
    assert _login(api).status_code == 200


def test_a_code_is_never_accepted_twice(api, as_user):
    totp = _enrol_and_confirm(as_user("school_staff"))
    code = _next_code(totp)
    assert _login(api, code).status_code == 200
    replay = _login(api, code)
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "otp_invalid"


def test_wrong_confirmation_code_leaves_the_device_inactive(api, as_user):
    client = as_user("school_staff")
    secret = client.post("/api/v1/me/totp").json()["secret"]
    response = client.post("/api/v1/me/totp/confirm", {"code": _wrong_code(pyotp.TOTP(secret))})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "otp_invalid"
    assert _login(api).status_code == 200


def test_enrolling_again_while_active_is_409(as_user):
    client = as_user("school_staff")
    _enrol_and_confirm(client)
    response = client.post("/api/v1/me/totp")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "totp_active"


def test_confirming_without_enrolment_is_409(as_user):
    response = as_user("district_officer").post("/api/v1/me/totp/confirm", {"code": "123456"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "totp_not_enrolled"


def test_citizens_cannot_enrol(as_user):
    response = as_user("citizen").post("/api/v1/me/totp")
    assert response.status_code == 403


def test_secret_is_stored_sealed(as_user):
    secret = as_user("school_staff").post("/api/v1/me/totp").json()["secret"]
    row = TotpDevice.objects.filter(user__username="school_staff").values().get()
    assert not any(secret in str(value) for value in row.values())


def test_repeated_wrong_codes_lock_the_second_factor(api, as_user, settings):
    # given an active authenticator and a low failure limit
    settings.LOGIN_MAX_FAILURES = 3
    totp = _enrol_and_confirm(as_user("school_staff"))
    wrong = _wrong_code(totp)
    for _ in range(3):
        assert _login(api, wrong).json()["error"]["code"] == "otp_invalid"
    # when the right code comes after the limit
    locked = _login(api, _next_code(totp))
    # then the account is throttled
    assert locked.status_code == 429
    assert (
        AuditEntry.objects.filter(action="auth.otp_failed", actor_label="school_staff").count() == 3
    )


def test_otp_field_is_length_limited(api):
    response = _login(api, "1" * 50)
    assert response.status_code == 422
    assert "otp" in response.json()["error"]["fields"]
