""" "My page": who you are, masked, with your verification level and roles."""

from __future__ import annotations

import re

from lifelong.portal.tests.markup import page

MASKED_ID = re.compile(r"^\d{3}\*{11}\d{3}[\dX]$")
# session, user; the page's actor (memberships with their organisations, person id); the
# profile (its actor's memberships and person id again, the person with its district); the
# verification level; consents (the person, the latest row per purpose, the history); the
# proxy relations with both parties
PINNED_ME_QUERIES = 12


def _sign_in(client, username: str) -> None:
    response = client.post("/login/", {"username": username, "password": "lifelong-demo"})
    assert response.status_code == 302


def test_my_page_needs_sign_in(client, db):
    response = client.get("/me/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/me/"


def test_my_page_shows_masked_id_and_phone_never_the_full_numbers(client, db):
    _sign_in(client, "citizen")

    response = client.get("/me/")

    html = page(response)
    assert MASKED_ID.match(html.one("dd", class_="masked-id").text)
    assert html.one("dd", class_="masked-id").text.startswith("310")
    assert html.one("dd", class_="masked-phone").text == "138****0001"
    assert b"13800000001" not in response.content
    assert b"19850315" not in response.content


def test_my_page_shows_name_district_verification_and_roles(client, db):
    _sign_in(client, "citizen")

    html = page(client.get("/me/"))

    assert "王晓明" in html.one("dl", class_="facts").text
    assert "徐汇区" in html.one("dl", class_="facts").text
    assert html.one("dd", class_="verification").text == "现场核验"
    assert html.one("ul", class_="roles").text == "市民 · 天平路街道社区学校"
    assert html.one("ul", class_="links").text == "返回首页"


def test_my_page_in_english_translates_level_role_and_district(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    _sign_in(client, "citizen")

    html = page(client.get("/me/"))

    assert html.one("h1").text == "My page"
    assert html.one("dd", class_="verification").text == "Verified in person"
    assert html.one("ul", class_="roles").text.startswith("Citizen · ")
    assert "Xuhui" in html.one("dl", class_="facts").text


def test_my_page_links_staff_to_the_back_office(client, db, django_user_model):
    django_user_model.objects.filter(username="district_officer").update(is_staff=True)
    _sign_in(client, "district_officer")

    links = page(client.get("/me/")).one("ul", class_="links")

    assert "管理后台" in links.text


def test_my_page_of_a_staff_account_without_a_person(client, db):
    _sign_in(client, "district_officer")

    html = page(client.get("/me/"))

    assert html.one("dd", class_="masked-id").text == "—"
    assert html.one("dd", class_="verification").text == "未实名"
    assert html.one("ul", class_="roles").text == "区教育局工作人员 · 徐汇区教育局"


def test_my_page_of_an_account_without_roles_says_so(client, db):
    _sign_in(client, "parent")

    html = page(client.get("/me/"))

    assert html.one("p", class_="empty").text == "暂无角色。"


def test_my_page_offers_sign_out_as_a_form(client, db):
    _sign_in(client, "citizen")

    html = page(client.get("/me/"))

    forms = html.find_all("form", action="/logout/")
    assert len(forms) == 2
    assert all(form.get("method") == "post" for form in forms)


def test_my_page_query_count_is_pinned(client, db, django_assert_num_queries):
    _sign_in(client, "citizen")

    with django_assert_num_queries(PINNED_ME_QUERIES):
        response = client.get("/me/")

    assert response.status_code == 200
