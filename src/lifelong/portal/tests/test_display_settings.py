"""The display switches in every page's header: elder mode on/off and the text size, kept in
cookies so they outlive the session."""

from __future__ import annotations

import pytest

from lifelong.portal.tests.markup import page

YEAR = 365 * 24 * 3600


def test_elder_mode_on_sets_cookies_and_returns_to_the_page(client, db):
    response = client.post("/display/", {"elder": "1", "next": "/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert response.cookies["ll_elder"].value == "1"
    assert response.cookies["ll_text"].value == "large"
    assert response.cookies["ll_elder"]["max-age"] == YEAR
    assert response.cookies["ll_elder"]["httponly"] is True
    assert response.cookies["ll_elder"]["samesite"] == "Lax"


def test_elder_mode_off_returns_to_standard_text(client, db):
    client.post("/display/", {"elder": "1", "next": "/"})

    response = client.post("/display/", {"elder": "0", "next": "/"})

    assert response.cookies["ll_elder"].value == "0"
    assert response.cookies["ll_text"].value == "normal"
    assert page(client.get("/")).html.classes() == {"text-normal"}


@pytest.mark.parametrize("size", ["normal", "large", "xlarge"])
def test_text_size_choice_is_kept(client, db, size):
    response = client.post("/display/", {"text_size": size, "next": "/"})

    html = page(client.get("/"))
    assert response.cookies["ll_text"].value == size
    assert html.html.classes() == {f"text-{size}"}
    pressed = [b.text for b in html.find_all("button", name="text_size", aria_pressed="true")]
    assert len(pressed) == 1 and pressed[0].startswith(
        {"normal": "A ", "large": "A+", "xlarge": "A++"}[size]
    )


def test_unknown_text_size_is_ignored(client, db):
    response = client.post("/display/", {"text_size": "huge", "next": "/"})

    assert "ll_text" not in response.cookies


def test_forged_cookie_values_fall_back_to_defaults(client, db):
    client.cookies["ll_elder"] = "yes"
    client.cookies["ll_text"] = "gigantic"

    assert page(client.get("/")).html.classes() == {"text-normal"}


def test_display_refuses_to_redirect_off_site(client, db):
    response = client.post("/display/", {"elder": "1", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_display_needs_post(client, db):
    assert client.get("/display/", {"elder": "1"}).status_code == 405


def test_elder_cookie_renders_the_elder_page(client, db):
    client.cookies["ll_elder"] = "1"

    html = page(client.get("/"))

    assert html.html.classes() == {"text-large", "elder"}
    assert html.one("button", name="elder").get("value") == "0"
    assert html.one("button", name="elder").text == "退出长者模式"


def test_elder_mode_keeps_a_smaller_choice_marked_elder(client, db):
    client.cookies["ll_elder"] = "1"
    client.cookies["ll_text"] = "normal"

    assert page(client.get("/")).html.classes() == {"text-normal", "elder"}


@pytest.mark.parametrize("path", ["/", "/login/", "/no-such-page/"])
def test_every_page_has_the_text_size_control_and_elder_switch(client, db, path):
    html = page(client.get(path))

    sizes = html.find_all("button", name="text_size")
    assert [b.get("value") for b in sizes] == ["normal", "large", "xlarge"]
    assert [b.text.split()[0] for b in sizes] == ["A", "A+", "A++"]
    assert html.one("button", name="elder").text == "长者模式"
    group = html.one(role="group")
    assert html.one(id=group.get("aria-labelledby")).text == "字号"
