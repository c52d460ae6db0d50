"""Password login for an account with an authenticator app (staff's TOTP second factor): the
password step only half signs in, in the session and for five minutes; the account is signed
in once the 6-digit code checks out. Wrong, malformed and late codes, and the lockout."""

from __future__ import annotations

import datetime as dt
import time

import pyotp
import pytest

from lifelong.portal.tests.markup import page
from lifelong.portal.views_signin import SECOND_STEP_SECONDS
from lifelong.shared import clock
from lifelong.shared.models import AuditEntry

PASSWORD = "lifelong-demo"


def _wrong_code(totp: pyotp.TOTP) -> str:
    """A code that no step inside the accepted drift window produces."""
    now = time.time()
    window = {totp.at(now + offset * totp.interval) for offset in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in window)


def _next_code(totp: pyotp.TOTP) -> str:
    # The next time step's code: inside the drift window and newer than the step the
    # enrolment confirmed with, so it is not a replay.
    return totp.at(time.time() + totp.interval)


@pytest.fixture
def totp(as_user) -> pyotp.TOTP:
    """school_staff enrolled and confirmed an authenticator (through the API)."""
    staff = as_user("school_staff")
    enrolment = staff.post("/api/v1/me/totp")
    assert enrolment.status_code == 201, enrolment.content
    secret = pyotp.TOTP(enrolment.json()["secret"])
    assert staff.post("/api/v1/me/totp/confirm", {"code": secret.now()}).status_code == 200
    return secret


def _password_step(client, **extra):
    return client.post("/login/", {"username": "school_staff", "password": PASSWORD, **extra})


def test_the_right_password_alone_does_not_sign_in(client, totp):
    response = _password_step(client)

    assert response.status_code == 302
    assert response["Location"] == "/login/otp/"
    assert client.get("/me/").status_code == 302
    html = page(client.get("/login/otp/"))
    assert html.one("h1").text == "动态口令验证"
    assert "school_staff" in html.one("main").text
    field = html.one("input", id="otp")
    assert field.get("autocomplete") == "one-time-code"
    assert field.get("inputmode") == "numeric"
    assert html.one("label", for_="otp").text == "6位动态口令"


def test_the_right_code_signs_in_with_a_new_session_and_follows_next(client, totp):
    _password_step(client, next="/me/?tab=roles")
    half_signed_in = client.session.session_key

    response = client.post("/login/otp/", {"otp": _next_code(totp)})

    assert response.status_code == 302
    assert response["Location"] == "/me/?tab=roles"
    assert client.session.session_key != half_signed_in
    assert page(client.get("/me/")).one("h1").text == "我的"
    assert client.get("/login/otp/")["Location"] == "/login/"


def test_a_code_typed_with_a_space_in_the_middle_is_accepted(client, totp):
    _password_step(client)
    code = _next_code(totp)

    response = client.post("/login/otp/", {"otp": f" {code[:3]} {code[3:]} "})

    assert response["Location"] == "/me/"


def test_a_wrong_code_shows_a_bilingual_alert_and_signs_nobody_in(client, totp):
    _password_step(client)

    response = client.post("/login/otp/", {"otp": _wrong_code(totp)})

    html = page(response)
    assert response.status_code == 200
    assert html.one(role="alert").get("id") == "otp-error"
    assert html.one("p", lang="zh-CN").text == "动态口令错误"
    assert html.one("p", lang="en").text == "Wrong one-time password"
    assert html.one("input", id="otp").get("aria-invalid") == "true"
    assert html.one("input", id="otp").get("aria-describedby") == "otp-error"
    assert client.get("/me/").status_code == 302
    # the half-login survives a typo: the right code still completes it
    assert client.post("/login/otp/", {"otp": _next_code(totp)})["Location"] == "/me/"


def test_a_wrong_code_in_english_leads_with_english(client, totp):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    _password_step(client)

    html = page(client.post("/login/otp/", {"otp": _wrong_code(totp)}))

    lines = html.children(html.one(role="alert"), "p")
    assert [p.get("lang") for p in lines] == ["en", "zh-CN"]
    assert html.one("h1").text == "Two-step verification"


def test_a_malformed_code_is_refused_without_counting_as_a_failure(client, totp):
    _password_step(client)

    response = client.post("/login/otp/", {"otp": "12ab"})

    assert response.status_code == 422
    assert "请输入6位数字动态口令" in page(response).one(role="alert").text
    assert not AuditEntry.objects.filter(action="auth.otp_failed").exists()
    assert client.get("/me/").status_code == 302


def test_a_late_second_step_starts_over_at_the_password(client, totp, monkeypatch):
    _password_step(client)
    later = clock.now() + dt.timedelta(seconds=SECOND_STEP_SECONDS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)

    response = client.post("/login/otp/", {"otp": _next_code(totp)})

    html = page(response)
    assert response.status_code == 200
    assert html.one("form", action="/login/")
    assert html.one("p", lang="zh-CN").text == "登录已超时，请重新输入用户名和密码"
    assert html.one("p", lang="en").text.startswith("The sign-in timed out")
    assert client.get("/me/").status_code == 302
    assert client.get("/login/otp/")["Location"] == "/login/"


def test_the_second_step_without_the_first_goes_to_the_login_page(client, db):
    assert client.get("/login/otp/")["Location"] == "/login/"
    assert client.post("/login/otp/", {"otp": "123456"})["Location"] == "/login/"
    assert client.get("/me/").status_code == 302


def test_a_password_reset_between_the_steps_ends_the_half_login(client, totp, django_user_model):
    _password_step(client)
    staff = django_user_model.objects.get(username="school_staff")
    staff.set_password("a-new-long-passphrase")
    staff.save()

    response = client.post("/login/otp/", {"otp": _next_code(totp)})

    assert "登录已超时" in page(response).one(role="alert").text
    assert client.get("/me/").status_code == 302


def test_repeated_wrong_codes_lock_the_account_with_429(client, totp, settings):
    settings.LOGIN_MAX_FAILURES = 3
    _password_step(client)
    for _ in range(3):
        assert client.post("/login/otp/", {"otp": _wrong_code(totp)}).status_code == 200

    response = client.post("/login/otp/", {"otp": _next_code(totp)})

    alert = page(response).one(role="alert").text
    assert response.status_code == 429
    assert "动态口令错误次数过多" in alert
    assert "Too many wrong one-time passwords" in alert
    assert client.get("/me/").status_code == 302
    assert client.get("/login/otp/")["Location"] == "/login/"


def test_an_account_without_an_authenticator_signs_in_in_one_step(client, totp):
    response = client.post("/login/", {"username": "district_officer", "password": PASSWORD})

    assert response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
