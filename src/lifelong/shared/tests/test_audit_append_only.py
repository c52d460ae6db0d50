"""The audit log is append-only in the database itself: whatever code runs against the table,
an entry once written cannot be changed or removed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from lifelong.shared.api import record_audit
from lifelong.shared.models import AuditEntry


@pytest.fixture
def entry(db):
    return record_audit(
        action="person.view_id_number", actor_id=7, object_type="person", object_id="42"
    )


def test_an_entry_is_written_with_what_was_given(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.actor_id, stored.object_id) == (
        "person.view_id_number",
        "7",
        "42",
    )


def test_a_queryset_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    assert AuditEntry.objects.get(pk=entry.pk).action == "person.view_id_number"


def test_saving_a_changed_entry_is_refused_by_the_database(entry):
    entry.outcome = AuditEntry.Outcome.DENIED
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).outcome == AuditEntry.Outcome.OK


def test_deleting_an_entry_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_cannot_change_the_table_either(entry):
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["tampered", entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "person.view_id_number"


def test_new_entries_can_still_be_appended(entry):
    record_audit(action="person.view_id_number", actor_id=8, object_id="42")
    assert AuditEntry.objects.filter(object_id="42").count() == 2
