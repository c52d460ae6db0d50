"""Headers on every response: `X-Experience-API-Version` always (Part 3, 3.3.s3.b1);
`X-Experience-API-Consistent-Through` on every Statements response (2.1.3.s2.b5);
`Last-Modified` on a single statement; HEAD answers like GET without a body (1.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lifelong.learning_records.tests.xapi import Xapi, statement
from lifelong.learning_records.validation import parse_timestamp
from lifelong.shared import clock


def _responses(xapi: Xapi):
    item = statement()
    yield "post", xapi.post(item)
    yield "put", xapi.put(statement(), None)
    yield "get", xapi.get()
    yield "get one", xapi.statement(item["id"])
    yield "missing", xapi.statement(statement()["id"])
    yield "invalid", xapi.post({"verb": "no"})
    yield "unauthenticated", xapi.get(HTTP_AUTHORIZATION="Basic Og==")
    yield "no version", xapi.get(HTTP_X_EXPERIENCE_API_VERSION="")
    yield "method", xapi.delete()


def test_every_statements_response_has_the_version_header(db):
    for name, response in _responses(Xapi()):
        assert response["X-Experience-API-Version"] == "1.0.3", name


def test_every_statements_response_has_a_recent_consistent_through(db):
    before = clock.now()
    for name, response in _responses(Xapi()):
        through = parse_timestamp(response["X-Experience-API-Consistent-Through"])
        assert through is not None, name
        assert before - dt.timedelta(minutes=1) < through <= clock.now(), name


def test_statements_stored_before_consistent_through_are_listed(db, monkeypatch):
    xapi = Xapi()
    item = statement()
    xapi.post(item)
    stored = parse_timestamp(xapi.statement(item["id"]).json()["stored"])
    later = clock.now() + dt.timedelta(seconds=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = xapi.get()
    through = response["X-Experience-API-Consistent-Through"]
    assert stored < parse_timestamp(through) <= later
    listed = xapi.query(until=through, verb=item["verb"]["id"])["statements"]
    assert item["id"] in [s["id"] for s in listed]


@pytest.mark.parametrize("path", ["/xapi/activities/state", "/xapi/agents", "/xapi"])
def test_unknown_xapi_resources_are_404_with_the_version_header(db, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_a_single_statement_has_last_modified(db):
    xapi = Xapi()
    item = statement()
    xapi.post(item)
    response = xapi.statement(item["id"])
    assert response["Last-Modified"].endswith("GMT")


@pytest.mark.parametrize("by_id", [True, False])
def test_head_answers_like_get_without_a_body(db, by_id):
    xapi = Xapi()
    item = statement()
    xapi.post(item)
    params = {"statementId": item["id"]} if by_id else {}
    got, head = xapi.get(params=params), xapi.head(params=params)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert "X-Experience-API-Consistent-Through" in head


def test_unsupported_methods_are_405_naming_the_allowed_ones(db):
    response = Xapi().delete()
    assert response.status_code == 405
    assert "POST" in response["Allow"]
