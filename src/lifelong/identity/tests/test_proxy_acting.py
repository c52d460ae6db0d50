"""Acting through a proxy relation: what the agent sees, and the audit trail of every act."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifelong.identity import api as identity
from lifelong.identity.tests.factories import id_number
from lifelong.shared.models import AuditEntry

CITIZEN_ID = id_number("310104", "19850315", "003")
CHILD_ID = id_number("310104", "20150601", "024")  # 陈小雨


def _child(parent) -> dict:
    [relation] = [
        p
        for p in parent.get("/api/v1/me/proxies").json()["as_agent"]
        if p["kind"] == "guardian_of_minor"
    ]
    return relation


def test_demo_parent_is_guardian_of_the_demo_child_until_she_turns_eighteen(as_user):
    relation = _child(as_user("parent"))
    assert relation["principal"]["name"] == "陈小雨" and relation["agent"]["name"] == "陈立华"
    assert relation["status"] == "active"
    assert dt.datetime.fromisoformat(relation["valid_until"]) == dt.datetime(
        2033, 6, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )


def test_guardian_sees_the_childs_masked_profile_and_the_view_is_audited(as_user):
    parent = as_user("parent")
    child = _child(parent)["principal"]["id"]
    response = parent.get(f"/api/v1/people/{child}/as-agent")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "陈小雨"
    assert body["id_number_masked"] == CHILD_ID[:3] + "*" * 11 + CHILD_ID[-4:]
    assert CHILD_ID not in response.content.decode()
    assert body["proxy"]["kind"] == "guardian_of_minor"
    entry = AuditEntry.objects.filter(action="person.view_as_agent").first()
    assert entry.on_behalf_of == child and entry.actor_label == "parent"
    assert entry.detail["proxy_id"] == body["proxy"]["id"]


def test_someone_without_a_relation_cannot_see_the_profile(as_user):
    child = _child(as_user("parent"))["principal"]["id"]
    assert as_user("citizen").get(f"/api/v1/people/{child}/as-agent").status_code == 404
    assert as_user("district_officer").get(f"/api/v1/people/{child}/as-agent").status_code == 404


def test_acting_for_gives_the_valid_relation_to_other_domains(as_user):
    from lifelong.identity.models import Person

    relation = _child(as_user("parent"))
    parent_actor = identity.actor_for_user(Person.objects.get(pk=relation["agent"]["id"]).user)
    assert identity.acting_for(parent_actor, relation["principal"]["id"]) == relation["id"]


def test_my_proxies_query_count_does_not_grow_with_relations(as_user):
    senior = as_user("senior_citizen")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert senior.get("/api/v1/me/proxies").status_code == 200
        return len(queries)

    grant = {
        "kind": "family_for_senior",
        "agent_id_number": CITIZEN_ID,
        "agent_name": "王晓明",
        "consent_evidence": "本人授权 / by myself",
    }
    first = senior.post("/api/v1/me/proxies", grant).json()
    one = count()
    senior.post(f"/api/v1/proxies/{first['id']}/revoke")
    senior.post("/api/v1/me/proxies", grant)
    senior.post(
        "/api/v1/me/proxies",
        {
            **grant,
            "agent_id_number": id_number("310104", "19840102", "013"),
            "agent_name": "陈立华",
        },
    )
    assert count() == one
