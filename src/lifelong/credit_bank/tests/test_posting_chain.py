"""Postings are append-only (database triggers) and hash-chained per archive, so that a row
changed by someone able to bypass the triggers is still caught; a correction is a reversing
posting with a reason.

How tampering is simulated, honestly: inside the test's transaction we do what a database
administrator could do — drop (SQLite) or disable (PostgreSQL) the append-only trigger, then
UPDATE or DELETE a posting with raw SQL. The verifier recomputes the chain from the stored
rows and the archive's recorded head and must name the first bad posting. The transaction is
rolled back after the test, which restores the trigger (DDL is transactional in both)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from lifelong.credit_bank import chain
from lifelong.credit_bank.models import Archive, Outcome, Posting
from lifelong.credit_bank.tests.helpers import id_number, user
from lifelong.identity import api as identity

TABLE = "credit_bank_posting"


pytestmark = pytest.mark.django_db


def _citizen_archive() -> Archive:
    return Archive.objects.get(person_id=identity.person_for_user(user("citizen").pk))


def _bypass_trigger() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'ALTER TABLE "{TABLE}" DISABLE TRIGGER {TABLE}_append_only')
        else:
            cursor.execute(f"DROP TRIGGER {TABLE}_no_update")
            cursor.execute(f"DROP TRIGGER {TABLE}_no_delete")


def _chain_of(client, archive: Archive) -> dict:
    response = client.get(f"/api/v1/credit-bank/archives/{archive.pk}/chain")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_demo_citizens_chain_is_intact(as_user):
    archive = _citizen_archive()
    result = _chain_of(as_user("credit_bank_officer"), archive)
    assert result == {
        "ok": True,
        "checked": archive.head_seq,
        "head_seq": archive.head_seq,
        "first_bad_seq": None,
        "reason": "",
    }
    assert archive.head_seq >= 4


def test_the_database_refuses_to_update_or_delete_a_posting():
    posting = Posting.objects.filter(archive=_citizen_archive()).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(credits=Decimal("99"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).delete()


def test_an_altered_posting_is_caught_by_the_chain_check(as_user):
    archive = _citizen_archive()
    second = Posting.objects.get(archive=archive, seq=2)
    _bypass_trigger()
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{TABLE}" SET credits = %s WHERE id = %s', ["40.00", second.pk])
    result = _chain_of(as_user("credit_bank_officer"), archive)
    assert result["ok"] is False
    assert result["first_bad_seq"] == 2
    assert result["reason"] == "content does not match its hash"


def test_a_removed_last_posting_is_caught_against_the_archive_head(as_user):
    archive = _citizen_archive()
    _bypass_trigger()
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{TABLE}" WHERE archive_id = %s AND seq = %s',
            [archive.pk.hex if connection.vendor == "sqlite" else archive.pk, archive.head_seq],
        )
    result = _chain_of(as_user("credit_bank_officer"), archive)
    assert result["ok"] is False
    assert result["reason"] == "chain does not end at the head"


def test_a_tampered_export_is_caught_too():
    archive = _citizen_archive()
    rows = list(Posting.objects.filter(archive=archive).order_by("seq").values(*chain.CHAIN_FIELDS))
    assert chain.verify_rows(rows, head_seq=archive.head_seq, head_hash=archive.head_hash).ok
    rows[0] = {**rows[0], "reason": "edited"}
    check = chain.verify_rows(rows, head_seq=archive.head_seq, head_hash=archive.head_hash)
    assert (check.ok, check.first_bad_seq) == (False, 1)


def test_a_revocation_is_a_reversing_posting_with_its_reason_and_the_chain_still_holds(as_user):
    officer = as_user("credit_bank_officer")
    archive = _citizen_archive()
    outcome = Outcome.objects.filter(archive=archive, standard__code="CL-SF").get()
    balance = archive.balance
    response = officer.post(
        f"/api/v1/credit-bank/outcomes/{outcome.pk}/revoke", {"reason": "证书经核查系伪造"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    reversal = Posting.objects.get(outcome=outcome, kind="reversal")
    assert reversal.credits == -outcome.credits
    assert reversal.reason == "证书经核查系伪造"
    assert reversal.reverses.kind == "accrual"
    archive.refresh_from_db()
    assert archive.balance == balance - outcome.credits
    assert _chain_of(officer, archive)["ok"] is True
    assert Posting.objects.filter(outcome=outcome).count() == 2  # the original stays
    # ... and its credential is revoked with it: verifiers see it withdrawn.
    document = officer.get(f"/api/v1/credentials/{outcome.credential_id}").json()
    verified = officer.post("/api/v1/credentials/verify", {"verifiableCredential": document})
    assert verified.json()["verified"] is False, verified.json()
    assert any("revoked" in e.lower() for e in verified.json()["errors"]), verified.json()


def test_a_credit_correction_reverses_and_reposts(as_user):
    officer = as_user("credit_bank_officer")
    archive = _citizen_archive()
    outcome = Outcome.objects.filter(archive=archive, standard__code="SOU-11001").get()
    response = officer.post(
        f"/api/v1/credit-bank/outcomes/{outcome.pk}/corrections",
        {"credits": "3.50", "reason": "课程学分以教务系统为准"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["credits"] == "3.50"
    kinds = list(
        Posting.objects.filter(outcome=outcome).order_by("seq").values_list("kind", "credits")
    )
    assert kinds == [
        ("accrual", Decimal("4.00")),
        ("reversal", Decimal("-4.00")),
        ("accrual", Decimal("3.50")),
    ]
    assert _chain_of(officer, archive)["ok"] is True
    body = as_user("citizen").get("/api/v1/me/archive").json()
    assert Decimal(body["balance"]) == Decimal(body["totals"]["credits"])


def test_a_correction_needs_a_reason(as_user):
    outcome = Outcome.objects.filter(archive=_citizen_archive(), status="certified").first()
    response = as_user("credit_bank_officer").post(
        f"/api/v1/credit-bank/outcomes/{outcome.pk}/revoke", {"reason": ""}
    )
    assert response.status_code == 422


def test_another_certifier_may_not_revoke_what_it_did_not_certify(as_user):
    outcome = Outcome.objects.filter(archive=_citizen_archive(), standard__code="SOU-11001").get()
    response = as_user("enterprise_hr").post(
        f"/api/v1/credit-bank/outcomes/{outcome.pk}/revoke", {"reason": "试图撤销"}
    )
    assert response.status_code == 404  # not even visible to that enterprise


def test_only_officers_check_chains(as_user):
    archive = _citizen_archive()
    response = as_user("district_officer").get(f"/api/v1/credit-bank/archives/{archive.pk}/chain")
    assert response.status_code == 403


def test_postings_of_concurrent_deposits_chain_one_after_another(as_user):
    number = id_number("310104", "19800808")
    client = as_user("institution_staff")
    for n, code in enumerate(["CL-SF", "CL-GH", "CL-SY"]):
        client.post(
            "/api/v1/credit-bank/outcomes",
            {
                "external_id": f"CH-{n}",
                "name": "链式",
                "id_number": number,
                "standard_code": code,
                "achieved_on": "2020-02-02",
            },
        )
    archive = Archive.objects.get(person_id=identity.find_person_by_id_number(number))
    postings = list(Posting.objects.filter(archive=archive).order_by("seq"))
    assert [p.seq for p in postings] == [1, 2, 3]
    assert postings[0].prev_hash == chain.GENESIS
    assert [p.prev_hash for p in postings[1:]] == [p.hash for p in postings[:-1]]
    assert archive.head_hash == postings[-1].hash
