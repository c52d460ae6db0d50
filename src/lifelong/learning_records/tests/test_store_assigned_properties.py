"""What the store sets on every statement it keeps (Part 2, 2.4): `stored` (always
overwritten), `authority` (the client's own agent, overriding what the statement claims),
`version` (1.0.0 when absent, kept when 1.0.x), `timestamp` (= stored when absent), and
context activities always as arrays."""

from __future__ import annotations

import datetime as dt

from lifelong.learning_records.models import LrsClient
from lifelong.learning_records.tests.xapi import Xapi, agent, statement
from lifelong.learning_records.validation import parse_timestamp
from lifelong.shared import clock


def _stored_copy(item: dict) -> dict:
    xapi = Xapi()
    xapi.store(item)
    return xapi.statement(item["id"]).json()


def test_authority_is_the_clients_agent_whatever_the_statement_claims(db):
    kept = _stored_copy(statement(authority=agent("impostor")))
    assert kept["authority"] == LrsClient.objects.get(key="demo-lrs").authority
    assert kept["authority"]["account"]["name"] == "demo-lrs"


def test_stored_is_set_by_the_store_and_overwrites_a_claimed_one(db):
    before = clock.now()
    kept = _stored_copy(statement(stored="2000-01-01T00:00:00.000Z"))
    stored = parse_timestamp(kept["stored"])
    assert stored is not None
    assert before - dt.timedelta(seconds=1) <= stored <= clock.now() + dt.timedelta(seconds=1)
    assert kept["stored"].endswith("Z")


def test_version_is_1_0_0_when_the_statement_has_none(db):
    assert _stored_copy(statement())["version"] == "1.0.0"


def test_a_1_0_x_version_is_kept(db):
    assert _stored_copy(statement(version="1.0.2"))["version"] == "1.0.2"


def test_timestamp_is_the_stored_time_when_absent(db):
    kept = _stored_copy(statement(timestamp=None))
    assert kept["timestamp"] == kept["stored"]


def test_a_given_timestamp_is_kept_as_sent(db):
    kept = _stored_copy(statement(timestamp="2024-05-01T08:00:00.123+08:00"))
    assert kept["timestamp"] == "2024-05-01T08:00:00.123+08:00"


def test_a_single_context_activity_is_returned_as_an_array_of_one(db):
    parent = {"id": "https://lifelong.sh.cn/courses/1", "objectType": "Activity"}
    kept = _stored_copy(statement(context={"contextActivities": {"parent": parent}}))
    assert kept["context"]["contextActivities"]["parent"] == [parent]


def test_statements_of_one_batch_get_increasing_stored_times(db):
    xapi = Xapi()
    items = [statement() for _ in range(3)]
    xapi.store(*items)
    stored = [parse_timestamp(xapi.statement(i["id"]).json()["stored"]) for i in items]
    assert stored[0] < stored[1] < stored[2]


def test_everything_else_is_returned_exactly_as_received(db):
    item = statement(
        result={"score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100}, "success": True},
        context={"language": "zh-CN", "extensions": {"http://example.com/ext": {"k": [1, None]}}},
    )
    kept = _stored_copy(item)
    for key in ("actor", "verb", "object", "result", "context", "id"):
        assert kept[key] == item[key]


def test_text_with_backslashes_tabs_and_line_breaks_comes_back_exactly(db):
    tricky = 'C:\\课程\\单元1\t"引号"\nline two\r\n\\N \\\\ \u0000'
    item = statement(
        actor={"name": tricky, "mbox": "mailto:tricky@example.com"},
        result={"response": tricky, "extensions": {"http://e.com/x": {"k\\": tricky}}},
    )
    kept = _stored_copy(item)
    assert kept["actor"]["name"] == tricky
    assert kept["result"] == item["result"]
