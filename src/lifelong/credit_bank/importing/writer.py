"""Writing one batch of valid import rows in one transaction: people (dormant when new),
archives, outcomes, their credentials, chained postings, the batch's row errors and the
job's counters. A failure anywhere rolls the whole batch back; a rerun skips the rows whose
(enterprise, external record id) is already in."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.db.models import F

from lifelong.credit_bank import chain
from lifelong.credit_bank.credentials.issue import issue_outcome_credential
from lifelong.credit_bank.importing import bulk
from lifelong.credit_bank.importing.validate import RowError, ValidRow
from lifelong.credit_bank.models import (
    Archive,
    ImportJob,
    ImportRowError,
    Outcome,
    Posting,
    SourceKind,
)
from lifelong.credit_bank.services.ledger import achievement_of
from lifelong.identity import api as identity
from lifelong.shared import clock

T = TypeVar("T")
LOOKUP_CHUNK = 5000  # below SQLite's limit on bound parameters
OUTCOME_COLUMNS = (
    "id",
    "archive",
    "source_kind",
    "source_key",
    "source_organisation",
    "source_path",
    "external_id",
    "title",
    "type",
    "standard",
    "credits",
    "score",
    "hours",
    "achieved_on",
    "evidence",
    "status",
    "status_reason",
    "certified_by",
    "import_job",
    "created_at",
)
POSTING_COLUMNS = (
    "archive",
    "seq",
    "kind",
    "outcome",
    "credits",
    "reason",
    "posted_at",
    "actor_id",
    "prev_hash",
    "hash",
)
ERROR_COLUMNS = ("job", "row", "column", "reason")


@dataclass(frozen=True)
class Enterprise:
    job_id: uuid.UUID
    organisation_id: int
    name: str
    path: str
    actor_id: str


def source_key(organisation_id: int, external_id: str) -> str:
    return f"import:{organisation_id}:{external_id}"


def chunks(items: Sequence[T], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_keys(keys: Sequence[str]) -> set[str]:
    return {r[0] for r in bulk.select_in(Outcome, ["source_key"], "source_key", keys)}


def save_errors(job_id: uuid.UUID, errors: Iterable[RowError]) -> None:
    rows = [(job_id, row, column[:40], reason[:500]) for row, column, reason in errors]
    for part in chunks(rows):
        bulk.insert_rows(ImportRowError, ERROR_COLUMNS, part)


def _archives(person_ids: list[str]) -> dict[str, list]:
    """Lock (creating where missing) the archives of these people, in id order so that two
    imports touching the same people cannot deadlock: person id → [archive id, head seq,
    head hash, balance]."""
    now = clock.now()
    bulk.insert_rows(
        Archive,
        ("id", "person", "head_seq", "head_hash", "balance", "created_at"),
        [(uuid.uuid4(), uuid.UUID(p), 0, chain.GENESIS, Decimal(0), now) for p in person_ids],
        ignore_conflicts=True,
    )
    rows = bulk.select_in(
        Archive,
        ["person", "id", "head_seq", "head_hash", "balance"],
        "person",
        [uuid.UUID(p) for p in person_ids],
        lock=True,
    )
    return {
        str(bulk.as_uuid(person)): [bulk.as_uuid(aid), seq, digest, bulk.as_decimal(balance)]
        for person, aid, seq, digest, balance in rows
    }


def write_batch(
    enterprise: Enterprise,
    rows: list[ValidRow],
    errors: list[RowError],
    *,
    processed: int,
    checkpoint: Callable[[], None] = lambda: None,
) -> tuple[int, int]:
    """Write a batch; returns (imported, duplicates). `checkpoint` runs after the outcomes
    are inserted and before the batch commits (tests use it to simulate a crash there)."""
    with transaction.atomic():
        keys = [source_key(enterprise.organisation_id, r.external_id) for r in rows]
        seen = existing_keys(keys)
        fresh = [r for r, key in zip(rows, keys, strict=True) if key not in seen]
        duplicates = len(rows) - len(fresh)
        save_errors(enterprise.job_id, errors)
        if fresh:
            _write_fresh(enterprise, fresh, checkpoint)
        else:
            checkpoint()
        ImportJob.objects.filter(pk=enterprise.job_id).update(
            processed_rows=F("processed_rows") + processed,
            valid_rows=F("valid_rows") + len(rows),
            imported_rows=F("imported_rows") + len(fresh),
            duplicate_rows=F("duplicate_rows") + duplicates,
            invalid_rows=F("invalid_rows") + len({e[0] for e in errors}),
            batches_committed=F("batches_committed") + 1,
        )
    return len(fresh), duplicates


def _write_fresh(
    enterprise: Enterprise, fresh: list[ValidRow], checkpoint: Callable[[], None]
) -> None:
    people = identity.ensure_dormant_people([(r.name, r.id_number) for r in fresh])
    person_of = [people[r.id_number] for r in fresh]
    heads = _archives(list(dict.fromkeys(person_of)))
    now = clock.now()
    today = clock.today()
    outcome_ids = [uuid.uuid4() for _ in fresh]
    bulk.insert_rows(
        Outcome,
        OUTCOME_COLUMNS,
        [
            (
                oid,
                heads[pid][0],
                SourceKind.ENTERPRISE_IMPORT,
                source_key(enterprise.organisation_id, r.external_id),
                enterprise.organisation_id,
                enterprise.path,
                r.external_id,
                r.standard.name[:200],
                r.standard.type,
                r.standard.pk,
                r.standard.credits,
                r.score,
                r.hours,
                r.achieved_on,
                r.evidence,
                Outcome.Status.PENDING,
                "",
                enterprise.organisation_id,
                enterprise.job_id,
                now,
            )
            for oid, pid, r in zip(outcome_ids, person_of, fresh, strict=True)
        ],
    )
    checkpoint()
    achievements: dict[int, dict[str, str]] = {}
    pairs = []
    for oid, pid, r in zip(outcome_ids, person_of, fresh, strict=True):
        achievement = achievements.get(r.standard.pk)
        if achievement is None:
            achievement = achievements[r.standard.pk] = achievement_of(r.standard)
        credential_id = issue_outcome_credential(
            outcome_id=str(oid),
            issuer_organisation_id=enterprise.organisation_id,
            issuer_name=enterprise.name,
            learner_person_id=pid,
            learner_id_number=r.id_number,
            achievement=achievement,
            issued_on=today,
        )
        pairs.append((oid, uuid.UUID(str(credential_id))))
    bulk.certify_outcomes(Outcome._meta.db_table, now, pairs)
    postings = []
    for oid, pid, r in zip(outcome_ids, person_of, fresh, strict=True):
        head = heads[pid]
        archive_id, seq, prev = head[0], head[1] + 1, head[2]
        credits: Decimal = r.standard.credits
        digest = chain.posting_hash(
            prev_hash=prev,
            archive_id=archive_id,
            seq=seq,
            kind=Posting.Kind.ACCRUAL,
            outcome_id=oid,
            credits=credits,
            reverses_id=None,
            reason="",
            posted_at=now,
            actor_id=enterprise.actor_id,
        )
        postings.append(
            (
                archive_id,
                seq,
                Posting.Kind.ACCRUAL,
                oid,
                credits,
                "",
                now,
                enterprise.actor_id,
                prev,
                digest,
            )
        )
        head[1], head[2], head[3] = seq, digest, head[3] + credits
    bulk.insert_rows(Posting, POSTING_COLUMNS, postings)
    bulk.move_heads(Archive._meta.db_table, [(h[0], h[1], h[2], h[3]) for h in heads.values()])
