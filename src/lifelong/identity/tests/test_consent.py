"""Consent per purpose: an append-only history where withdrawal is a new row."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from lifelong.identity import api as identity
from lifelong.identity.tests.factories import id_number
from lifelong.shared.models import AuditEntry


def _state(overview: dict, purpose: str) -> dict:
    [item] = [i for i in overview["items"] if i["purpose"] == purpose]
    return item


def test_consent_withdrawal_keeps_history(as_user):
    client = as_user("citizen")
    granted = client.post("/api/v1/me/consents", {"purpose": "recommendations", "granted": True})
    assert granted.status_code == 201 and granted.json()["granted"] is True
    withdrawn = client.post("/api/v1/me/consents", {"purpose": "recommendations", "granted": False})
    assert withdrawn.status_code == 201
    overview = client.get("/api/v1/me/consents").json()
    state = _state(overview, "recommendations")
    assert state["granted"] is False
    assert state["granted_at"] == granted.json()["granted_at"]
    assert state["withdrawn_at"] is not None
    history = [h for h in overview["history"] if h["purpose"] == "recommendations"]
    assert [(h["granted_at"] is not None, h["withdrawn_at"] is not None) for h in history] == [
        (True, False),
        (False, True),
    ]


def test_every_purpose_is_listed_and_starts_without_consent(as_user):
    overview = as_user("senior_citizen").get("/api/v1/me/consents").json()
    assert {i["purpose"] for i in overview["items"]} == {
        "learning_records",
        "credit_bank",
        "recommendations",
        "marketing_sms",
    }
    assert not any(i["granted"] for i in overview["items"])
    assert all(" / " in i["label"] for i in overview["items"])


def test_repeating_the_current_answer_adds_no_row(as_user):
    client = as_user("citizen")
    assert (
        client.post(
            "/api/v1/me/consents", {"purpose": "marketing_sms", "granted": True}
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/me/consents", {"purpose": "marketing_sms", "granted": True}
        ).status_code
        == 200
    )
    assert (
        client.post("/api/v1/me/consents", {"purpose": "credit_bank", "granted": False}).status_code
        == 200
    )
    history = client.get("/api/v1/me/consents").json()["history"]
    assert [h["purpose"] for h in history] == ["marketing_sms"]


def test_unknown_purpose_is_422(as_user):
    response = as_user("citizen").post(
        "/api/v1/me/consents", {"purpose": "selling_data", "granted": True}
    )
    assert response.status_code == 422
    assert "purpose" in response.json()["error"]["fields"]


def test_has_consent_follows_the_latest_record(as_user):
    client = as_user("citizen")
    person = client.get("/api/v1/me").json()["person_id"]
    assert identity.has_consent(person, "learning_records") is False
    client.post("/api/v1/me/consents", {"purpose": "learning_records", "granted": True})
    assert identity.has_consent(person, "learning_records") is True
    client.post("/api/v1/me/consents", {"purpose": "learning_records", "granted": False})
    assert identity.has_consent(person, "learning_records") is False


def test_consent_rows_cannot_be_changed_or_deleted(as_user):
    from lifelong.identity.models import ConsentRecord

    as_user("citizen").post("/api/v1/me/consents", {"purpose": "credit_bank", "granted": True})
    row = ConsentRecord.objects.filter(purpose="credit_bank").latest("id")
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=row.pk).update(purpose="marketing_sms")
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=row.pk).delete()


def test_guardian_consents_for_the_child_and_it_is_audited_on_her_behalf(as_user):
    parent = as_user("parent")
    [relation] = [
        p
        for p in parent.get("/api/v1/me/proxies").json()["as_agent"]
        if p["kind"] == "guardian_of_minor"
    ]
    child = relation["principal"]["id"]
    response = parent.post(
        "/api/v1/me/consents", {"purpose": "learning_records", "granted": True, "person_id": child}
    )
    assert response.status_code == 201
    assert identity.has_consent(child, "learning_records") is True
    assert (
        parent.get("/api/v1/me/consents", person_id=child).json()["history"][0]["through_proxy"]
        is True
    )
    entry = AuditEntry.objects.get(action="consent.grant", object_id=child)
    assert entry.on_behalf_of == child and entry.detail["proxy_id"] == relation["id"]


def test_child_under_fourteen_cannot_consent_alone(api, as_user):
    from lifelong.identity.models import Person
    from lifelong.identity.services import create_account

    made = (
        as_user("district_officer")
        .post(
            "/api/v1/people",
            {
                "name": "林小朵",
                "id_number": id_number("310104", "20160910", "046"),
                "district_code": "310104",
            },
        )
        .json()
    )
    create_account(
        username="linxiaoduo",
        password="a-long-child-password",
        person=Person.objects.get(pk=made["id"]),
    )
    api.token = api.post(
        "/api/v1/auth/token", {"username": "linxiaoduo", "password": "a-long-child-password"}
    ).json()["token"]
    response = api.post("/api/v1/me/consents", {"purpose": "recommendations", "granted": True})
    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith("不满14周岁")


def test_no_one_else_reads_my_consents(as_user):
    person = as_user("citizen").get("/api/v1/me").json()["person_id"]
    assert as_user("senior_citizen").get("/api/v1/me/consents", person_id=person).status_code == 404
