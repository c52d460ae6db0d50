"""Verification in person: staff of a school, district or the commission record that they saw
a person's identity document, only for people inside their scope."""

from __future__ import annotations

from lifelong.identity.models import Person
from lifelong.identity.tests.factories import id_number
from lifelong.shared.models import AuditEntry

DOCUMENT = {"document_checked": "居民身份证原件"}


def _register(
    client, *, district: str = "310104", street: str | None = None, birth: str = "19700101"
) -> str:
    body = {
        "name": "顾文",
        "id_number": id_number(area=district, birth=birth, sequence="345"),
        "district_code": district,
    }
    if street:
        body["street_code"] = street
    response = client.post("/api/v1/people", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _verify(client, person_id: str, body=None):
    return client.post(f"/api/v1/people/{person_id}/verification/in-person", body or DOCUMENT)


def test_district_officer_verifies_a_person_in_scope(as_user):
    # given a person registered in 徐汇区
    officer = as_user("district_officer")
    person_id = _register(officer)
    # when the 徐汇区 officer records the document check
    response = _verify(officer, person_id)
    # then the person is verified in person
    assert response.status_code == 200, response.content
    assert response.json()["verification_level"] == "in_person"
    assert officer.get(f"/api/v1/people/{person_id}").json()["verification_level"] == "in_person"


def test_school_staff_verifies_a_person_living_in_its_street(as_user):
    person_id = _register(as_user("district_officer"), street="310104003", birth="19710202")
    response = _verify(as_user("school_staff"), person_id)
    assert response.status_code == 200
    assert response.json()["verification_level"] == "in_person"


def test_commission_officer_verifies_anywhere_in_the_city(as_user):
    person_id = _register(as_user("district_officer_huangpu"), district="310101", birth="19720303")
    assert _verify(as_user("commission_officer"), person_id).status_code == 200


def test_officer_of_another_district_gets_404(as_user):
    person_id = _register(as_user("district_officer"), birth="19730404")
    response = _verify(as_user("district_officer_huangpu"), person_id)
    assert response.status_code == 404
    assert Person.objects.get(pk=person_id).verification_level == "unverified"


def test_citizen_may_not_verify_anyone(as_user):
    person_id = _register(as_user("district_officer"), birth="19740505")
    response = _verify(as_user("citizen"), person_id)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_in_person_check_never_lowers_a_city_login_level(as_user):
    # given a person already verified through the city's unified login
    officer = as_user("district_officer")
    person_id = _register(officer, birth="19750606")
    Person.objects.filter(pk=person_id).update(verification_level="oidc")
    # when staff record an in-person check
    response = _verify(officer, person_id)
    # then the level stays oidc
    assert response.status_code == 200
    assert response.json()["verification_level"] == "oidc"


def test_document_checked_is_required(as_user):
    officer = as_user("district_officer")
    person_id = _register(officer, birth="19760707")
    response = _verify(officer, person_id, {"document_checked": ""})
    assert response.status_code == 422
    assert "document_checked" in response.json()["error"]["fields"]


def test_in_person_verification_is_audited_with_the_document(as_user):
    officer = as_user("district_officer")
    person_id = _register(officer, birth="19770808")
    _verify(officer, person_id)
    entry = AuditEntry.objects.get(action="person.verify_in_person", object_id=person_id)
    assert entry.actor_label == "district_officer"
    assert entry.role == "district_officer"
    assert entry.detail["document_checked"] == "居民身份证原件"
