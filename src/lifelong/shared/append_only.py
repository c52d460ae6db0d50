"""Database-enforced append-only tables.

Rows that carry rights or evidence (audit entries, ledger postings, marks, draws) must never be
changed: corrections are new rows. A migration adds `AppendOnly("app_table")` and the database
itself then refuses UPDATE and DELETE on that table, whatever code runs against it.
"""

from __future__ import annotations

from django.db import migrations

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION lifelong_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            _PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"',
            f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION lifelong_refuse_change()",
        ]
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END",
            f'CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END",
        ]
    raise RuntimeError(f"no append-only triggers for database {vendor}")


def _drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"']
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]


class AppendOnly(migrations.RunPython):
    """Migration operation installing the append-only triggers on one table."""

    def __init__(self, table: str):
        def forward(apps, schema_editor):
            for statement in _sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

        def backward(apps, schema_editor):
            for statement in _drop_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

        super().__init__(forward, backward)
        self.table = table
