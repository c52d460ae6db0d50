"""Granting a proxy relation: who may grant it, and the age rules of each kind."""

from __future__ import annotations

import datetime as dt

from lifelong.identity.tests.factories import id_number

CITIZEN_ID = id_number("310104", "19850315", "003")  # 王晓明, born 1985
SENIOR_ID = id_number("310104", "19520806", "002")  # 李秀英, born 1952
PARENT_ID = id_number("310104", "19840102", "013")  # 陈立华


def _person_id(as_user, username: str) -> str:
    return as_user(username).get("/api/v1/me").json()["person_id"]


def _register_minor(as_user, birth: str = "20120315", sequence: str = "118") -> str:
    made = as_user("district_officer").post(
        "/api/v1/people",
        {
            "name": "周小安",
            "id_number": id_number("310104", birth, sequence),
            "district_code": "310104",
        },
    )
    assert made.status_code == 201, made.content
    return made.json()["id"]


def test_senior_grants_family_member_and_both_see_it(as_user):
    senior, citizen = as_user("senior_citizen"), as_user("citizen")
    response = senior.post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "本人在线授权 / granted online",
        },
    )
    assert response.status_code == 201, response.content
    granted = response.json()
    assert granted["status"] == "active" and granted["valid_until"] is None
    assert granted["principal"]["name"] == "李秀英" and granted["agent"]["name"] == "王晓明"
    assert granted["id"] in {
        p["id"] for p in senior.get("/api/v1/me/proxies").json()["as_principal"]
    }
    assert granted["id"] in {p["id"] for p in citizen.get("/api/v1/me/proxies").json()["as_agent"]}


def test_guardian_for_an_adult_is_refused(as_user):
    citizen_person = _person_id(as_user, "citizen")
    response = as_user("district_officer").post(
        "/api/v1/me/proxies",
        {
            "kind": "guardian_of_minor",
            "principal_person_id": citizen_person,
            "agent_id_number": PARENT_ID,
            "agent_name": "陈立华",
            "consent_evidence": "户口簿 / household register",
        },
    )
    assert response.status_code == 422
    assert "kind" in response.json()["error"]["fields"]


def test_senior_relation_for_someone_under_sixty_is_refused(as_user):
    response = as_user("citizen").post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "agent_id_number": PARENT_ID,
            "agent_name": "陈立华",
            "consent_evidence": "本人授权 / by myself",
        },
    )
    assert response.status_code == 422
    assert "kind" in response.json()["error"]["fields"]


def test_staff_record_guardian_for_minor_without_account_until_eighteenth_birthday(as_user):
    minor = _register_minor(as_user, birth="20120315")
    response = as_user("district_officer").post(
        "/api/v1/me/proxies",
        {
            "kind": "guardian_of_minor",
            "principal_person_id": minor,
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "出生医学证明 / birth certificate checked",
        },
    )
    assert response.status_code == 201, response.content
    until = dt.datetime.fromisoformat(response.json()["valid_until"])
    assert until == dt.datetime(2030, 3, 15, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert response.json()["principal"]["id"] == minor


def test_staff_outside_the_principals_district_cannot_record_a_relation(as_user):
    senior_person = _person_id(as_user, "senior_citizen")
    response = as_user("district_officer_huangpu").post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "principal_person_id": senior_person,
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "纸质授权书 / paper form",
        },
    )
    assert response.status_code == 404


def test_citizen_cannot_grant_for_someone_else(as_user):
    senior_person = _person_id(as_user, "senior_citizen")
    response = as_user("citizen").post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "principal_person_id": senior_person,
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "我说的 / I say so",
        },
    )
    assert response.status_code == 404


def test_agent_must_match_id_number_and_name(as_user):
    response = as_user("senior_citizen").post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王小明",
            "consent_evidence": "本人授权 / by myself",
        },
    )
    assert response.status_code == 422
    assert "agent_id_number" in response.json()["error"]["fields"]


def test_same_relation_twice_is_409(as_user):
    senior = as_user("senior_citizen")
    body = {
        "kind": "family_for_senior",
        "agent_id_number": PARENT_ID,
        "agent_name": "陈立华",
        "consent_evidence": "本人授权 / by myself",
    }
    assert senior.post("/api/v1/me/proxies", body).status_code == 201
    assert senior.post("/api/v1/me/proxies", body).status_code == 409


def test_community_staff_relation_needs_a_staff_agent(as_user):
    response = as_user("senior_citizen").post(
        "/api/v1/me/proxies",
        {
            "kind": "community_staff_for_senior",
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "本人授权 / by myself",
        },
    )
    assert response.status_code == 422
    assert "agent_id_number" in response.json()["error"]["fields"]


def test_consent_evidence_is_required(as_user):
    response = as_user("senior_citizen").post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "  ",
        },
    )
    assert response.status_code == 422
    assert "consent_evidence" in response.json()["error"]["fields"]


def test_granting_is_audited_about_the_principal(as_user):
    from lifelong.shared.models import AuditEntry

    senior_person = _person_id(as_user, "senior_citizen")
    proxy = (
        as_user("senior_citizen")
        .post(
            "/api/v1/me/proxies",
            {
                "kind": "family_for_senior",
                "agent_id_number": CITIZEN_ID,
                "agent_name": "王晓明",
                "consent_evidence": "本人授权 / by myself",
            },
        )
        .json()
    )
    entry = AuditEntry.objects.get(action="proxy.grant", detail__proxy_id=proxy["id"])
    assert entry.object_id == senior_person and entry.actor_label == "senior_citizen"


def test_staff_cannot_record_a_guardian_for_a_minor_who_has_an_account(as_user):
    from lifelong.identity.models import Person
    from lifelong.identity.services import create_account

    minor = _register_minor(as_user, birth="20100707", sequence="134")
    create_account(
        username="minor_with_account",
        password="a-long-minor-password",
        person=Person.objects.get(pk=minor),
    )
    response = as_user("district_officer").post(
        "/api/v1/me/proxies",
        {
            "kind": "guardian_of_minor",
            "principal_person_id": minor,
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "户口簿 / household register",
        },
    )
    assert response.status_code == 403
    assert "须由本人授权" in response.json()["error"]["message"]
