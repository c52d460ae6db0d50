"""Filtered queries (Part 3, 2.1.3): agent (actor or object, group members included), verb,
activity, registration, their `related_*` broadening, the StatementRef rule (2.1.3.s3), and
400 for every parameter that is unknown, miscased, repeated or malformed."""

from __future__ import annotations

import json
import uuid

import pytest

from lifelong.learning_records.tests.xapi import Xapi, agent, statement


def _ids(result: dict) -> set[str]:
    return {s["id"] for s in result["statements"]}


def _agent(name: str) -> str:
    return json.dumps(agent(name))


def test_agent_matches_the_actor(db):
    xapi = Xapi()
    mine, other = statement(actor=agent("amy")), statement(actor=agent("zoe"))
    xapi.store(mine, other)
    assert _ids(xapi.query(agent=_agent("amy"))) == {mine["id"]}


def test_agent_matches_the_object_agent(db):
    xapi = Xapi()
    taught = statement(actor=agent("teacher-li"), object=agent("amy2"))
    xapi.store(taught)
    assert _ids(xapi.query(agent=_agent("amy2"))) == {taught["id"]}


def test_agent_matches_groups_that_have_them_as_member(db):
    xapi = Xapi()
    team = statement(actor={"objectType": "Group", "member": [agent("cai"), agent("dong")]})
    xapi.store(team)
    assert _ids(xapi.query(agent=_agent("dong"))) == {team["id"]}


def test_agent_matches_an_identified_group_by_its_identifier(db):
    xapi = Xapi()
    group = {"objectType": "Group", "mbox": "mailto:choir@example.com"}
    sung = statement(actor=group)
    xapi.store(sung)
    assert _ids(xapi.query(agent=json.dumps(group))) == {sung["id"]}


def test_agent_compares_the_email_domain_without_case(db):
    xapi = Xapi()
    item = statement(actor={"mbox": "mailto:fan@Example.COM"})
    xapi.store(item)
    assert _ids(xapi.query(agent='{"mbox": "mailto:fan@example.com"}')) == {item["id"]}


def test_agent_does_not_match_an_instructor_unless_related_agents(db):
    xapi = Xapi()
    item = statement(actor=agent("gao"), context={"instructor": agent("prof-he")})
    xapi.store(item)
    assert _ids(xapi.query(agent=_agent("prof-he"))) == set()
    assert _ids(xapi.query(agent=_agent("prof-he"), related_agents="true")) == {item["id"]}


def test_related_agents_matches_the_authority(db):
    xapi = Xapi()
    item = statement(actor=agent("hu"))
    xapi.store(item)
    authority = json.dumps(
        {"account": {"homePage": "https://lifelong.sh.cn/xapi/clients", "name": "demo-lrs"}}
    )
    assert item["id"] in _ids(xapi.query(agent=authority, related_agents="true"))
    assert item["id"] not in _ids(xapi.query(agent=authority))


def test_related_agents_matches_agents_inside_a_sub_statement(db):
    xapi = Xapi()
    sub = {
        "objectType": "SubStatement",
        "actor": agent("jin"),
        "verb": {"id": "http://example.com/verbs/will-visit"},
        "object": {"id": "https://lifelong.sh.cn/places/bund"},
    }
    item = statement(actor=agent("ko"), object=sub)
    xapi.store(item)
    assert _ids(xapi.query(agent=_agent("jin"))) == set()
    assert _ids(xapi.query(agent=_agent("jin"), related_agents="true")) == {item["id"]}


def test_verb_filters_by_verb_id(db):
    xapi = Xapi()
    verb = f"http://example.com/verbs/{uuid.uuid4()}"
    item = statement(verb={"id": verb})
    xapi.store(item, statement())
    assert _ids(xapi.query(verb=verb)) == {item["id"]}


