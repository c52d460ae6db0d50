"""Account recovery: a code to the account's phone lets its holder set a new password that
Django's validators accept; every API token of the account is revoked. Whether the number has
an account is never revealed."""

from __future__ import annotations

from lifelong.identity.gateways import LoggingVerificationGateway as Gateway
from lifelong.shared.models import AuditEntry

TEACHER_PHONE = "13800000005"
UNKNOWN_PHONE = "13700008888"
REQUEST = "/api/v1/auth/recovery"
CONFIRM = "/api/v1/auth/recovery/confirm"
NEW_PASSWORD = "Xujiahui-梧桐-2024"


def _password_login(api, password: str):
    return api.post("/api/v1/auth/token", {"username": "teacher", "password": password})


def test_recovery_sets_a_new_password_and_revokes_every_token(api, as_user):
    # given the teacher holds two API tokens
    first, second = as_user("teacher"), as_user("teacher")
    assert first.get("/api/v1/me").status_code == 200
    # when a recovery code to the teacher's phone is used to set a new password
    assert api.post(REQUEST, {"phone": TEACHER_PHONE}).status_code == 202
    code = Gateway.last_code_to(TEACHER_PHONE)
    response = api.post(
        CONFIRM, {"phone": TEACHER_PHONE, "code": code, "new_password": NEW_PASSWORD}
    )
    # then the old tokens are dead and only the new password signs in
    assert response.status_code == 200, response.content
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401
    assert _password_login(api, NEW_PASSWORD).status_code == 200
    assert _password_login(api, "lifelong-demo").status_code == 401


def test_recovery_request_answers_the_same_for_an_unknown_number(api):
    before = len(Gateway.codes_to(UNKNOWN_PHONE))
    known = api.post(REQUEST, {"phone": TEACHER_PHONE})
    unknown = api.post(REQUEST, {"phone": UNKNOWN_PHONE})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert len(Gateway.codes_to(UNKNOWN_PHONE)) == before


def test_wrong_code_answers_the_same_for_known_and_unknown_numbers(api):
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    api.post(REQUEST, {"phone": UNKNOWN_PHONE})
    code = Gateway.last_code_to(TEACHER_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    known = api.post(CONFIRM, {"phone": TEACHER_PHONE, "code": wrong, "new_password": NEW_PASSWORD})
    unknown = api.post(
        CONFIRM, {"phone": UNKNOWN_PHONE, "code": wrong, "new_password": NEW_PASSWORD}
    )
    assert known.status_code == 422
    assert known.json()["error"]["code"] == "code_invalid"
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert _password_login(api, "lifelong-demo").status_code == 200


def test_weak_password_is_refused_and_the_code_stays_usable(api):
    # given a recovery code
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    code = Gateway.last_code_to(TEACHER_PHONE)
    # when the new password fails Django's validators
    weak = api.post(CONFIRM, {"phone": TEACHER_PHONE, "code": code, "new_password": "12345678"})
    # then it is 422 naming the field, and the same code still works with a good password
    assert weak.status_code == 422
    assert "new_password" in weak.json()["error"]["fields"]
    good = api.post(CONFIRM, {"phone": TEACHER_PHONE, "code": code, "new_password": NEW_PASSWORD})
    assert good.status_code == 200


def test_recovery_code_works_only_once(api):
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    body = {
        "phone": TEACHER_PHONE,
        "code": Gateway.last_code_to(TEACHER_PHONE),
        "new_password": NEW_PASSWORD,
    }
    assert api.post(CONFIRM, body).status_code == 200
    assert api.post(CONFIRM, {**body, "new_password": "Another-密码-2025"}).status_code == 422
    assert _password_login(api, NEW_PASSWORD).status_code == 200


def test_a_login_code_does_not_recover_the_account(api):
    api.post("/api/v1/auth/sms", {"phone": TEACHER_PHONE})
    code = Gateway.last_code_to(TEACHER_PHONE)
    response = api.post(
        CONFIRM, {"phone": TEACHER_PHONE, "code": code, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 422
    assert _password_login(api, "lifelong-demo").status_code == 200


def test_recovery_ends_page_sessions(api):
    # given the teacher is signed in on the web
    browser = api.client.__class__()
    assert (
        browser.post("/login/", {"username": "teacher", "password": "lifelong-demo"}).status_code
        == 302
    )
    assert browser.get("/me/").status_code == 200
    # when the password is recovered
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    api.post(
        CONFIRM,
        {
            "phone": TEACHER_PHONE,
            "code": Gateway.last_code_to(TEACHER_PHONE),
            "new_password": NEW_PASSWORD,
        },
    )
    # then the old session no longer opens "my page"
    assert browser.get("/me/").status_code == 302


def test_recovery_is_audited_with_the_revoked_token_count(api, as_user):
    as_user("teacher")
    api.post(REQUEST, {"phone": TEACHER_PHONE})
    api.post(
        CONFIRM,
        {
            "phone": TEACHER_PHONE,
            "code": Gateway.last_code_to(TEACHER_PHONE),
            "new_password": NEW_PASSWORD,
        },
    )
    entry = AuditEntry.objects.get(action="auth.password_recovered", actor_label="teacher")
    assert entry.detail["tokens_revoked"] >= 1
