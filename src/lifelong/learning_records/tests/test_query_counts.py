"""The hot paths keep a fixed number of queries whatever the batch or page size."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifelong.learning_records.tests.xapi import Xapi, agent, statement


@pytest.mark.parametrize("size", [1, 50])
def test_posting_a_batch_takes_the_same_queries_whatever_its_size(db, size):
    xapi = Xapi()
    xapi.store(statement())  # credentials checked once and remembered
    batch = [
        statement(
            actor={"objectType": "Group", "member": [agent("a"), agent("b")]},
            context={"contextActivities": {"parent": [{"id": "http://e.com/p"}]}},
        )
        for _ in range(size)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert xapi.post(batch).status_code == 200
    # the client, then in a savepoint the statements, agents and activities: three INSERTs,
    # or on PostgreSQL three COPYs, which the query log does not show
    expected = 3 if connection.vendor == "postgresql" else 6
    assert len(queries) == expected
    assert [q for q in queries if 'FROM "learning_records_statement"' in q["sql"]] == []


@pytest.mark.parametrize("size", [1, 50])
def test_a_batch_sent_again_is_compared_in_a_fixed_number_of_queries(db, size):
    xapi = Xapi()
    batch = [statement() for _ in range(size)]
    xapi.store(*batch)
    with CaptureQueriesContext(connection) as queries:
        assert xapi.post(batch).json() == [s["id"] for s in batch]
    # the client; the insert the primary key refuses, rolled back; the stored ids in one query
    expected = 7 if connection.vendor == "postgresql" else 8
    assert len(queries) == expected
    reads = [q for q in queries if 'FROM "learning_records_statement"' in q["sql"]]
    assert len(reads) == 1


@pytest.mark.parametrize("size", [2, 40])
def test_a_query_page_takes_the_same_queries_whatever_its_size(db, size):
    xapi = Xapi()
    actor = agent("counted")
    xapi.store(*[statement(actor=actor) for _ in range(size)])
    with CaptureQueriesContext(connection) as queries:
        result = xapi.query(agent=json.dumps(actor), limit="0")
    assert len(result["statements"]) == size
    # the client; one per way to match an agent (actor, agent object, group member); the
    # statements targeting a match
    assert len(queries) == 5


def test_an_unfiltered_page_is_one_query(db):
    xapi = Xapi()
    xapi.store(*[statement() for _ in range(3)])
    with CaptureQueriesContext(connection) as queries:
        xapi.query(limit="2")
    assert len(queries) == 2  # the client, the statements