def test_activity_matches_the_object_only_unless_related_activities(db):
    xapi = Xapi()
    course = f"https://lifelong.sh.cn/courses/{uuid.uuid4()}"
    direct = statement(object={"id": course})
    within = statement(
        object={"id": f"{course}/units/1"},
        context={"contextActivities": {"parent": [{"id": course}]}},
    )
    xapi.store(direct, within)
    assert _ids(xapi.query(activity=course)) == {direct["id"]}
    assert _ids(xapi.query(activity=course, related_activities="true")) == {
        direct["id"],
        within["id"],
    }


def test_registration_filters_by_registration(db):
    xapi = Xapi()
    registration = str(uuid.uuid4())
    item = statement(context={"registration": registration})
    xapi.store(item, statement(context={"registration": str(uuid.uuid4())}))
    assert _ids(xapi.query(registration=registration)) == {item["id"]}


def test_filters_combine(db):
    xapi = Xapi()
    verb = f"http://example.com/verbs/{uuid.uuid4()}"
    match = statement(actor=agent("lu"), verb={"id": verb})
    xapi.store(match, statement(actor=agent("lu")), statement(verb={"id": verb}))
    assert _ids(xapi.query(agent=_agent("lu"), verb=verb)) == {match["id"]}


def test_statements_targeting_a_match_match_too_at_any_depth(db):
    xapi = Xapi()
    original = statement(actor=agent("ben-explosives"))
    confirmed = statement(
        actor=agent("andrew"), object={"objectType": "StatementRef", "id": original["id"]}
    )
    commented = statement(
        actor=agent("carla"), object={"objectType": "StatementRef", "id": confirmed["id"]}
    )
    xapi.store(original, confirmed, commented, statement(actor=agent("andrew")))
    assert _ids(xapi.query(agent=_agent("ben-explosives"))) == {
        original["id"],
        confirmed["id"],
        commented["id"],
    }


def test_a_context_statement_ref_does_not_make_a_match(db):
    xapi = Xapi()
    original = statement(actor=agent("mei"))
    aside = statement(
        actor=agent("nan"),
        context={"statement": {"objectType": "StatementRef", "id": original["id"]}},
    )
    xapi.store(original, aside)
    assert _ids(xapi.query(agent=_agent("mei"))) == {original["id"]}


def test_no_match_is_200_with_an_empty_list(db):
    result = Xapi().query(verb=f"http://example.com/verbs/{uuid.uuid4()}")
    assert result["statements"] == []
    assert result["more"] == ""


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "red"},
        {"Verb": "http://adlnet.gov/expapi/verbs/completed"},
        {"VERB": "http://adlnet.gov/expapi/verbs/completed"},
        {"agent": "not json"},
        {"agent": '{"name": "no identifier"}'},
        {"agent": '{"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]}'},
        {"verb": "completed"},
        {"activity": "course-1"},
        {"registration": "abc"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"ascending": "yes"},
        {"related_agents": "1"},
        {"format": "full"},
        {"since": "last week"},
        {"until": "2024-05-01"},
        {"statementId": "not-a-uuid"},
        {"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())},
        {"statementId": str(uuid.uuid4()), "verb": "http://adlnet.gov/expapi/verbs/completed"},
        {"voidedStatementId": str(uuid.uuid4()), "limit": "1"},
    ],
)
def test_invalid_query_parameters_are_400(db, params):
    assert Xapi().get(params=params).status_code == 400


def test_a_repeated_parameter_is_400(db):
    response = Xapi().get("/xapi/statements?verb=http://a.com/v&verb=http://b.com/v")
    assert response.status_code == 400


def test_statement_id_may_come_with_format_and_attachments(db):
    xapi = Xapi()
    item = statement()
    xapi.store(item)
    response = xapi.statement(item["id"], format="ids", attachments="false")
    assert response.status_code == 200


def test_an_unknown_statement_id_is_404(db):
    assert Xapi().statement(str(uuid.uuid4())).status_code == 404
