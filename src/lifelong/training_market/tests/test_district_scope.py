"""A district regulator sees only its district's institutions, cases and complaints; the city
regulator sees everything; institution staff see their own institution."""

from __future__ import annotations

from lifelong.training_market.models import Complaint, PenaltyCase
from lifelong.training_market.tests.helpers import sunshine, trouble


def test_a_district_officer_sees_its_own_institutions_risk_and_not_anothers(as_user):
    xuhui = as_user("district_officer")

    own = xuhui.get(f"/api/v1/market/institutions/{trouble('310104').pk}/risk")
    other = xuhui.get(f"/api/v1/market/institutions/{trouble('310101').pk}/risk")

    assert own.status_code == 200 and other.status_code == 404


def test_each_district_alert_list_holds_only_its_district(as_user):
    xuhui = as_user("district_officer").get("/api/v1/market/risk-alerts").json()["items"]
    huangpu = as_user("district_officer_huangpu").get("/api/v1/market/risk-alerts").json()["items"]
    city = as_user("regulator").get("/api/v1/market/risk-alerts").json()["items"]

    assert xuhui and {i["district_code"] for i in xuhui} == {"310104"}
    assert huangpu and {i["district_code"] for i in huangpu} == {"310101"}
    assert {i["district_code"] for i in city} >= {"310104", "310101"}


def test_a_district_officer_lists_only_its_districts_complaints(as_user):
    listed = (
        as_user("district_officer_huangpu").get("/api/v1/market/complaints", page_size=100).json()
    )
    xuhui_complaint = Complaint.objects.filter(district_id="310104").first()

    assert listed["count"] == Complaint.objects.filter(district_id="310101").count() > 0
    assert {c["district_code"] for c in listed["items"]} == {"310101"}
    assert (
        as_user("district_officer_huangpu")
        .get(f"/api/v1/market/complaints/{xuhui_complaint.pk}")
        .status_code
        == 404
    )


def test_a_district_officer_sees_only_its_districts_cases(as_user):
    xuhui_case = PenaltyCase.objects.filter(district_id="310104").first()

    huangpu = as_user("district_officer_huangpu")
    listed = huangpu.get("/api/v1/market/penalty-cases").json()["items"]

    assert all(c["district_code"] == "310101" for c in listed)
    assert huangpu.get(f"/api/v1/market/penalty-cases/{xuhui_case.pk}").status_code == 404
    assert (
        as_user("district_officer").get(f"/api/v1/market/penalty-cases/{xuhui_case.pk}").status_code
        == 200
    )


def test_a_district_officer_cannot_register_in_another_district(as_user):
    from lifelong.identity import api as identity

    response = as_user("district_officer_huangpu").post(
        "/api/v1/market/institutions",
        {
            "name": "越区登记测试",
            "uscc": identity.demo_uscc("52", "310104", "DC000001"),
            "district_code": "310104",
            "for_profit": False,
            "categories": ["arts"],
            "premises": [],
        },
    )

    assert response.status_code == 422
    assert "district_code" in response.json()["error"]["fields"]


def test_staff_see_their_own_contracts_only(as_user):
    items = as_user("institution_staff").get("/api/v1/market/contracts", page_size=100).json()

    assert items["count"] >= 12
    assert {c["institution_id"] for c in items["items"]} == {sunshine().pk}


def test_a_district_officer_does_not_see_another_districts_contracts(as_user):
    from lifelong.training_market.models import Contract

    xuhui_contract = Contract.objects.filter(institution=sunshine()).first()

    assert (
        as_user("district_officer_huangpu")
        .get(f"/api/v1/market/contracts/{xuhui_contract.pk}/balance")
        .status_code
        == 404
    )
    assert (
        as_user("district_officer")
        .get(f"/api/v1/market/contracts/{xuhui_contract.pk}/balance")
        .status_code
        == 200
    )
