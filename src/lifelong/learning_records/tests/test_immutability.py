"""Statements never change (Part 2, 2.3.1; Part 3, 2.1.1-2.1.2): the same statement again is
accepted and changes nothing; other content under a stored id is 409. Differences the
exceptions to immutability allow are not differences (2.3.1.s9)."""

from __future__ import annotations

import copy

import pytest

from lifelong.learning_records.models import Statement
from lifelong.learning_records.tests.xapi import Xapi, agent, statement


def test_posting_the_same_statement_twice_stores_it_once(db):
    xapi = Xapi()
    item = statement()
    first = xapi.statement(xapi.store(item)[0]).json()
    assert xapi.store(copy.deepcopy(item)) == [item["id"]]
    assert Statement.objects.filter(pk=item["id"]).count() == 1
    assert xapi.statement(item["id"]).json() == first


def test_putting_the_same_statement_twice_is_204_both_times(db):
    xapi = Xapi()
    item = statement()
    assert xapi.put(item, item["id"]).status_code == 204
    assert xapi.put(copy.deepcopy(item), item["id"]).status_code == 204


def test_other_content_under_a_stored_id_is_409_and_changes_nothing(db):
    xapi = Xapi()
    item = statement()
    xapi.store(item)
    before = xapi.statement(item["id"]).content
    changed = copy.deepcopy(item)
    changed["verb"]["id"] = "http://adlnet.gov/expapi/verbs/failed"
    assert xapi.post(changed).status_code == 409
    assert xapi.put(changed, item["id"]).status_code == 409
    assert xapi.statement(item["id"]).content == before


def test_a_conflict_in_a_batch_stores_none_of_it(db):
    xapi = Xapi()
    item = statement()
    xapi.store(item)
    fresh = statement()
    changed = statement(id=item["id"], actor=agent("someone-else"))
    assert xapi.post([fresh, changed]).status_code == 409
    assert xapi.statement(fresh["id"]).status_code == 404


def test_a_batch_repeating_stored_statements_stores_only_the_new_ones(db):
    xapi = Xapi()
    old = statement()
    xapi.store(old)
    new = statement()
    assert xapi.store(copy.deepcopy(old), new) == [old["id"], new["id"]]
    assert Statement.objects.filter(pk__in=[old["id"], new["id"]]).count() == 2


def _same_statement_variants():
    def display(s):
        s["verb"]["display"] = {"fr": "a terminé"}

    def definition(s):
        s["object"]["definition"] = {"name": {"en": "Renamed course"}}

    def zone(s):
        s["timestamp"] = "2024-05-01T16:00:00.000+08:00"

    def members(s):
        s["actor"]["member"].reverse()

    def domain_case(s):
        s["object"] = {"objectType": "Agent", "mbox": "mailto:Teacher@EXAMPLE.com"}

    def single_context_activity(s):
        s["context"]["contextActivities"]["parent"] = {"id": "https://lifelong.sh.cn/courses/1"}

    def stored_authority_version(s):
        s["version"] = "1.0.3"
        s["authority"] = agent("someone")

    return [
        display,
        definition,
        zone,
        members,
        domain_case,
        single_context_activity,
        stored_authority_version,
    ]


@pytest.mark.parametrize("vary", _same_statement_variants(), ids=lambda f: f.__name__)
def test_differences_allowed_by_the_immutability_exceptions_are_not_conflicts(db, vary):
    xapi = Xapi()
    item = statement(
        actor={"objectType": "Group", "member": [agent("ann"), agent("bo")]},
        object={"objectType": "Agent", "mbox": "mailto:Teacher@example.com"},
        timestamp="2024-05-01T08:00:00.000Z",
        context={"contextActivities": {"parent": [{"id": "https://lifelong.sh.cn/courses/1"}]}},
    )
    if vary.__name__ in ("display", "definition"):
        item["object"] = {"id": "https://lifelong.sh.cn/courses/1"}
    xapi.store(item)
    again = copy.deepcopy(item)
    vary(again)
    assert xapi.post(again).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"result": {"success": True}},
        {"timestamp": "2024-05-02T08:00:00.000Z"},
        {
            "actor": {
                "objectType": "Agent",
                "name": "Other name",
                "mbox": "mailto:learner@example.com",
            }
        },
        {"result": {"duration": "PT60M"}},
    ],
    ids=["added result", "other instant", "agent name", "duration"],
)
def test_other_differences_are_conflicts(db, change):
    xapi = Xapi()
    item = statement(timestamp="2024-05-01T08:00:00.000Z", result={"duration": "PT1H"})
    xapi.store(item)
    again = {**copy.deepcopy(item), **change}
    assert xapi.post(again).status_code == 409
