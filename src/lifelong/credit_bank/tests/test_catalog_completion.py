"""Completions on the learning cloud arrive automatically: the credit bank subscribes to the
domain event "catalog.course_completed"; the handler is idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from lifelong.credit_bank.models import Outcome, Posting
from lifelong.credit_bank.services import outcomes
from lifelong.credit_bank.tests.helpers import user
from lifelong.identity import api as identity
from lifelong.shared import events

pytestmark = pytest.mark.django_db


def _payload(resource_id: int = 900001, category: str = "health", **extra) -> dict:
    return {
        "person_id": identity.person_for_user(user("citizen").pk),
        "resource_id": resource_id,
        "title": "八段锦入门",
        "category": category,
        "completed_at": dt.datetime(2024, 5, 20, 9, 30, tzinfo=dt.UTC).isoformat(),
        "hours": 6,
        "provider_organisation_id": None,
        **extra,
    }


def test_the_credit_bank_subscribes_to_course_completions():
    assert "lifelong.credit_bank.services.outcomes.on_course_completed" in events.subscribers(
        "catalog.course_completed"
    )


def test_a_completion_is_certified_against_its_category_standard_with_a_credential(
    django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("catalog.course_completed", _payload(), durable=True)
    outcome = Outcome.objects.get(source_key__endswith=":900001")
    assert outcome.source_kind == "catalog"
    assert outcome.status == "certified"
    assert outcome.standard.code == "CAT-HEALTH"
    assert outcome.credential_id is not None
    assert outcome.achieved_on == dt.date(2024, 5, 20)
    assert Posting.objects.filter(outcome=outcome, kind="accrual").count() == 1


def test_the_same_completion_twice_is_deposited_once():
    first = outcomes.record_catalog_completion(_payload())
    again = outcomes.record_catalog_completion(_payload())
    assert first.pk == again.pk
    assert Posting.objects.filter(outcome=first).count() == 1


def test_a_completion_no_standard_covers_waits_for_an_officer_who_certifies_it(as_user):
    pending = outcomes.record_catalog_completion(_payload(900002, category="cooking"))
    assert pending.status == "pending"
    assert pending.credential_id is None
    assert not Posting.objects.filter(outcome=pending).exists()
    mine = as_user("citizen").get("/api/v1/me/archive").json()
    assert "pending" in {o["status"] for o in mine["outcomes"]}

    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/outcomes/{pending.pk}/certify", {"standard_code": "CAT-LIFE"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "certified"
    assert response.json()["credential_id"]
    assert Posting.objects.filter(outcome=pending, kind="accrual").count() == 1


def test_an_officer_rejects_a_pending_outcome_with_a_reason(as_user):
    pending = outcomes.record_catalog_completion(_payload(900003, category="cooking"))
    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/outcomes/{pending.pk}/reject", {"reason": "非学习类活动"}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == (
        "rejected",
        "非学习类活动",
    )
    again = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/outcomes/{pending.pk}/certify", {"standard_code": "CAT-LIFE"}
    )
    assert again.status_code == 409


def test_a_completion_for_an_unknown_person_is_ignored():
    payload = _payload(900004)
    payload["person_id"] = "00000000-0000-4000-8000-000000000000"
    assert outcomes.record_catalog_completion(payload) is None
