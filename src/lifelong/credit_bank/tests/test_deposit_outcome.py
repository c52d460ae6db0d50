"""Institutions, schools and officers deposit one outcome at a time:
`POST /api/v1/credit-bank/outcomes` — certified at once by the depositing organisation."""

from __future__ import annotations

import datetime as dt

from lifelong.credit_bank.models import Outcome, Posting
from lifelong.credit_bank.tests.helpers import id_number
from lifelong.shared.models import AuditEntry


def _body(**change) -> dict:
    body = {
        "external_id": "YG-SF-2024-001",
        "name": "林书法",
        "id_number": id_number("310104", "19700505"),
        "standard_code": "CL-SF",
        "achieved_on": "2024-06-01",
        "score": "91",
        "hours": "32",
        "evidence": "结业作品",
    }
    return {**body, **change}


def test_an_authorised_institution_deposits_a_certified_outcome_with_credits_and_credential(
    as_user,
):
    response = as_user("institution_staff").post("/api/v1/credit-bank/outcomes", _body())
    assert response.status_code == 201, response.content
    outcome = response.json()
    assert outcome["status"] == "certified"
    assert outcome["credential_id"]
    assert outcome["certified_by"] == "阳光艺术培训中心"
    assert outcome["source_kind"] == "institution"
    postings = Posting.objects.filter(outcome_id=outcome["id"])
    assert [(p.kind, str(p.credits)) for p in postings] == [("accrual", "1.00")]
    assert AuditEntry.objects.filter(
        action="credit_bank.outcome_deposit", object_id=outcome["id"]
    ).exists()


def test_the_same_submission_twice_deposits_once(as_user):
    client = as_user("institution_staff")
    first = client.post("/api/v1/credit-bank/outcomes", _body())
    again = client.post("/api/v1/credit-bank/outcomes", _body())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Outcome.objects.filter(external_id="YG-SF-2024-001").count() == 1
    assert Posting.objects.filter(outcome_id=first.json()["id"]).count() == 1


def test_an_organisation_may_not_certify_a_standard_it_is_not_authorised_for(as_user):
    response = as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes", _body(standard_code="VC-DG-4")
    )
    assert response.status_code == 422
    assert "standard_code" in response.json()["error"]["fields"]


def test_a_wrong_id_check_character_is_refused(as_user):
    number = id_number("310104", "19700505")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes", _body(id_number=wrong)
    )
    assert response.status_code == 422
    assert "id_number" in response.json()["error"]["fields"]


def test_a_future_date_is_refused(as_user):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes", _body(achieved_on=tomorrow)
    )
    assert response.status_code == 422


def test_a_score_out_of_range_is_refused_by_the_schema(as_user):
    response = as_user("institution_staff").post("/api/v1/credit-bank/outcomes", _body(score="130"))
    assert response.status_code == 422
    assert "score" in response.json()["error"]["fields"]


def test_citizens_may_not_deposit(as_user):
    response = as_user("citizen").post("/api/v1/credit-bank/outcomes", _body())
    assert response.status_code == 403


def test_an_officer_deposits_any_standard_as_the_credit_bank(as_user):
    response = as_user("credit_bank_officer").post(
        "/api/v1/credit-bank/outcomes",
        _body(external_id="CB-2024-9", standard_code="VC-ZSPT-5", score=None),
    )
    assert response.status_code == 201, response.content
    assert response.json()["certified_by"] == "上海市终身教育学分银行"
    assert response.json()["source_kind"] == "officer"


def test_a_partner_credit_bank_deposits_as_partner_bank(as_user):
    from django.apps import apps
    from django.contrib.auth import get_user_model

    Organisation = apps.get_model("identity", "Organisation")
    Membership = apps.get_model("identity", "Membership")
    partner = Organisation.objects.create(name="江苏省终身教育学分银行", kind="credit_bank")
    partner.path = f"/{partner.pk}/"
    partner.save(update_fields=["path"])
    account = get_user_model().objects.create_user(username="js_bank", password=None)
    Membership.objects.create(user=account, organisation=partner, role="partner_system")
    as_user("credit_bank_officer").post(
        "/api/v1/credit-bank/standards/VC-DG-3/certifiers", {"organisation_id": partner.pk}
    )
    response = as_user("js_bank").post(
        "/api/v1/credit-bank/outcomes",
        _body(external_id="JS-2024-77", standard_code="VC-DG-3", score=None),
    )
    assert response.status_code == 201, response.content
    assert response.json()["source_kind"] == "partner_bank"
    assert response.json()["certified_by"] == "江苏省终身教育学分银行"
