"""No role sees another scope's rows: every list endpoint, detail endpoint and back-office
changelist, for every demo account."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.identity.tests.factories import id_number

ACCOUNTS = [
    "citizen",
    "senior_citizen",
    "parent",
    "teacher",
    "volunteer",
    "school_staff",
    "district_officer",
    "district_officer_huangpu",
    "commission_officer",
    "credit_bank_officer",
    "regulator",
    "enterprise_hr",
    "institution_staff",
    "bank_gateway",
]
# Which of the two marker people each account may see (None: may not list people at all).
SEES_PEOPLE = {
    "school_staff": {"xuhui_tianping"},
    "district_officer": {"xuhui_tianping", "xuhui_other"},
    "district_officer_huangpu": {"huangpu"},
    "commission_officer": {"xuhui_tianping", "xuhui_other", "huangpu"},
}


@pytest.fixture
def markers(as_user):
    """Three people and two organisations placed in different scopes."""
    xuhui = as_user("district_officer")
    huangpu = as_user("district_officer_huangpu")
    people = {
        "xuhui_tianping": xuhui.post(
            "/api/v1/people",
            {
                "name": "标记甲",
                "id_number": id_number(birth="19610101", sequence="611"),
                "district_code": "310104",
                "street_code": "310104003",
            },
        ).json()["id"],
        "xuhui_other": xuhui.post(
            "/api/v1/people",
            {
                "name": "标记乙",
                "id_number": id_number(birth="19620202", sequence="622"),
                "district_code": "310104",
                "street_code": "310104014",
            },
        ).json()["id"],
        "huangpu": huangpu.post(
            "/api/v1/people",
            {
                "name": "标记丙",
                "id_number": id_number(area="310101", birth="19630303", sequence="633"),
                "district_code": "310101",
            },
        ).json()["id"],
    }
    xuhui_org = xuhui.get("/api/v1/me").json()["memberships"][0]["organisation_id"]
    huangpu_org = huangpu.get("/api/v1/me").json()["memberships"][0]["organisation_id"]
    orgs = {
        "xuhui": xuhui.post(
            "/api/v1/organisations",
            {"name": "标记徐汇学习点", "kind": "community_school", "parent_id": xuhui_org},
        ).json()["id"],
        "huangpu": huangpu.post(
            "/api/v1/organisations",
            {"name": "标记黄浦学习点", "kind": "community_school", "parent_id": huangpu_org},
        ).json()["id"],
    }
    return people, orgs


@pytest.mark.parametrize("account", ACCOUNTS)
def test_people_list_and_detail_respect_scope(as_user, markers, account):
    people, _ = markers
    client = as_user(account)
    listing = client.get("/api/v1/people", page_size=100, q="标记")
    expected = SEES_PEOPLE.get(account)
    if expected is None:
        assert listing.status_code == 403
        for person_id in people.values():
            assert client.get(f"/api/v1/people/{person_id}").status_code in (403, 404)
        return
    seen_ids = {p["id"] for p in listing.json()["items"]}
    for key, person_id in people.items():
        assert (person_id in seen_ids) == (key in expected), (account, key)
        status = client.get(f"/api/v1/people/{person_id}").status_code
        assert status == (200 if key in expected else 404), (account, key)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_organisation_list_and_detail_respect_scope(as_user, markers, account):
    _, orgs = markers
    client = as_user(account)
    listing = client.get("/api/v1/organisations", page_size=100, q="标记")
    if account in ("citizen", "senior_citizen", "parent", "teacher", "volunteer", "bank_gateway"):
        assert listing.status_code == 403
        return
    seen = {o["id"] for o in listing.json()["items"]}
    city_wide = account in ("commission_officer", "credit_bank_officer", "regulator")
    expected = {
        "xuhui": city_wide or account == "district_officer",
        "huangpu": city_wide or account == "district_officer_huangpu",
    }
    for key, org_id in orgs.items():
        assert (org_id in seen) == expected[key], (account, key)
        assert client.get(f"/api/v1/organisations/{org_id}").status_code == (
            200 if expected[key] else 404
        )


def _admin(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("account", ACCOUNTS)
def test_back_office_person_changelist_respects_scope(markers, account):
    client = _admin(account)
    response = client.get("/admin/identity/person/", {"q": "标记"})
    expected = SEES_PEOPLE.get(account)
    if expected is None:
        assert response.status_code in (302, 403)
        return
    assert response.status_code == 200
    page = response.content.decode()
    for key, name in (
        ("xuhui_tianping", "标记甲"),
        ("xuhui_other", "标记乙"),
        ("huangpu", "标记丙"),
    ):
        assert (name in page) == (key in expected), (account, key)


@pytest.mark.parametrize("account", ["district_officer", "district_officer_huangpu"])
def test_back_office_person_detail_outside_scope_is_not_found(markers, account):
    people, _ = markers
    other = "huangpu" if account == "district_officer" else "xuhui_other"
    response = _admin(account).get(f"/admin/identity/person/{people[other]}/change/")
    assert response.status_code in (302, 404)
    assert "标记" not in response.content.decode()


@pytest.mark.parametrize("account", ACCOUNTS)
def test_back_office_organisation_changelist_respects_scope(markers, account):
    client = _admin(account)
    response = client.get("/admin/identity/organisation/", {"q": "标记"})
    if account in ("citizen", "senior_citizen", "parent", "teacher", "volunteer", "bank_gateway"):
        assert response.status_code in (302, 403)
        return
    page = response.content.decode()
    city_wide = account in ("commission_officer", "credit_bank_officer", "regulator")
    assert ("标记徐汇学习点" in page) == (city_wide or account == "district_officer")
    assert ("标记黄浦学习点" in page) == (city_wide or account == "district_officer_huangpu")


@pytest.mark.parametrize("account", ACCOUNTS)
def test_audit_log_is_readable_by_commission_staff_only(markers, account):
    response = _admin(account).get("/admin/shared/auditentry/")
    if account == "commission_officer":
        assert response.status_code == 200
        assert "person.register" in response.content.decode()
    else:
        assert response.status_code in (302, 403)


def test_nobody_may_delete_in_the_back_office(markers):
    people, _ = markers
    response = _admin("commission_officer").post(
        f"/admin/identity/person/{people['huangpu']}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
