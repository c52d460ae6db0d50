"""Citizens look institutions up without logging in: licensed? escrow in place? penalties and
complaints on record?"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifelong.training_market.tests.helpers import SUNSHINE, sunshine, trouble

URL = "/api/v1/market/institutions"


def test_anyone_finds_an_institution_by_name(api):
    response = api.get(URL, q="阳光艺术")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == SUNSHINE and item["district_name"] == "徐汇区"
    assert item["licensed"] is True and item["escrow"] is True
    assert item["categories"] == ["arts"]


def test_a_uscc_finds_its_institution(api):
    body = api.get(URL, q=sunshine().uscc.lower()).json()

    assert [i["name"] for i in body["items"]] == [SUNSHINE]


def test_penalties_complaints_and_the_joint_punishment_list_show(api):
    entries = api.get("/api/v1/market/credit-lists", list="joint_punishment").json()["items"]
    punished = api.get(URL, q=entries[0]["institution_name"]).json()["items"][0]
    troubled = api.get(URL, q=trouble("310104").name).json()["items"][0]

    assert punished["joint_punishment"] is True and punished["penalties"] >= 1
    assert troubled["complaints"] >= 3 and troubled["joint_punishment"] is False


def test_the_look_up_filters_by_district_and_category(api):
    body = api.get(URL, district_code="310101", category="subject", page_size=100).json()

    assert body["count"] >= 1
    assert all(
        i["district_code"] == "310101" and "subject" in i["categories"] for i in body["items"]
    )


def test_the_public_record_of_one_institution(api):
    body = api.get(f"{URL}/{sunshine().pk}").json()

    assert body["premises"] and body["premises"][0]["lease_end"]
    assert body["complaints_resolved"] >= 1
    assert api.get(f"{URL}/999999999").status_code == 404


def test_the_look_up_takes_a_fixed_number_of_queries(api):
    api.get(URL, page_size=5)
    with CaptureQueriesContext(connection) as small:
        api.get(URL, page_size=5)
    with CaptureQueriesContext(connection) as large:
        api.get(URL, page_size=50)

    assert len(small) == len(large) <= 6


def test_the_look_up_page_shows_badges_and_an_empty_state(client, db):
    found = client.get("/market/", {"q": "阳光艺术"})
    nothing = client.get("/market/", {"q": "不存在的机构名称"})

    assert found.status_code == 200
    html = found.content.decode()
    assert SUNSHINE in html and "已取得办学许可" in html and "预收费已纳入监管" in html
    assert "没有找到符合条件的机构" in nothing.content.decode()


def test_the_institution_page_offers_a_complaint(client, db):
    html = client.get(f"/market/institutions/{sunshine().pk}/").content.decode()

    assert SUNSHINE in html and f"/market/institutions/{sunshine().pk}/complain/" in html
