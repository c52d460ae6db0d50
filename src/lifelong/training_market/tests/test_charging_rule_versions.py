"""Charging rules are versioned by effective date: a new version governs contracts signed
from its date; the one in force when a contract was signed stays with it."""

from __future__ import annotations

import datetime as dt

from lifelong.shared import clock
from lifelong.training_market.models import Contract
from lifelong.training_market.tests.helpers import contract_body


def test_the_national_rules_are_published(api):
    rules = api.get("/api/v1/market/charging-rules").json()

    subject = [r for r in rules if r["category"] == "subject"][0]
    assert (subject["max_months"], subject["max_hours"], subject["max_amount"]) == (
        3,
        60,
        "5000.00",
    )
    assert {r["category"] for r in rules} >= {"subject", "arts", "sports", "childcare"}


def test_a_stricter_version_governs_new_contracts(as_user):
    old = as_user("institution_staff").post("/api/v1/market/contracts", contract_body()).json()
    added = as_user("regulator").post(
        "/api/v1/market/charging-rules",
        {
            "category": "arts",
            "effective_from": clock.today().isoformat(),
            "max_months": 3,
            "max_hours": 30,
            "collect_months_before_start": 1,
            "source": "沪教委测试〔2026〕1号",
        },
    )

    refused = as_user("institution_staff").post("/api/v1/market/contracts", contract_body())

    assert added.status_code == 201
    assert refused.status_code == 422 and refused.json()["error"]["fields"]["rule"] == "max_hours"
    assert Contract.objects.get(pk=old["id"]).rule.max_hours == 60


def test_only_the_city_regulator_adds_a_version(as_user):
    body = {
        "category": "arts",
        "effective_from": (clock.today() + dt.timedelta(days=10)).isoformat(),
        "max_hours": 40,
        "source": "测试",
    }

    assert (
        as_user("district_officer").post("/api/v1/market/charging-rules", body).status_code == 403
    )
    assert (
        as_user("institution_staff").post("/api/v1/market/charging-rules", body).status_code == 403
    )
