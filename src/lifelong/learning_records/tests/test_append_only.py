"""The database itself refuses to change or delete stored statements and their index rows:
statements are immutable (Part 2, 2.3.1) and voiding is a new row, never an update."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, transaction

from lifelong.learning_records.models import (
    Statement,
    StatementActivity,
    StatementAgent,
    VoidedStatement,
)
from lifelong.learning_records.tests.xapi import Xapi, agent, statement, voiding


@pytest.fixture
def stored(db):
    target = statement(
        actor={"objectType": "Group", "member": [agent("a")]},
        context={"contextActivities": {"parent": [{"id": "http://e.com/p"}]}},
    )
    Xapi().store(target, voiding(target["id"]))
    return target["id"]


@pytest.mark.parametrize(
    ("model", "change"),
    [
        (Statement, {"verb_id": "http://e.com/changed"}),
        (StatementAgent, {"ifi": uuid.uuid4()}),
        (StatementActivity, {"activity_id": "http://e.com/changed"}),
        (VoidedStatement, {"target_id": uuid.uuid4()}),
    ],
)
def test_rows_cannot_be_updated(stored, model, change):
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.all().update(**change)


@pytest.mark.parametrize("model", [Statement, StatementAgent, StatementActivity, VoidedStatement])
def test_rows_cannot_be_deleted(stored, model):
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.all()._raw_delete(model.objects.db)


def test_a_statement_payload_cannot_be_rewritten(stored):
    with pytest.raises(DatabaseError), transaction.atomic():
        Statement.objects.filter(pk=stored).update(payload="{}")
