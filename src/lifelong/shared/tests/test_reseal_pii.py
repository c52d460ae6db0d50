"""`lifelong reseal_pii` on tables it cannot change, and the declarations it works from. (The
rotation of identity's columns end to end is tested in identity's test_pii_key_rotation.)"""

from __future__ import annotations

import base64
import contextlib
import io
import os

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from lifelong.shared import pii
from lifelong.shared.models import AuditEntry

CONTEXT = "tests.audit_label"


@contextlib.contextmanager
def pii_keys(value: str):
    pii._keys.cache_clear()
    try:
        with override_settings(PII_KEYS=value):
            yield
    finally:
        pii._keys.cache_clear()


def _new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def only_column(monkeypatch):
    """The registry holding nothing but the column given."""

    def declare(model: str, field: str, context: str) -> None:
        monkeypatch.setattr(pii, "_SEALED_COLUMNS", {})
        pii.register_sealed_column(model, field, context=context)

    return declare


def test_an_append_only_table_refuses_and_the_run_fails_leaving_the_value(db, only_column):
    # given a sealed value in a table whose rows the database refuses to change
    only_column("shared.AuditEntry", "actor_label", CONTEXT)
    old = f"old:{_new_key()}"
    with pii_keys(f"{old},{django_settings.PII_KEYS}"):
        entry = AuditEntry.objects.create(
            action="tests.sealed", actor_label=pii.seal("王小明", context=CONTEXT)
        )
    out = io.StringIO()
    # when the new key is put first and the values resealed
    with pii_keys(f"new:{_new_key()},{old}"), pytest.raises(CommandError):
        call_command("reseal_pii", stdout=out)
    # then the run names the refusal and the value is still readable under the old key
    assert "refused by the database" in out.getvalue()
    kept = AuditEntry.objects.get(pk=entry.pk).actor_label
    assert kept.startswith("old.")
    with pii_keys(old):
        assert pii.unseal(kept, context=CONTEXT) == "王小明"


def test_unregistered_sealed_columns_are_counted_but_left_alone(db, only_column):
    only_column("shared.AuditEntry", "actor_label", CONTEXT)
    out = io.StringIO()

    call_command("reseal_pii", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert any(line.startswith("shared.AuditEntry.actor_label:") for line in lines)
    assert any(line.endswith("(not registered: cannot be resealed)") for line in lines)


def test_a_column_declared_twice_with_another_context_is_refused(monkeypatch):
    monkeypatch.setattr(pii, "_SEALED_COLUMNS", {})
    pii.register_sealed_column("shared.Job", "message", context="a")
    pii.register_sealed_column("shared.Job", "message", context="a")

    with pytest.raises(ImproperlyConfigured):
        pii.register_sealed_column("shared.Job", "message", context="b")
    assert [c.context for c in pii.sealed_columns()] == ["a"]


def test_reseal_keeps_a_value_already_under_the_newest_key():
    sealed = pii.seal("310104195001011234", context=CONTEXT)

    assert pii.reseal(sealed, context=CONTEXT) == sealed
