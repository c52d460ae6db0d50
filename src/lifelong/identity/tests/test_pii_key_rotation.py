"""Rotating the personal-data key with `lifelong reseal_pii`: with a new key put first and the
old one kept second, every sealed identity value moves to the new key and still decrypts to
the same plaintext; look-ups by ID number keep working; a stopped run continues; a dry run only
counts; every column worked on is audited."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import time

import pyotp
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from lifelong.identity import api as identity
from lifelong.identity.models import Person, SmsChallenge, TotpDevice
from lifelong.identity.tests.factories import id_number
from lifelong.shared import pii
from lifelong.shared.models import AuditEntry

OLD_KEY = base64.b64encode(os.urandom(32)).decode()
NEW_KEY = base64.b64encode(os.urandom(32)).decode()
NUMBER = id_number("310104", "19661212", "047")
PHONE = "13911112222"
IDENTITY_COLUMNS = [
    (Person, "id_number_sealed"),
    (Person, "phone_sealed"),
    (SmsChallenge, "phone_sealed"),
    (TotpDevice, "secret_sealed"),
    (TotpDevice, "pending_secret_sealed"),
]


@contextlib.contextmanager
def pii_keys(value: str):
    pii._keys.cache_clear()
    try:
        with override_settings(PII_KEYS=value):
            yield
    finally:
        pii._keys.cache_clear()


def _keys_with(*kids: str) -> str:
    keys = {"old": OLD_KEY, "new": NEW_KEY}
    return ",".join([*(f"{k}:{keys[k]}" for k in kids), django_settings.PII_KEYS])


@pytest.fixture
def sealed_under_old(as_user):
    """A person (ID number and phone) and school_staff's authenticator, written while `old`
    was the newest key; the demo data stays under the demo key, listed last."""
    with pii_keys(_keys_with("old")):
        created = as_user("district_officer").post(
            "/api/v1/people",
            {"name": "钱旧钥", "id_number": NUMBER, "phone": PHONE, "district_code": "310104"},
        )
        assert created.status_code == 201, created.content
        staff = as_user("school_staff")
        secret = staff.post("/api/v1/me/totp").json()["secret"]
        confirmed = staff.post("/api/v1/me/totp/confirm", {"code": pyotp.TOTP(secret).now()})
        assert confirmed.status_code == 200, confirmed.content
    return created.json()["id"], secret


def _values(model, field) -> list[str]:
    return [v for v in model.objects.values_list(field, flat=True) if v]


def _registered_columns() -> list[tuple]:
    """Every column any domain registered for rotation (identity's and the others')."""
    return [(apps.get_model(c.model), c.field) for c in pii.sealed_columns()]


def _reseal(*args) -> str:
    out = io.StringIO()
    call_command("reseal_pii", *args, stdout=out)
    return out.getvalue()


def test_every_identity_value_moves_to_the_new_key_and_reads_the_same(sealed_under_old):
    person_id, secret = sealed_under_old
    with pii_keys(_keys_with("new", "old")):
        # when the new key is first and the old one second
        output = _reseal("--batch-size", "7")

        # then every sealed identity value is under the new key
        for model, field in IDENTITY_COLUMNS:
            assert all(v.startswith("new.") for v in _values(model, field)), (model, field)
        # and still reads the same
        person = Person.objects.get(pk=person_id)
        assert pii.unseal(person.id_number_sealed, context="person.id_number") == NUMBER
        assert pii.unseal(person.phone_sealed, context="person.phone") == PHONE
        # the blind index did not change, so look-up by ID number still finds the person
        assert identity.find_person_by_id_number(NUMBER) == person_id
        # and the resealed authenticator secret still signs school_staff in
        user = TotpDevice.objects.get(user__username="school_staff").user
        identity.check_second_factor(user, pyotp.TOTP(secret).at(time.time() + 30))
    assert "identity.Person.id_number_sealed: 7/" in output  # a progress line per batch
    still_used = output.splitlines()[-1]
    assert "old (" not in still_used


def test_a_dry_run_counts_by_key_id_and_changes_nothing(sealed_under_old):
    person_id, _ = sealed_under_old
    before = Person.objects.get(pk=person_id).id_number_sealed
    with pii_keys(_keys_with("new", "old")):
        output = _reseal("--dry-run")

    line = next(x for x in output.splitlines() if x.startswith("identity.Person.id_number_sealed:"))
    assert "new=0" in line and "old=1" in line
    assert "dry run:" in output
    assert Person.objects.get(pk=person_id).id_number_sealed == before
    assert not AuditEntry.objects.filter(action="pii.reseal").exists()


def test_a_run_stopped_at_its_limit_continues_where_it_left_off(sealed_under_old):
    with pii_keys(_keys_with("new", "old")):
        old_values = sum(len(_values(m, f)) for m, f in _registered_columns())

        first = _reseal("--limit", "2")
        assert "resealed 2 values" in first
        assert "stopped at --limit" in first
        assert (
            sum(1 for m, f in IDENTITY_COLUMNS for v in _values(m, f) if v.startswith("new.")) == 2
        )

        second = _reseal()
        assert f"resealed {old_values - 2} values" in second
        assert "resealed 0 values" in _reseal()


def test_resealing_is_audited_per_column(sealed_under_old):
    with pii_keys(_keys_with("new", "old")):
        _reseal()

    entry = AuditEntry.objects.get(
        action="pii.reseal", object_id="identity.TotpDevice.secret_sealed"
    )
    assert entry.outcome == "ok"
    assert entry.detail["to_key"] == "new"
    before = entry.detail["by_key_before"]
    assert before["old"] == 1
    assert entry.detail["resealed"] == sum(n for kid, n in before.items() if kid != "new")


def test_values_under_a_key_no_longer_listed_are_reported_and_fail_the_run(sealed_under_old):
    person_id, _ = sealed_under_old
    with pii_keys(_keys_with("new")), pytest.raises(CommandError, match="could not be resealed"):
        out = io.StringIO()
        try:
            call_command("reseal_pii", stdout=out)
        finally:
            output = out.getvalue()

    assert "key not configured:old" in output
    # the value is left as it was, for when the old key is listed again
    assert Person.objects.get(pk=person_id).id_number_sealed.startswith("old.")
    failed = AuditEntry.objects.get(action="pii.reseal", object_id="identity.Person.phone_sealed")
    assert failed.outcome == "failed"


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError):
        _reseal("--batch-size", "0")
