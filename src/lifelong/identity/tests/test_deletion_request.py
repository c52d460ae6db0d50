"""Deletion requests (PIPL art. 47): erasure of personal data, except what the law keeps."""

from __future__ import annotations

import pytest

from lifelong.identity import api as identity
from lifelong.identity.models import Person
from lifelong.identity.privacy import deletion
from lifelong.identity.services import create_account
from lifelong.identity.tests.factories import id_number
from lifelong.shared.models import AuditEntry


@pytest.fixture
def retention_rules(monkeypatch):
    """Rules registered in a test vanish after it."""
    monkeypatch.setattr(deletion, "_RETENTION_RULES", dict(deletion._RETENTION_RULES))


def _request(client, body=None) -> dict:
    response = client.post(
        "/api/v1/me/deletion-request", body or {"reason": "不再使用 / no longer needed"}
    )
    assert response.status_code == 201, response.content
    return response.json()


def _process(request_id: int, as_user) -> dict:
    response = as_user("commission_officer").post(f"/api/v1/deletion-requests/{request_id}/process")
    assert response.status_code == 200, response.content
    return response.json()


def test_deletion_erases_the_name_and_keeps_audit_entries(as_user, api):
    citizen = as_user("citizen")
    person_id = citizen.get("/api/v1/me").json()["person_id"]
    made = _request(citizen)
    assert made["status"] == "pending" and made["person_name"] == "王晓明"
    about = AuditEntry.objects.filter(object_id=person_id)
    before = set(about.values_list("id", flat=True))
    assert before

    done = _process(made["id"], as_user)

    assert done["status"] == "completed" and done["person_name"] == "已注销用户"
    assert {"name", "id_number", "phone", "account"} <= set(done["erased"])
    assert "identity.audit_log" in {r["rule"] for r in done["retained"]}
    assert before < set(about.values_list("id", flat=True))
    person = Person.objects.select_related("user").get(pk=person_id)
    assert person.name == "已注销用户"
    assert (person.id_number_sealed, person.id_number_index, person.id_number_masked) == (
        "",
        None,
        "",
    )
    assert (person.phone_sealed, person.phone_index, person.birth_date) == ("", None, None)
    assert person.user.is_active is False and person.user.username != "citizen"
    assert citizen.get("/api/v1/me").status_code == 401


def test_retention_hold_keeps_its_data_and_says_why(as_user, retention_rules):
    reason = "学分银行成果须可识别持有人 / Credit-bank outcomes must identify their holder"
    identity.register_retention_rule(
        "credit_bank.outcomes",
        lambda person_id: identity.RetentionHold(frozenset({"id_number"}), reason),
    )
    citizen = as_user("citizen")
    person_id = citizen.get("/api/v1/me").json()["person_id"]
    done = _process(_request(citizen)["id"], as_user)
    assert {"rule": "credit_bank.outcomes", "data": ["id_number"], "reason": reason} in done[
        "retained"
    ]
    assert "id_number" not in done["erased"] and "name" in done["erased"]
    person = Person.objects.get(pk=person_id)
    assert person.id_number_index and person.id_number_masked
    assert person.name == "已注销用户"


def test_deletion_withdraws_consents_and_revokes_relations_but_keeps_their_history(as_user):
    parent = as_user("parent")
    person_id = parent.get("/api/v1/me").json()["person_id"]
    parent.post("/api/v1/me/consents", {"purpose": "recommendations", "granted": True})
    [relation] = [
        p
        for p in parent.get("/api/v1/me/proxies").json()["as_agent"]
        if p["kind"] == "guardian_of_minor"
    ]
    _process(_request(parent)["id"], as_user)
    assert identity.has_consent(person_id, "recommendations") is False
    assert Person.objects.get(pk=person_id).consent_records.count() == 2
    from lifelong.identity.models import ProxyRelation

    assert ProxyRelation.objects.get(pk=relation["id"]).revoked_at is not None


def test_only_commission_officers_process_requests(as_user):
    made = _request(as_user("citizen"))
    response = as_user("district_officer").post(f"/api/v1/deletion-requests/{made['id']}/process")
    assert response.status_code == 403
    assert as_user("district_officer").get("/api/v1/deletion-requests").status_code == 403


def test_commission_officer_lists_pending_requests(as_user):
    made = _request(as_user("citizen"))
    pending = (
        as_user("commission_officer")
        .get("/api/v1/deletion-requests", status="pending")
        .json()["items"]
    )
    assert made["id"] in {r["id"] for r in pending}


def test_a_processed_request_cannot_be_processed_again(as_user):
    made = _request(as_user("citizen"))
    _process(made["id"], as_user)
    assert (
        as_user("commission_officer")
        .post(f"/api/v1/deletion-requests/{made['id']}/process")
        .status_code
        == 409
    )


def test_a_second_pending_request_is_409(as_user):
    citizen = as_user("citizen")
    _request(citizen)
    assert (
        citizen.post("/api/v1/me/deletion-request", {"reason": "再次 / again"}).status_code == 409
    )


def test_guardian_requests_deletion_of_the_childs_data(as_user):
    parent = as_user("parent")
    [relation] = [
        p
        for p in parent.get("/api/v1/me/proxies").json()["as_agent"]
        if p["kind"] == "guardian_of_minor"
    ]
    child = relation["principal"]["id"]
    made = _request(parent, {"person_id": child, "reason": "监护人申请 / by the guardian"})
    assert made["through_proxy"] is True and made["person_id"] == child
    entry = AuditEntry.objects.get(action="privacy.deletion_requested", object_id=child)
    assert entry.on_behalf_of == child


def test_a_minor_cannot_request_deletion_alone(api, as_user):
    made = (
        as_user("district_officer")
        .post(
            "/api/v1/people",
            {
                "name": "许小满",
                "id_number": id_number("310104", "20090420", "062"),
                "district_code": "310104",
            },
        )
        .json()
    )
    create_account(
        username="xuxiaoman",
        password="a-long-teen-password",
        person=Person.objects.get(pk=made["id"]),
    )
    api.token = api.post(
        "/api/v1/auth/token", {"username": "xuxiaoman", "password": "a-long-teen-password"}
    ).json()["token"]
    response = api.post("/api/v1/me/deletion-request", {"reason": "我想删除 / I want it gone"})
    assert response.status_code == 403
    assert "监护人" in response.json()["error"]["message"]
