# Credentials issued in bulk are stored unsigned with `signed_at` empty and signed once,
# later; the append-only trigger of credit_bank_credential now allows exactly that one change
# (signed_at from empty to set, with the signed document) and refuses every other.
# Also drops indexes that only duplicated others, on tables an import fills by the million,
# and leaves room in the archive table's pages so that moving a chain head (every posting
# does) is a heap-only update on PostgreSQL, without new index entries.

import django.db.models.deletion
from django.db import migrations, models

TABLE = "credit_bank_credential"
# Every column but the document and signed_at: signing may change nothing else.
FIXED = (
    "id",
    "kind",
    "issuer_organisation_id",
    "learner_id",
    "outcome_id",
    "name",
    "code",
    "credits",
    "audience",
    "status_list_id",
    "status_index",
    "issued_at",
)

_PG_SIGN_ONCE = f"""
CREATE OR REPLACE FUNCTION credit_bank_credential_sign_once() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
       AND ({", ".join("NEW." + c for c in FIXED)})
           IS NOT DISTINCT FROM ({", ".join("OLD." + c for c in FIXED)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only table %: % refused (a credential is signed once)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _sqlite_update_trigger() -> str:
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FIXED)
    return (
        f'CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON "{TABLE}" '
        f"WHEN NOT (OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL AND {same}) "
        f"BEGIN SELECT RAISE(ABORT, 'append-only table {TABLE}: UPDATE refused "
        f"(a credential is signed once)'); END"
    )


def _sqlite_delete_trigger() -> str:
    return (
        f'CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON "{TABLE}" '
        f"BEGIN SELECT RAISE(ABORT, 'append-only table {TABLE}: DELETE refused'); END"
    )


def sign_once_triggers(apps, schema_editor):
    """Refuse DELETE; refuse UPDATE except the one signing of a pending credential. (On
    SQLite the table was rebuilt by the index changes above, which dropped its triggers.)"""
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(_PG_SIGN_ONCE, params=None)
        run(f'DROP TRIGGER IF EXISTS {TABLE}_append_only ON "{TABLE}"', params=None)
        run(
            f'CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON "{TABLE}" '
            "FOR EACH ROW EXECUTE FUNCTION lifelong_refuse_change()",
            params=None,
        )
        run(
            f'CREATE TRIGGER {TABLE}_sign_once BEFORE UPDATE ON "{TABLE}" '
            "FOR EACH ROW EXECUTE FUNCTION credit_bank_credential_sign_once()",
            params=None,
        )
    else:
        run(f"DROP TRIGGER IF EXISTS {TABLE}_no_update", params=None)
        run(_sqlite_update_trigger(), params=None)
        run(_sqlite_delete_trigger(), params=None)
    # Everything issued so far was signed when it was issued.
    run(f'UPDATE "{TABLE}" SET signed_at = issued_at WHERE signed_at IS NULL', params=None)  # noqa: S608


def append_only_again(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f'DROP TRIGGER IF EXISTS {TABLE}_sign_once ON "{TABLE}"', params=None)
        run(f'DROP TRIGGER IF EXISTS {TABLE}_no_delete ON "{TABLE}"', params=None)
        run("DROP FUNCTION IF EXISTS credit_bank_credential_sign_once()", params=None)
        run(
            f'CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON "{TABLE}" '
            "FOR EACH ROW EXECUTE FUNCTION lifelong_refuse_change()",
            params=None,
        )
    else:
        run(f"DROP TRIGGER IF EXISTS {TABLE}_no_update", params=None)
        run(
            f'CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON "{TABLE}" '
            f"BEGIN SELECT RAISE(ABORT, 'append-only table {TABLE}: UPDATE refused'); END",
            params=None,
        )
        run(_sqlite_delete_trigger(), params=None)


def archive_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "credit_bank_archive" SET (fillfactor = 50)', params=None
        )


def archive_fillfactor_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "credit_bank_archive" RESET (fillfactor)', params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("credit_bank", "0002_credentials"),
        ("identity", "0004_totp_replacement_and_reset"),
    ]

    operations = [
        migrations.AddField(
            model_name="credential",
            name="signed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="签名时间"
            ),
        ),
        migrations.AlterField(
            model_name="credential",
            name="learner",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="identity.person",
                verbose_name="学习者",
            ),
        ),
        migrations.AlterField(
            model_name="credential",
            name="outcome_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="credential",
            name="status_list",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="credit_bank.statuslist",
            ),
        ),
        migrations.AddIndex(
            model_name="credential",
            index=models.Index(
                condition=models.Q(("signed_at__isnull", True)),
                fields=["issued_at"],
                name="credential_pending_proof",
            ),
        ),
        migrations.AlterField(
            model_name="outcome",
            name="source_key",
            field=models.CharField(max_length=200),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.UniqueConstraint(fields=("source_key",), name="outcome_source_key"),
        ),
        migrations.RunPython(sign_once_triggers, append_only_again),
        migrations.RunPython(archive_fillfactor, archive_fillfactor_default),
    ]
