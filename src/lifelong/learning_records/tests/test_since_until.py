"""`since` (exclusive) and `until` (inclusive) bound a query by `stored` (Part 3, 2.1.3)."""

from __future__ import annotations

import uuid

from lifelong.learning_records.tests.xapi import Xapi, statement


def _three(xapi: Xapi) -> tuple[str, list[dict]]:
    verb = f"http://example.com/verbs/{uuid.uuid4()}"
    items = [statement(verb={"id": verb}) for _ in range(3)]
    for item in items:
        xapi.store(item)
    return verb, [xapi.statement(i["id"]).json() for i in items]


def _ids(result: dict) -> list[str]:
    return [s["id"] for s in result["statements"]]


def test_since_is_exclusive(db):
    xapi = Xapi()
    verb, (first, second, third) = _three(xapi)
    assert _ids(xapi.query(verb=verb, since=first["stored"])) == [third["id"], second["id"]]


def test_until_is_inclusive(db):
    xapi = Xapi()
    verb, (first, second, third) = _three(xapi)
    assert _ids(xapi.query(verb=verb, until=second["stored"])) == [second["id"], first["id"]]


def test_since_and_until_together(db):
    xapi = Xapi()
    verb, (first, second, third) = _three(xapi)
    result = xapi.query(verb=verb, since=first["stored"], until=second["stored"])
    assert _ids(result) == [second["id"]]


def test_since_accepts_any_time_zone(db):
    xapi = Xapi()
    verb, (first, second, third) = _three(xapi)
    # The same instant written in Shanghai time.
    from lifelong.learning_records.validation import parse_timestamp
    from lifelong.shared.clock import SHANGHAI

    moment = parse_timestamp(first["stored"]).astimezone(SHANGHAI).isoformat()
    assert _ids(xapi.query(verb=verb, since=moment)) == [third["id"], second["id"]]


def test_timestamps_without_a_zone_are_400(db):
    assert Xapi().get(params={"since": "2024-05-01T08:00:00"}).status_code == 400
