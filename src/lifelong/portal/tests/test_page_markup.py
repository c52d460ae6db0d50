"""Markup rules every page keeps: nothing inline that the Content-Security-Policy would block,
CSRF on every form, a bound label for every field, htmx from the vendored copy."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders

from lifelong.portal.tests.markup import page
from lifelong.shared.models import Job

PAGES = [
    "/",
    "/login/",
    "/me/",
    "/no-such-page/",
    "login-error",
    "/login/sms/",
    "sms-code-step",
    "/login/recover/",
    "recovery-reset-step",
    "second-factor-step",
    "/me/verify/",
    "verification-code-step",
    "parent-my-page",
    "revoke-confirmation",
    "export-progress",
]


@pytest.fixture
def fetch(client, db, as_user):
    def sign_in(username: str) -> None:
        client.post("/login/", {"username": username, "password": "lifelong-demo"})

    def get(which: str):
        if which == "login-error":
            return client.post("/login/", {"username": "citizen", "password": "wrong-password"})
        if which == "sms-code-step":
            return client.post("/login/sms/", {"step": "phone", "phone": "13800000005"})
        if which == "recovery-reset-step":
            return client.post("/login/recover/", {"step": "phone", "phone": "13800000005"})
        if which == "second-factor-step":
            staff = as_user("school_staff")
            secret = staff.post("/api/v1/me/totp").json()["secret"]
            staff.post("/api/v1/me/totp/confirm", {"code": pyotp.TOTP(secret).now()})
            sign_in("school_staff")
            return client.get("/login/otp/")
        if which in ("/me/verify/", "verification-code-step"):
            sign_in("teacher")
            if which == "verification-code-step":
                return client.post("/me/verify/", {"step": "phone", "phone": "13800000005"})
        if which in ("parent-my-page", "revoke-confirmation"):
            sign_in("parent")
            me = client.get("/me/")
            if which == "parent-my-page":
                return me
            [link] = [a for a in page(me).find_all("a") if "/revoke/" in (a.get("href") or "")]
            return client.get(link.get("href"))
        if which == "export-progress":
            sign_in("citizen")
            citizen = get_user_model().objects.get(username="citizen")
            job = Job.objects.create(kind="identity.data_export", owner_id=str(citizen.pk))
            return client.get(f"/me/export/{job.pk}/")
        if which == "/me/":
            sign_in("citizen")
        return client.get(which)

    return get


@pytest.mark.parametrize("which", PAGES)
def test_pages_have_no_inline_script_or_style(fetch, which):
    response = fetch(which)

    html = page(response)
    assert all(script.get("src") for script in html.find_all("script"))
    assert html.find_all("style") == []
    assert [e.tag for e in html.elements if "style" in e.attrs] == []
    assert [e.tag for e in html.elements if any(a.startswith("on") for a in e.attrs)] == []
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("which", PAGES)
def test_every_post_form_carries_a_csrf_token(fetch, which):
    html = page(fetch(which))

    forms = html.find_all("form", method="post")
    assert forms
    for form in forms:
        inside = [e for e in html.elements if e.tag == "input" and _within(e, form)]
        assert any(e.get("name") == "csrfmiddlewaretoken" for e in inside), form.attrs


@pytest.mark.parametrize("which", PAGES)
def test_every_field_has_a_bound_label(fetch, which):
    html = page(fetch(which))

    fields = [
        e
        for e in html.elements
        if e.tag in ("input", "select", "textarea") and e.get("type") != "hidden"
    ]
    for field in fields:
        assert field.get("id"), field.attrs
        assert html.find_all("label", for_=field.get("id")), field.attrs
        assert field.get("autocomplete"), field.attrs


@pytest.mark.parametrize("which", PAGES)
def test_skip_link_comes_first_and_targets_main(fetch, which):
    html = page(fetch(which))

    focusable = [
        e for e in html.elements if e.tag in ("a", "button", "input") and e.get("type") != "hidden"
    ]
    assert focusable[0].get("href") == "#main"
    assert html.one("main").get("id") == "main"


def test_htmx_is_loaded_deferred_from_the_vendored_copy(client, db):
    html = page(client.get("/"))

    script = html.one("script")
    path = finders.find("vendor/htmx/htmx.min.js")
    assert script.get("src") == "/static/vendor/htmx/htmx.min.js"
    assert "defer" in script.attrs
    assert path and 'version:"2.' in Path(path).read_text(encoding="utf-8")
    assert finders.find("vendor/htmx/LICENSE")
    config = html.one("meta", name="htmx-config").get("content")
    assert '"includeIndicatorStyles": false' in config


def _within(element, ancestor) -> bool:
    node = element.parent
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False
