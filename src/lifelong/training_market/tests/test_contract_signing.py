"""Signing a standard contract: staff of the institution sign; the charging rules in force
refuse a contract that breaks one, naming the rule; a minor needs a guardian."""

from __future__ import annotations

import datetime as dt

from lifelong.shared import clock
from lifelong.training_market.models import Contract
from lifelong.training_market.tests.helpers import adult_id, contract_body, sunshine

URL = "/api/v1/market/contracts"


def test_staff_sign_a_contract_that_keeps_the_rules(as_user):
    response = as_user("institution_staff").post(URL, contract_body())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total_amount"] == "4000.00"
    assert body["learner_id_masked"].startswith("310") and "*" in body["learner_id_masked"]
    assert body["balance"]["paid"] == "0.00" and body["balance"]["hours_left"] == 40
    stored = Contract.objects.get(pk=body["id"])
    assert stored.learner_id_sealed and "310104" not in stored.learner_id_sealed


def test_more_than_sixty_hours_is_refused_naming_the_rule(as_user):
    response = as_user("institution_staff").post(URL, contract_body(class_hours=61))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "charging_rule"
    assert "max_hours" in error["fields"]["class_hours"]
    assert error["fields"]["rule"] == "max_hours"


def test_more_than_three_months_is_refused(as_user):
    response = as_user("institution_staff").post(URL, contract_body(months=4))

    assert response.status_code == 422
    assert "max_months" in response.json()["error"]["fields"]["rule"]


def test_subject_training_above_five_thousand_yuan_is_refused(as_user):
    body = contract_body(category="subject", course="初中数学", total_amount="5000.01")
    response = as_user("institution_staff").post(URL, body)

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["rule"] == "max_amount"


def test_five_thousand_yuan_is_fine_for_arts(as_user):
    response = as_user("institution_staff").post(URL, contract_body(total_amount="5800.00"))

    assert response.status_code == 201


def test_collecting_more_than_a_month_before_the_course_is_refused(as_user):
    start = (clock.today() + dt.timedelta(days=45)).isoformat()
    response = as_user("institution_staff").post(URL, contract_body(start_date=start))

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["rule"] == "collected_too_early"


def test_a_course_running_past_the_premises_lease_is_refused(as_user):
    from lifelong.training_market.models import Premises

    Premises.objects.filter(institution=sunshine()).update(
        lease_end=clock.today() + dt.timedelta(days=30)
    )
    response = as_user("institution_staff").post(
        URL, contract_body(start_date=(clock.today() + dt.timedelta(days=1)).isoformat())
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["rule"] == "beyond_lease"


def test_every_broken_rule_is_named(as_user):
    response = as_user("institution_staff").post(URL, contract_body(class_hours=80, months=6))

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]["rule"].split(",")) == {"max_hours", "max_months"}


def test_a_minor_needs_a_guardian(as_user):
    response = as_user("institution_staff").post(URL, contract_body(guardian_id_number=None))

    assert response.status_code == 422
    assert "guardian_id_number" in response.json()["error"]["fields"]


def test_an_adult_learner_needs_no_guardian(as_user):
    body = contract_body(learner_id_number=adult_id(), guardian_id_number=None)
    response = as_user("institution_staff").post(URL, body)

    assert response.status_code == 201, response.content
    assert response.json()["learner_is_minor"] is False


def test_an_invalid_id_number_is_refused(as_user):
    response = as_user("institution_staff").post(
        URL, contract_body(learner_id_number="310104201501010000")
    )

    assert response.status_code == 422
    assert "learner_id_number" in response.json()["error"]["fields"]


def test_amounts_with_three_decimals_negative_or_as_numbers_are_refused(as_user):
    staff = as_user("institution_staff")
    for amount in ("4000.001", "-4000", "0", 4000, "1e5", "99999999999999"):
        response = staff.post(URL, contract_body(total_amount=amount))
        assert response.status_code == 422, amount
        assert "total_amount" in response.json()["error"]["fields"], amount


def test_staff_of_another_institution_cannot_sign_for_this_one(as_user):
    from lifelong.training_market.tests.helpers import trouble

    response = as_user("institution_staff").post(
        URL, contract_body(institution_id=trouble("310104").pk)
    )

    assert response.status_code == 403


def test_an_unknown_institution_is_not_found(as_user):
    response = as_user("institution_staff").post(URL, contract_body(institution_id=999_999_999))

    assert response.status_code == 404


def test_signing_needs_a_token(api):
    assert api.post(URL, contract_body()).status_code == 401
