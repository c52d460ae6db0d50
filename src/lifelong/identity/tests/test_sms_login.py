"""Signing in with an SMS code: a phone and its code give a bearer token for the API (and, via
identity's api, a session for pages). Whether a number has an account is never revealed."""

from __future__ import annotations

import datetime as dt

from lifelong.identity import api as identity_api
from lifelong.identity.gateways import LoggingVerificationGateway as Gateway
from lifelong.shared import clock
from lifelong.shared.models import AuditEntry

TEACHER_PHONE = "13800000005"
UNKNOWN_PHONE = "13700009999"
REQUEST = "/api/v1/auth/sms"
TOKEN = "/api/v1/auth/sms/token"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_phone_and_code_give_a_token_for_that_account(api):
    # given the teacher's account uses this phone
    assert api.post(REQUEST, {"phone": TEACHER_PHONE}).status_code == 202
    # when the code is exchanged
    response = api.post(
        TOKEN, {"phone": TEACHER_PHONE, "code": Gateway.last_code_to(TEACHER_PHONE)}
    )
    # then the token acts as the teacher
    assert response.status_code == 200, response.content
    api.token = response.json()["token"]
    assert response.json()["expires_in"] > 0
    assert api.get("/api/v1/me").json()["username"] == "teacher"


def test_registered_and_unknown_numbers_get_the_same_answer(api):
    before = len(Gateway.codes_to(UNKNOWN_PHONE))
    known = api.post(REQUEST, {"phone": TEACHER_PHONE})
    unknown = api.post(REQUEST, {"phone": UNKNOWN_PHONE})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert len(Gateway.codes_to(UNKNOWN_PHONE)) == before


def test_wrong_code_is_401_and_the_same_for_unknown_numbers(api):
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    api.post(REQUEST, {"phone": UNKNOWN_PHONE})
    wrong = _wrong(Gateway.last_code_to(TEACHER_PHONE))
    known = api.post(TOKEN, {"phone": TEACHER_PHONE, "code": wrong})
    unknown = api.post(TOKEN, {"phone": UNKNOWN_PHONE, "code": wrong})
    assert known.status_code == 401
    assert known.json()["error"]["code"] == "code_invalid"
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_login_code_works_only_once(api):
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    body = {"phone": TEACHER_PHONE, "code": Gateway.last_code_to(TEACHER_PHONE)}
    assert api.post(TOKEN, body).status_code == 200
    assert api.post(TOKEN, body).status_code == 401


def test_login_code_is_dead_after_five_wrong_attempts(api):
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    code = Gateway.last_code_to(TEACHER_PHONE)
    for _ in range(5):
        assert api.post(TOKEN, {"phone": TEACHER_PHONE, "code": _wrong(code)}).status_code == 401
    assert api.post(TOKEN, {"phone": TEACHER_PHONE, "code": code}).status_code == 401


def test_expired_login_code_is_refused(api, monkeypatch):
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    code = Gateway.last_code_to(TEACHER_PHONE)
    moment = clock.now() + dt.timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: moment)
    assert api.post(TOKEN, {"phone": TEACHER_PHONE, "code": code}).status_code == 401


def test_code_requests_are_throttled_for_any_number(api):
    for phone in (TEACHER_PHONE, UNKNOWN_PHONE):
        assert api.post(REQUEST, {"phone": phone}).status_code == 202
        again = api.post(REQUEST, {"phone": phone})
        assert again.status_code == 429
        assert again.json()["error"]["code"] == "throttled"


def test_daily_limit_of_codes_per_number(api, settings):
    settings.SMS_RESEND_SECONDS = 0
    settings.SMS_DAILY_LIMIT = 2
    assert api.post(REQUEST, {"phone": TEACHER_PHONE}).status_code == 202
    assert api.post(REQUEST, {"phone": TEACHER_PHONE}).status_code == 202
    assert api.post(REQUEST, {"phone": TEACHER_PHONE}).status_code == 429


def test_a_recovery_code_does_not_sign_in(api):
    api.post("/api/v1/auth/recovery", {"phone": TEACHER_PHONE})
    code = Gateway.last_code_to(TEACHER_PHONE)
    assert api.post(TOKEN, {"phone": TEACHER_PHONE, "code": code}).status_code == 401


def test_number_shared_by_two_accounts_signs_in_neither(api, as_user):
    # given the parent's account is bound to the teacher's number too
    parent = as_user("parent")
    parent.post("/api/v1/me/verification/sms", {"phone": TEACHER_PHONE})
    assert (
        parent.post(
            "/api/v1/me/verification/sms/confirm", {"code": Gateway.last_code_to(TEACHER_PHONE)}
        ).status_code
        == 200
    )
    before = len(Gateway.codes_to(TEACHER_PHONE))
    # when a login code is asked for that number after the minute has passed
    from lifelong.identity.models import SmsChallenge

    SmsChallenge.objects.update(created_at=clock.now() - dt.timedelta(minutes=2))
    response = api.post(REQUEST, {"phone": TEACHER_PHONE})
    # then the answer is the usual one but no code is sent
    assert response.status_code == 202
    assert len(Gateway.codes_to(TEACHER_PHONE)) == before


def test_pages_sign_in_through_identity_api(db):
    # given a login code sent through identity's public interface
    identity_api.request_login_code(TEACHER_PHONE)
    # when the page layer exchanges it
    user = identity_api.login_with_sms_code(TEACHER_PHONE, Gateway.last_code_to(TEACHER_PHONE))
    # then it has the user to start a session for
    assert user.get_username() == "teacher"


def test_sms_login_is_audited(api):
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    api.post(TOKEN, {"phone": TEACHER_PHONE, "code": Gateway.last_code_to(TEACHER_PHONE)})
    assert AuditEntry.objects.filter(action="auth.sms_login", actor_label="teacher").exists()
    requested = AuditEntry.objects.filter(action="auth.sms_login_code_requested").latest("at")
    assert TEACHER_PHONE not in requested.actor_label
