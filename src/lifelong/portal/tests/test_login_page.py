"""Signing in and out through the page: username or phone, clear bilingual errors, lockout,
safe redirects, and elder mode switched on for accounts that prefer it."""

from __future__ import annotations

import pytest
from django.conf import settings

from lifelong.portal.tests.markup import page

PASSWORD = "lifelong-demo"


def test_login_form_has_csrf_bound_labels_and_autocomplete(client, db):
    html = page(client.get("/login/"))

    form = html.one("form", action="/login/")
    assert form.get("method") == "post"
    assert html.find_all("input", name="csrfmiddlewaretoken")
    assert html.one("label", for_="username")
    assert html.one("input", id="username").get("autocomplete") == "username"
    assert html.one("label", for_="password")
    assert html.one("input", id="password").get("autocomplete") == "current-password"
    assert html.one("input", id="password").get("type") == "password"


def test_citizen_signs_in_with_username_and_lands_on_my_page(client, db):
    response = client.post("/login/", {"username": "citizen", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200


def test_citizen_signs_in_with_phone_number(client, db):
    response = client.post("/login/", {"username": "13800000001", "password": PASSWORD})

    assert response.status_code == 302
    assert page(client.get("/me/")).one("dd", class_="masked-phone").text.startswith("138")


def test_wrong_password_shows_a_bilingual_alert(client, db):
    response = client.post("/login/", {"username": "citizen", "password": "not-the-password"})

    html = page(response)
    alert = html.one(role="alert")
    assert response.status_code == 200
    assert html.one("p", lang="zh-CN").text == "用户名或密码错误"
    assert html.one("p", lang="en").text == "Wrong username or password"
    assert alert.get("id") == "login-error"
    assert html.one("input", id="username").get("aria-invalid") == "true"
    assert html.one("input", id="username").get("aria-describedby") == "login-error"
    assert html.one("input", id="username").get("value") == "citizen"
    assert html.one("input", id="password").get("value") is None


def test_wrong_password_in_english_leads_with_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.post("/login/", {"username": "citizen", "password": "not-the-password"})

    html = page(response)
    lines = html.children(html.one(role="alert"), "p")
    assert [p.get("lang") for p in lines] == ["en", "zh-CN"]
    assert lines[0].text == "Wrong username or password"


def test_repeated_failures_lock_the_account_with_a_message(client, db):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/login/", {"username": "citizen", "password": "not-the-password"})

    response = client.post("/login/", {"username": "citizen", "password": PASSWORD})

    alert = page(response).one(role="alert").text
    assert response.status_code == 429
    assert "登录失败次数过多" in alert
    assert "Too many failed logins" in alert
    assert client.get("/me/").status_code == 302


def test_next_inside_the_site_is_followed(client, db):
    response = client.post(
        "/login/", {"username": "citizen", "password": PASSWORD, "next": "/me/?tab=roles"}
    )

    assert response["Location"] == "/me/?tab=roles"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http:\\\\evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_open_redirect_in_next_is_refused(client, db, target):
    response = client.post("/login/", {"username": "citizen", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_login_page_drops_a_foreign_next_from_its_form(client, db):
    html = page(client.get("/login/", {"next": "https://evil.example/"}))

    assert html.one("input", id="login-next").get("value") == ""


def test_protected_page_sends_you_back_after_signing_in(client, db):
    redirect = client.get("/me/")
    login_page = page(client.get(redirect["Location"]))

    response = client.post(
        "/login/",
        {
            "username": "citizen",
            "password": PASSWORD,
            "next": login_page.one("input", id="login-next").get("value"),
        },
    )

    assert redirect["Location"] == "/login/?next=/me/"
    assert response["Location"] == "/me/"


def test_account_preferring_elder_mode_switches_it_on(client, db):
    response = client.post("/login/", {"username": "senior_citizen", "password": PASSWORD})

    assert response.cookies["ll_elder"].value == "1"
    assert response.cookies["ll_text"].value == "large"
    assert "elder" in page(client.get("/me/")).html.classes()


def test_elder_login_keeps_a_larger_text_size_already_chosen(client, db):
    client.cookies["ll_text"] = "xlarge"

    response = client.post("/login/", {"username": "senior_citizen", "password": PASSWORD})

    assert response.cookies["ll_elder"].value == "1"
    assert "ll_text" not in response.cookies
    assert page(client.get("/me/")).html.classes() == {"text-xlarge", "elder"}


def test_other_accounts_leave_the_display_alone(client, db):
    response = client.post("/login/", {"username": "citizen", "password": PASSWORD})

    assert "ll_elder" not in response.cookies


def test_logout_needs_post(client, db):
    client.post("/login/", {"username": "citizen", "password": PASSWORD})

    assert client.get("/logout/").status_code == 405
    assert client.get("/me/").status_code == 200


def test_logout_signs_out_and_returns_home(client, db):
    client.post("/login/", {"username": "citizen", "password": PASSWORD})

    response = client.post("/logout/")

    assert response["Location"] == "/"
    assert client.get("/me/").status_code == 302
