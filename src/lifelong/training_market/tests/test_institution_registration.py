"""Regulators register institutions: an identity organisation plus registry data."""

from __future__ import annotations

import datetime as dt

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.training_market.models import Account, Institution

URL = "/api/v1/market/institutions"


def _body(**overrides) -> dict:
    body = {
        "name": "上海测试书画培训中心",
        "uscc": identity.demo_uscc("52", "310104", "RG000001"),
        "district_code": "310104",
        "for_profit": False,
        "categories": ["arts", "other"],
        "premises": [
            {
                "address": "漕溪北路1号",
                "lease_end": (clock.today() + dt.timedelta(days=400)).isoformat(),
            }
        ],
    }
    body.update(overrides)
    return body


def test_the_regulator_registers_an_institution(as_user):
    response = as_user("regulator").post(URL, _body())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] and body["categories"] == ["arts", "other"]
    institution = Institution.objects.get(pk=body["id"])
    assert identity.organisation_by_id(body["id"]).kind == "training_institution"
    assert set(Account.objects.filter(institution=institution).values_list("kind", flat=True)) == {
        "escrow",
        "risk_reserve",
        "released_revenue",
        "refund_payable",
        "bank_clearing",
    }


def test_an_invalid_uscc_is_refused(as_user):
    uscc = identity.demo_uscc("52", "310104", "RG000002")
    broken = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")

    response = as_user("regulator").post(URL, _body(uscc=broken))

    assert response.status_code == 422
    assert "uscc" in response.json()["error"]["fields"]


def test_premises_may_be_empty(as_user):
    response = as_user("regulator").post(
        URL, _body(premises=[], uscc=identity.demo_uscc("52", "310104", "RG000003"))
    )

    assert response.status_code == 201
    assert response.json()["premises"] == []


def test_an_unknown_category_is_refused(as_user):
    response = as_user("regulator").post(URL, _body(categories=["cooking"]))

    assert response.status_code == 422
    assert "categories" in response.json()["error"]["fields"]


def test_a_registered_uscc_is_a_conflict(as_user):
    regulator = as_user("regulator")
    regulator.post(URL, _body(uscc=identity.demo_uscc("52", "310104", "RG000004")))

    again = regulator.post(URL, _body(uscc=identity.demo_uscc("52", "310104", "RG000004")))

    assert again.status_code == 409


def test_citizens_and_staff_cannot_register(as_user):
    assert as_user("citizen").post(URL, _body()).status_code == 403
    assert as_user("institution_staff").post(URL, _body()).status_code == 403


def test_a_district_officer_registers_in_its_district(as_user):
    response = as_user("district_officer").post(
        URL, _body(uscc=identity.demo_uscc("52", "310104", "RG000005"))
    )

    assert response.status_code == 201
    assert response.json()["district_code"] == "310104"


def test_suspending_an_institution_stops_new_contracts(as_user):
    from lifelong.training_market.tests.helpers import contract_body, sunshine

    suspended = as_user("regulator").post(
        f"{URL}/{sunshine().pk}/status", {"status": "suspended", "reason": "资金异常，暂停招生"}
    )
    refused = as_user("institution_staff").post("/api/v1/market/contracts", contract_body())

    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    assert refused.status_code == 422
    assert "institution_not_active" in refused.json()["error"]["fields"]["rule"]


def test_a_branch_is_recorded_and_shown_publicly(as_user, api):
    from lifelong.training_market.tests.helpers import sunshine

    response = as_user("institution_staff").post(
        f"{URL}/{sunshine().pk}/branches",
        {"name": "阳光艺术培训中心漕河泾分部", "address": "宜山路700号", "district_code": "310104"},
    )

    assert response.status_code == 201
    public = api.get(f"{URL}/{sunshine().pk}").json()
    assert [b["name"] for b in public["branches"]] == ["阳光艺术培训中心漕河泾分部"]
