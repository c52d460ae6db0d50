"""PostgreSQL only: the batch path writes with COPY, and clients sending the same statements at
once store each exactly once with every request succeeding (the unique id decides, the second
writer compares).

Skipped before any database set-up on SQLite: a transactional test ends with a flush, which
SQLite carries out as DELETEs that the append-only tables refuse."""

from __future__ import annotations

import copy
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifelong.learning_records import services
from lifelong.learning_records.models import Statement, StatementActivity, StatementAgent
from lifelong.learning_records.tests.xapi import agent, statement

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="COPY and real concurrency need PostgreSQL"),
]


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_concurrently_is_stored_once():
    client = services.platform_client()
    batch = [statement() for _ in range(50)]
    results: list[object] = []
    start = threading.Barrier(4)

    def send():
        try:
            start.wait()
            stored = services.store_statements(client=client, statements=copy.deepcopy(batch))
            results.append(stored)
        except Exception as exc:  # reported by the assertion below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [[s["id"] for s in batch]] * 4
    assert Statement.objects.filter(pk__in=[s["id"] for s in batch]).count() == 50


def test_a_batch_is_written_with_copy_not_inserts(db):
    client = services.platform_client()
    batch = [
        statement(
            actor={"objectType": "Group", "member": [agent("copy")]},
            context={"contextActivities": {"parent": [{"id": "http://e.com/copied"}]}},
        )
        for _ in range(100)
    ]
    with CaptureQueriesContext(connection) as queries:
        services.store_statements(client=client, statements=batch)
    assert not [q for q in queries if "INSERT" in q["sql"] and "statement" in q["sql"]]
    ids = [s["id"] for s in batch]
    assert Statement.objects.filter(pk__in=ids).count() == 100
    assert StatementAgent.objects.filter(statement_id__in=ids).count() == 100
    assert StatementActivity.objects.filter(statement_id__in=ids).count() == 100
