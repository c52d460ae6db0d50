"""The home page: title, services, the sixteen districts, and its empty state."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from lifelong.portal.tests.markup import Page, page


def test_home_title_names_lifelong_learning(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert "终身学习" in page(response).title
    assert "终身学习" in page(response).one("h1").text


def test_home_shows_service_cards(client, db):
    cards = page(client.get("/")).find_all("li", class_="card")

    titles = [card.text for card in cards]
    assert len(cards) == 6
    assert any("学分银行" in t for t in titles)
    assert any("学习地图" in t for t in titles)


def test_home_lists_the_sixteen_districts_of_shanghai(client, db):
    html = page(client.get("/"))

    names = [li.text for li in html.children(html.one("ul", class_="districts"), "li")]

    assert len(names) == 16
    assert {"黄浦区", "徐汇区", "浦东新区", "崇明区"} <= set(names)
    assert "上海市共 16 个区提供社区学习服务。" in html.text


def test_home_without_districts_shows_an_empty_state(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    html = Page(render_to_string("portal/home.html", {"districts": []}, request=request))

    assert html.one("p", class_="empty").text == "暂无区域数据。"
    assert html.find_all("ul", class_="districts") == []


def test_home_for_a_visitor_offers_sign_in(client, db):
    hero = page(client.get("/")).one("section", class_="hero")

    assert "登录" in hero.text


def test_home_for_a_signed_in_citizen_links_to_my_page(client, db):
    client.post("/login/", {"username": "citizen", "password": "lifelong-demo"})

    html = page(client.get("/"))

    assert html.one("a", href="/me/", class_="button").text == "进入我的页面"


def test_home_reads_the_districts_in_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/")

    assert response.status_code == 200


def test_home_answers_head_requests_for_monitors(client, db):
    response = client.head("/")

    assert response.status_code == 200
    assert response.content == b""
