"""The interface other domains use (learning_records.api): our own progress is written as
xAPI statements with the platform's authority and read back per learner."""

from __future__ import annotations

import copy
import uuid

import pytest

from lifelong.learning_records import api
from lifelong.learning_records.models import LrsClient
from lifelong.learning_records.tests.xapi import Xapi, statement, voiding
from lifelong.shared.errors import Conflict, Invalid, NotFound

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"


def _progress(person: str, verb: str = COMPLETED, **changes) -> dict:
    return statement(actor=api.agent_for_person(person), verb={"id": verb}, **changes)


def test_agent_for_person_is_an_opaque_account_on_the_platform(db):
    person = str(uuid.uuid4())
    assert api.agent_for_person(person) == {
        "objectType": "Agent",
        "account": {"homePage": "https://lifelong.sh.cn", "name": person},
    }


def test_record_statement_stores_with_the_platform_authority(db):
    item = _progress(str(uuid.uuid4()))
    assert api.record_statement(item) == item["id"]
    kept = Xapi().statement(item["id"]).json()
    assert kept["authority"] == LrsClient.objects.get(key="lifelong").authority


def test_record_statement_is_idempotent_on_the_id(db):
    item = _progress(str(uuid.uuid4()))
    assert api.record_statement(item) == api.record_statement(copy.deepcopy(item))
    person = item["actor"]["account"]["name"]
    assert len(api.statements_for_agent(person)) == 1


def test_record_statement_refuses_other_content_under_a_stored_id(db):
    item = _progress(str(uuid.uuid4()))
    api.record_statement(item)
    changed = copy.deepcopy(item)
    changed["verb"]["id"] = PROGRESSED
    with pytest.raises(Conflict):
        api.record_statement(changed)


def test_record_statement_refuses_invalid_statements(db):
    with pytest.raises(Invalid) as raised:
        api.record_statement(_progress(str(uuid.uuid4()), verb="completed"))
    assert "verb.id" in raised.value.message


def test_record_statement_leaves_the_callers_dict_unchanged(db):
    item = _progress(
        str(uuid.uuid4()), context={"contextActivities": {"parent": {"id": "http://e.com/c"}}}
    )
    before = copy.deepcopy(item)
    api.record_statement(item)
    assert item == before


def test_record_statement_as_an_unknown_client_is_not_found(db):
    with pytest.raises(NotFound):
        api.record_statement(_progress(str(uuid.uuid4())), client_name="nobody")


def test_statements_for_agent_returns_that_learners_newest_first(db):
    person = str(uuid.uuid4())
    first, second = _progress(person), _progress(person, PROGRESSED)
    api.record_statement(first)
    api.record_statement(second)
    api.record_statement(_progress(str(uuid.uuid4())))
    found = api.statements_for_agent(person)
    assert [s["id"] for s in found] == [second["id"], first["id"]]
    assert found[0]["stored"]


def test_statements_for_agent_filters_by_verb_and_limit(db):
    person = str(uuid.uuid4())
    done = _progress(person)
    for item in (done, _progress(person, PROGRESSED), _progress(person, PROGRESSED)):
        api.record_statement(item)
    assert [s["id"] for s in api.statements_for_agent(person, verb=COMPLETED)] == [done["id"]]
    assert len(api.statements_for_agent(person, limit=1)) == 1


def test_statements_for_agent_leaves_out_voided_statements(db):
    person = str(uuid.uuid4())
    item = _progress(person)
    api.record_statement(item)
    api.record_statement(voiding(item["id"]))
    assert api.statements_for_agent(person) == []


def test_outside_content_and_ours_share_one_record(db):
    person = str(uuid.uuid4())
    ours = _progress(person)
    theirs = _progress(person, PROGRESSED)
    api.record_statement(ours)
    Xapi().store(theirs)
    assert {s["id"] for s in api.statements_for_agent(person)} == {ours["id"], theirs["id"]}


def test_load_demo_is_idempotent_and_registers_both_clients(db):
    first = api.load_demo()
    assert api.load_demo() == first
    assert LrsClient.objects.get(key="demo-lrs").can_write
    assert LrsClient.objects.get(key="demo-lrs").can_read
    assert LrsClient.objects.filter(key="lifelong").exists()
    assert Xapi(key="demo-lrs", secret="lifelong-demo").get().status_code == 200


def test_the_platform_client_cannot_sign_in_over_http(db):
    api.load_demo()
    assert Xapi(key="lifelong", secret="").get().status_code == 401
