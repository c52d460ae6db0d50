"""Unmasked ID numbers are shown only within scope, with a purpose, and every view is
written to the audit log."""

from __future__ import annotations

from lifelong.identity.tests.factories import id_number
from lifelong.shared.models import AuditEntry


def _register(client, **extra):
    body = {
        "name": "郑华",
        "id_number": id_number(birth="19550505", sequence="515"),
        "district_code": "310104",
    }
    body.update(extra)
    return client.post("/api/v1/people", body).json()


def test_reveal_returns_the_number_and_writes_an_audit_record(as_user):
    officer = as_user("district_officer")
    person = _register(officer)
    before = AuditEntry.objects.filter(action="person.reveal_id_number").count()
    response = officer.post(
        f"/api/v1/people/{person['id']}/reveal-id-number", {"purpose": "核对学分档案"}
    )
    assert response.status_code == 200
    assert response.json()["id_number"] == id_number(birth="19550505", sequence="515")
    entry = AuditEntry.objects.filter(action="person.reveal_id_number").latest("id")
    assert AuditEntry.objects.filter(action="person.reveal_id_number").count() == before + 1
    assert entry.object_id == person["id"]
    assert entry.actor_label == "district_officer"
    assert entry.detail == {"purpose": "核对学分档案"}


def test_reveal_outside_scope_is_not_found_and_reveals_nothing(as_user):
    person = _register(as_user("district_officer"))
    response = as_user("district_officer_huangpu").post(
        f"/api/v1/people/{person['id']}/reveal-id-number", {"purpose": "查看"}
    )
    assert response.status_code == 404
    assert id_number(birth="19550505", sequence="515") not in response.content.decode()


def test_reveal_needs_a_purpose(as_user):
    officer = as_user("district_officer")
    person = _register(officer)
    response = officer.post(f"/api/v1/people/{person['id']}/reveal-id-number", {"purpose": "  "})
    assert response.status_code == 422
    assert "purpose" in response.json()["error"]["fields"]


def test_listing_and_detail_never_carry_the_clear_number(as_user):
    officer = as_user("district_officer")
    person = _register(officer)
    clear = id_number(birth="19550505", sequence="515")
    assert clear not in officer.get("/api/v1/people", page_size=100).content.decode()
    assert clear not in officer.get(f"/api/v1/people/{person['id']}").content.decode()
