"""Friendly error pages: 404 (with the site around it), 500 and the expired-form page (both
rendered without a request, so they stand alone and speak both languages)."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.views.defaults import server_error

from lifelong.portal.tests.markup import Page, page


def test_unknown_address_gets_a_friendly_bilingual_404(client, db):
    response = client.get("/no-such-page/")

    html = page(response)
    assert response.status_code == 404
    assert html.one("h1").text == "找不到这个页面"
    assert "Page not found" in html.one("p", lang="en").text
    assert html.one("a", class_="button", href="/").text == "返回首页"
    assert html.html.get("lang") == "zh-CN"


def test_404_keeps_the_site_navigation_and_display_controls(client, db):
    html = page(client.get("/no-such-page/"))

    assert html.find_all("a", class_="skip-link")
    assert len(html.find_all("button", name="text_size")) == 3


def test_404_in_english_leads_with_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = page(client.get("/no-such-page/"))

    assert html.html.get("lang") == "en"
    assert html.one("h1").text == "Page not found"
    assert "找不到这个页面" in html.one("p", lang="zh-CN").text


def test_server_error_page_is_bilingual_and_needs_no_request_context():
    response = server_error(RequestFactory().get("/"))

    html = Page(response.content)
    assert response.status_code == 500
    assert "系统暂时出了问题" in html.one("h1").text
    assert "Something went wrong" in html.one("h1").text
    assert html.one("a", class_="button").get("href") == "/"


def test_expired_form_gets_a_friendly_bilingual_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "citizen", "password": "lifelong-demo"})

    html = page(response)
    assert response.status_code == 403
    assert "页面已过期" in html.one("h1").text
    assert "This page has expired" in html.one("h1").text
