"""Statement results come newest stored first (or oldest first with `ascending=true`), at most
`limit` at a time (0 = the server's maximum), with a `more` IRL that continues the query; the
walk returns every match once, with no duplicates or gaps (Part 2, 2.5; Part 3, 2.1.3)."""

from __future__ import annotations

import uuid

import pytest

from lifelong.learning_records import selectors
from lifelong.learning_records.tests.xapi import STATEMENTS, Xapi, statement


def _stored_batch(xapi: Xapi, count: int) -> tuple[str, list[str]]:
    verb = f"http://example.com/verbs/{uuid.uuid4()}"
    items = [statement(verb={"id": verb}) for _ in range(count)]
    xapi.store(*items[: count // 2])
    xapi.store(*items[count // 2 :])
    return verb, [i["id"] for i in items]


def _walk(xapi: Xapi, **params) -> tuple[list[str], int]:
    result = xapi.query(**params)
    seen = [s["id"] for s in result["statements"]]
    pages = 1
    while result["more"]:
        assert result["more"].startswith(STATEMENTS + "?")
        response = xapi.get(result["more"])
        assert response.status_code == 200, response.content
        result = response.json()
        seen += [s["id"] for s in result["statements"]]
        pages += 1
    return seen, pages


@pytest.mark.parametrize("limit", [1, 3, 7, 11])
def test_more_walks_every_match_once_newest_first(db, limit):
    xapi = Xapi()
    verb, ids = _stored_batch(xapi, 11)
    seen, pages = _walk(xapi, verb=verb, limit=str(limit))
    assert seen == list(reversed(ids))
    assert pages == -(-11 // limit)


@pytest.mark.parametrize("limit", [1, 4, 10])
def test_more_walks_every_match_once_oldest_first_when_ascending(db, limit):
    xapi = Xapi()
    verb, ids = _stored_batch(xapi, 10)
    seen, _ = _walk(xapi, verb=verb, limit=str(limit), ascending="true")
    assert seen == ids


def test_limit_bounds_each_page(db):
    xapi = Xapi()
    verb, _ = _stored_batch(xapi, 5)
    result = xapi.query(verb=verb, limit="2")
    assert len(result["statements"]) == 2
    assert result["more"]


def test_limit_zero_returns_up_to_the_server_maximum(db, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_LIMIT", 4)
    xapi = Xapi()
    verb, _ = _stored_batch(xapi, 6)
    result = xapi.query(verb=verb, limit="0")
    assert len(result["statements"]) == 4
    assert result["more"]


def test_the_last_page_has_an_empty_more(db):
    xapi = Xapi()
    verb, _ = _stored_batch(xapi, 2)
    assert xapi.query(verb=verb, limit="5")["more"] == ""


def test_statements_stored_during_a_walk_do_not_disturb_it(db):
    xapi = Xapi()
    verb, ids = _stored_batch(xapi, 4)
    first = xapi.query(verb=verb, limit="2")
    xapi.store(statement(verb={"id": verb}))
    rest = xapi.get(first["more"]).json()
    assert [s["id"] for s in first["statements"] + rest["statements"]] == list(reversed(ids))


def test_a_forged_more_is_400(db):
    assert Xapi().get(params={"more": "forged-cursor"}).status_code == 400


def test_more_takes_no_other_parameters(db):
    xapi = Xapi()
    verb, _ = _stored_batch(xapi, 3)
    more = xapi.query(verb=verb, limit="1")["more"]
    assert xapi.get(more + "&limit=5").status_code == 400


def test_a_more_link_still_works_after_24_hours(db, monkeypatch):
    import time

    xapi = Xapi()
    verb, ids = _stored_batch(xapi, 3)
    more = xapi.query(verb=verb, limit="1")["more"]
    later = time.time() + 25 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    response = xapi.get(more)
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["statements"]] == [ids[1]]
