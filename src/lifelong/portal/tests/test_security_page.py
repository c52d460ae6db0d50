"""/me/security/: a staff member enrols an authenticator app from the site (QR code and the
secret as text, then a code to confirm), replaces it or switches it off with password and a
current code; after an administrator's reset, signing in leads there."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.portal.tests.markup import page

PASSWORD = "lifelong-demo"
SECURITY = "/me/security/"


def _wrong_code(totp: pyotp.TOTP) -> str:
    """A code that no step inside the accepted drift window produces."""
    now = time.time()
    window = {totp.at(now + offset * totp.interval) for offset in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in window)


def _next_code(totp: pyotp.TOTP) -> str:
    # The next step's code: inside the drift window, newer than the step last accepted.
    return totp.at(time.time() + totp.interval)


def _shown_secret(response) -> pyotp.TOTP:
    html = page(response)
    assert html.one("svg").get("role") == "img"
    grouped = html.one("code", id="totp-secret").text
    assert all(len(group) <= 4 for group in grouped.split())
    return pyotp.TOTP("".join(grouped.split()))


def _status(client) -> str:
    return page(client.get(SECURITY)).one("dd", class_="totp-status").text


@pytest.fixture
def staff(sign_in):
    return sign_in("school_staff")


@pytest.fixture
def enrolled(staff) -> pyotp.TOTP:
    """school_staff, signed in, enrolled an authenticator through the page."""
    totp = _shown_secret(staff.post(SECURITY, {"step": "enrol"}))
    response = staff.post(SECURITY, {"step": "confirm", "code": totp.now()})
    assert response.status_code == 302, response.content
    return totp


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(SECURITY)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/me/security/")


def test_my_page_links_to_the_security_page(staff):
    html = page(staff.get("/me/"))

    assert html.one("a", id="security-link").get("href") == SECURITY


def test_staff_enrols_with_the_code_of_the_secret_shown_on_the_page(staff):
    assert _status(staff) == "未启用"

    response = staff.post(SECURITY, {"step": "enrol"})
    assert response.status_code == 200
    totp = _shown_secret(response)
    html = page(response)
    assert html.one("input", id="code").get("autocomplete") == "one-time-code"
    assert html.one("label", for_="code").text == "6位动态口令"

    confirmed = staff.post(SECURITY, {"step": "confirm", "code": totp.now()})

    assert confirmed.status_code == 302 and confirmed["Location"] == SECURITY
    html = page(staff.get(SECURITY))
    assert html.one("dd", class_="totp-status").text == "已启用"
    assert "动态口令已启用" in html.text
    staff.post("/logout/")
    login = staff.post("/login/", {"username": "school_staff", "password": PASSWORD})
    assert login["Location"] == "/login/otp/"


def test_a_wrong_code_is_refused_and_nothing_is_enrolled(staff):
    totp = _shown_secret(staff.post(SECURITY, {"step": "enrol"}))

    response = staff.post(SECURITY, {"step": "confirm", "code": _wrong_code(totp)})

    assert response.status_code == 422
    html = page(response)
    assert "动态口令错误" in html.one("div", id="confirm-error").text
    assert html.one("input", id="code").get("aria-invalid") == "true"
    assert _status(staff) == "未启用"


def test_a_malformed_code_is_refused_before_identity_is_asked(staff):
    staff.post(SECURITY, {"step": "enrol"})

    response = staff.post(SECURITY, {"step": "confirm", "code": "12ab"})

    assert response.status_code == 422
    assert "6位数字" in page(response).one("div", id="confirm-error").text


def test_replacing_the_device_needs_password_and_code_and_the_new_one_takes_over(staff, enrolled):
    response = staff.post(
        SECURITY, {"step": "reenrol", "password": PASSWORD, "code": _next_code(enrolled)}
    )
    assert response.status_code == 200
    new = _shown_secret(response)
    assert new.secret != enrolled.secret

    confirmed = staff.post(SECURITY, {"step": "confirm", "code": new.now()})

    assert confirmed.status_code == 302
    html = page(staff.get(SECURITY))
    assert "新的身份验证器已启用" in html.text
    assert html.one("dd", class_="totp-status").text == "已启用"
    # The new device now proves ownership; the old one no longer does.
    refused = staff.post(
        SECURITY, {"step": "disable", "password": PASSWORD, "code": _next_code(enrolled)}
    )
    assert refused.status_code == 422
    assert _status(staff) == "已启用"


def test_replacing_with_a_wrong_password_shows_the_message_in_the_form(staff, enrolled):
    response = staff.post(
        SECURITY, {"step": "reenrol", "password": "not-it", "code": _next_code(enrolled)}
    )

    assert response.status_code == 422
    html = page(response)
    assert "密码错误" in html.one("div", id="reenrol-error").text
    assert html.one("input", id="reenrol-password").get("aria-invalid") == "true"
    assert html.find_all("code", id="totp-secret") == []


def test_switching_off_with_password_and_code(staff, enrolled):
    response = staff.post(
        SECURITY, {"step": "disable", "password": PASSWORD, "code": _next_code(enrolled)}
    )

    assert response.status_code == 302
    html = page(staff.get(SECURITY))
    assert "动态口令已关闭" in html.text
    assert html.one("dd", class_="totp-status").text == "未启用"


def test_switching_off_with_a_wrong_password_keeps_the_device(staff, enrolled):
    response = staff.post(
        SECURITY, {"step": "disable", "password": "not-it", "code": _next_code(enrolled)}
    )

    assert response.status_code == 422
    assert "密码错误" in page(response).one("div", id="disable-error").text
    assert _status(staff) == "已启用"


def test_switching_off_with_a_wrong_code_keeps_the_device(staff, enrolled):
    response = staff.post(
        SECURITY, {"step": "disable", "password": PASSWORD, "code": _wrong_code(enrolled)}
    )

    assert response.status_code == 422
    html = page(response)
    assert "动态口令错误" in html.one("div", id="disable-error").text
    assert html.one("input", id="disable-code").get("aria-invalid") == "true"
    assert _status(staff) == "已启用"


def test_a_citizen_sees_no_enrolment_form(sign_in):
    citizen = sign_in("citizen")

    html = page(citizen.get(SECURITY))
    refused = citizen.post(SECURITY, {"step": "enrol"})

    assert "用于工作人员账号" in html.text
    assert html.find_all("form", action=SECURITY) == []
    assert refused.status_code == 200
    assert page(refused).find_all("code", id="totp-secret") == []


def test_the_forms_need_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="school_staff"))

    response = client.post(SECURITY, {"step": "enrol"})

    assert response.status_code == 403
    assert page(client.get(SECURITY)).find_all("input", name="csrfmiddlewaretoken")


def test_after_an_admin_reset_signing_in_leads_to_enrolment(client, as_user, enrolled):
    client.post("/logout/")
    reset = as_user("district_officer").post(
        "/api/v1/accounts/school_staff/totp/reset", {"reason": "手机遗失"}
    )
    assert reset.status_code == 200, reset.content

    response = client.post(
        "/login/", {"username": "school_staff", "password": PASSWORD, "next": "/me/"}
    )

    assert response.status_code == 302
    assert response["Location"] == SECURITY
    html = page(client.get(SECURITY))
    assert "管理员已重置您的动态口令设备" in html.text
    assert html.one("dd", class_="totp-status").text == "已被管理员重置，请重新登记"
    totp = _shown_secret(client.post(SECURITY, {"step": "enrol"}))
    assert client.post(SECURITY, {"step": "confirm", "code": totp.now()}).status_code == 302
    client.post("/logout/")
    again = client.post("/login/", {"username": "school_staff", "password": PASSWORD})
    assert again["Location"] == "/login/otp/"
