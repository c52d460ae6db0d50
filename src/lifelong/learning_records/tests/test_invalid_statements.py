"""Statements the specification calls invalid are refused with 400 and nothing is stored
(Part 2, 2.2.s4 and the rules of each property)."""

from __future__ import annotations

import uuid

import pytest

from lifelong.learning_records.models import Statement
from lifelong.learning_records.tests.xapi import VOIDED, Xapi, agent, statement

ACTIVITY = {"id": "https://lifelong.sh.cn/courses/1"}
SUB = {
    "objectType": "SubStatement",
    "actor": agent("sub"),
    "verb": {"id": "http://example.com/verbs/plan"},
    "object": ACTIVITY,
}

INVALID = {
    # The statement itself
    "missing actor": statement(actor=None),
    "missing verb": statement(verb=None),
    "missing object": statement(object=None),
    "unknown top-level property": statement(mood="happy"),
    "property in the wrong case": statement(Verb={"id": "http://e.com/v"}),
    "null value": statement(result={"success": None}),
    "id not a UUID": statement(id="12345"),
    "id empty": statement(id=""),
    "version 0.95": statement(version="0.95"),
    "version 1.1.0": statement(version="1.1.0"),
    "version as a number": statement(version=1.0),
    # Actors
    "agent without identifier": statement(actor={"objectType": "Agent", "name": "Nobody"}),
    "agent with two identifiers": statement(
        actor={"mbox": "mailto:a@example.com", "openid": "http://openid.example.com/a"}
    ),
    "mbox without mailto": statement(actor={"mbox": "a@example.com"}),
    "mbox_sha1sum not hex": statement(actor={"mbox_sha1sum": "xyz"}),
    "account without homePage": statement(actor={"account": {"name": "1625378"}}),
    "account homePage not an IRL": statement(
        actor={"account": {"homePage": "example.com", "name": "1"}}
    ),
    "actor objectType miscased": statement(actor={"objectType": "agent", "mbox": "mailto:a@x.cn"}),
    "anonymous group without members": statement(actor={"objectType": "Group", "name": "Team"}),
    "group inside a group": statement(
        actor={
            "objectType": "Group",
            "member": [{"objectType": "Group", "member": [agent("a")]}],
        }
    ),
    "identified group with two identifiers": statement(
        actor={
            "objectType": "Group",
            "mbox": "mailto:g@example.com",
            "openid": "http://openid.example.com/g",
        }
    ),
    # A value that is right but for a line break at its end
    "verb id ending in a line break": statement(verb={"id": "http://e.com/v\n"}),
    "statement id ending in a line break": statement(id=f"{uuid.uuid4()}\n"),
    "version ending in a line break": statement(version="1.0.0\n"),
    "registration ending in a line break": statement(context={"registration": f"{uuid.uuid4()}\n"}),
    "mbox ending in a line break": statement(actor={"mbox": "mailto:a@example.com\n"}),
    "timestamp ending in a line break": statement(timestamp="2024-05-01T08:00:00Z\n"),
    # Verb
    "verb id not an IRI": statement(verb={"id": "completed"}),
    "verb without id": statement(verb={"display": {"en": "x"}}),
    "verb display with a bad language tag": statement(
        verb={"id": "http://e.com/v", "display": {"english!": "done"}}
    ),
    "display value not a string": statement(verb={"id": "http://e.com/v", "display": {"en": 1}}),
    # Objects
    "unknown objectType": statement(object={"objectType": "Thing", "id": "http://e.com/a"}),
    "activity id without scheme": statement(object={"id": "courses/1"}),
    "agent object without objectType": statement(object={"mbox": "mailto:b@example.com"}),
    "statement ref without UUID": statement(object={"objectType": "StatementRef", "id": "abc"}),
    "unknown interactionType": statement(
        object={"id": "http://e.com/q", "definition": {"interactionType": "essay"}}
    ),
    "choices on a true-false interaction": statement(
        object={
            "id": "http://e.com/q",
            "definition": {"interactionType": "true-false", "choices": [{"id": "a"}]},
        }
    ),
    "duplicate component ids": statement(
        object={
            "id": "http://e.com/q",
            "definition": {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
        }
    ),
    "moreInfo not an IRL": statement(
        object={"id": "http://e.com/a", "definition": {"moreInfo": "see the leaflet"}}
    ),
    "extension key not an IRI": statement(
        object={"id": "http://e.com/a", "definition": {"extensions": {"color": "red"}}}
    ),
    "nested sub-statement": statement(object={**SUB, "object": SUB}),
    "sub-statement with an id": statement(object={**SUB, "id": statement()["id"]}),
    "sub-statement with a version": statement(object={**SUB, "version": "1.0.0"}),
    # Result
    "scaled score above 1": statement(result={"score": {"scaled": 1.5}}),
    "raw below min": statement(result={"score": {"raw": -1, "min": 0, "max": 10}}),
    "raw above max": statement(result={"score": {"raw": 11, "min": 0, "max": 10}}),
    "min not below max": statement(result={"score": {"min": 10, "max": 10}}),
    "score as a string": statement(result={"score": {"raw": "95"}}),
    "success as a string": statement(result={"success": "true"}),
    "duration not ISO 8601": statement(result={"duration": "1 hour"}),
    "weeks combined with days": statement(result={"duration": "P4W1D"}),
    # Context
    "revision when the object is an agent": statement(
        object={"objectType": "Agent", "mbox": "mailto:b@example.com"},
        context={"revision": "2"},
    ),
    "platform when the object is a statement ref": statement(
        object={"objectType": "StatementRef", "id": statement()["id"]},
        context={"platform": "mobile"},
    ),
    "registration not a UUID": statement(context={"registration": "course-1"}),
    "unknown context activity kind": statement(
        context={"contextActivities": {"sibling": [ACTIVITY]}}
    ),
    "team that is an agent": statement(context={"team": agent("solo")}),
    "context language not a tag": statement(context={"language": "中文"}),
    # Timestamps
    "timestamp without time zone": statement(timestamp="2024-05-01T08:00:00"),
    "timestamp not a date": statement(timestamp="yesterday"),
    "timestamp with -00:00": statement(timestamp="2024-05-01T08:00:00-00:00"),
    "impossible date": statement(timestamp="2024-02-30T08:00:00Z"),
    # Attachments
    "attachment without sha2": statement(
        attachments=[
            {
                "usageType": "http://e.com/u",
                "display": {"en": "x"},
                "contentType": "text/plain",
                "length": 1,
                "fileUrl": "https://e.com/f",
            }
        ]
    ),
    "attachment length as a float": statement(
        attachments=[
            {
                "usageType": "http://e.com/u",
                "display": {"en": "x"},
                "contentType": "text/plain",
                "length": 1.5,
                "sha2": "a" * 64,
                "fileUrl": "https://e.com/f",
            }
        ]
    ),
    # Voiding
    "voiding statement whose object is an activity": statement(verb={"id": VOIDED}),
}


@pytest.mark.parametrize("item", list(INVALID.values()), ids=list(INVALID))
def test_invalid_statements_are_refused_with_400(db, item):
    response = Xapi().post(item)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"]
    if _is_uuid(item.get("id")):
        assert not Statement.objects.filter(pk=item["id"]).exists()


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def test_the_message_names_the_property_in_chinese_and_english(db):
    error = Xapi().post(statement(verb={"id": "completed"})).json()["error"]
    assert "statement.verb.id" in error["message"]
    assert " / " in error["message"]


VALID = {
    "mbox with an uppercase domain": statement(actor={"mbox": "mailto:A@Example.COM"}),
    "identified group with members": statement(
        actor={"objectType": "Group", "openid": "http://g.example.com", "member": [agent("a")]}
    ),
    "account agent": statement(
        actor={"account": {"homePage": "https://lifelong.sh.cn", "name": "p-1"}}
    ),
    "sub-statement with a future timestamp": statement(
        object={**SUB, "timestamp": "2099-01-01T00:00:00Z"}
    ),
    "extensions holding nulls": statement(
        result={"extensions": {"http://e.com/x": None}}, context={"extensions": {"urn:x:y": {}}}
    ),
    "a timestamp in the future": statement(timestamp="2099-12-31T23:59:59.999Z"),
    "negative scaled score": statement(result={"score": {"scaled": -1}}),
    "durations of many forms": statement(result={"duration": "P3Y1M29DT4H35M59.14S"}),
    "weeks": statement(result={"duration": "P4W"}),
    "offset without colon": statement(timestamp="2024-05-01T08:00:00.5+0800"),
    "interaction with its components": statement(
        object={
            "id": "http://e.com/q",
            "definition": {
                "interactionType": "matching",
                "source": [{"id": "a", "description": {"zh-Hans-CN": "甲"}}],
                "target": [{"id": "1"}],
                "correctResponsesPattern": ["a[.]1"],
            },
        }
    ),
    "revision with an activity object": statement(context={"revision": "2", "platform": "web"}),
    "voiding a statement the store has never seen": statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": statement()["id"]}
    ),
}


@pytest.mark.parametrize("item", list(VALID.values()), ids=list(VALID))
def test_valid_edge_cases_are_accepted(db, item):
    response = Xapi().post(item)
    assert response.status_code == 200, response.content
