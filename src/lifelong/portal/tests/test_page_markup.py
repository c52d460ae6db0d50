"""Markup rules every page keeps: nothing inline that the Content-Security-Policy would block,
CSRF on every form, a bound label for every field, htmx from the vendored copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from lifelong.portal.tests.markup import page

PAGES = ["/", "/login/", "/me/", "/no-such-page/", "login-error"]


@pytest.fixture
def fetch(client, db):
    def get(which: str):
        if which == "login-error":
            return client.post("/login/", {"username": "citizen", "password": "wrong-password"})
        if which == "/me/":
            client.post("/login/", {"username": "citizen", "password": "lifelong-demo"})
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
