"""Writing one batch of valid import rows in one transaction: people (dormant when new),
archives, certified outcomes, their credentials (issued unsigned: `credentials.signing` adds
the proofs afterwards), chained postings, the batch's row errors and the job's counters. A
failure anywhere rolls the whole batch back; a rerun skips the rows whose (enterprise,
external record id) is already in.

Rows travel as database text (`bulk.copy_rows`): on PostgreSQL each table gets one `COPY`
per batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F

from lifelong.credit_bank import chain
from lifelong.credit_bank.credentials.bulk_issue import BadgeBatch
from lifelong.credit_bank.importing import bulk, ids
from lifelong.credit_bank.importing.validate import RowError, ValidRow
from lifelong.credit_bank.models import (
    Archive,
    Credential,
    ImportJob,
    ImportRowError,
    Outcome,
    Posting,
    SourceKind,
    Standard,
)
from lifelong.credit_bank.services.ledger import achievement_of
from lifelong.identity import api as identity
from lifelong.shared import clock

T = TypeVar("T")
LOOKUP_CHUNK = 5000  # below SQLite's limit on bound parameters
OUTCOME_COLUMNS = (
    "archive",
    "id",
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
    "certified_at",
    "credential_id",
    "import_job",
    "created_at",
)
OUTCOME_TEXT = ("source_key", "source_path", "external_id", "title", "evidence")
CREDENTIAL_COLUMNS = (
    "id",
    "kind",
    "issuer_organisation",
    "learner",
    "outcome_id",
    "name",
    "code",
    "credits",
    "audience",
    "document",
    "status_list",
    "status_index",
    "issued_at",
)
CREDENTIAL_TEXT = ("name", "code", "document")
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
SLOT_ATTEMPTS = 3


@dataclass
class Enterprise:
    """The importing enterprise and its job; one per import run (it keeps the run's credential
    templates and status slots)."""

    job_id: uuid.UUID
    organisation_id: int
    name: str
    path: str
    actor_id: str
    _badges: BadgeBatch | None = field(default=None, init=False, repr=False)

    @property
    def badges(self) -> BadgeBatch:
        if self._badges is None:
            self._badges = BadgeBatch(organisation_id=self.organisation_id, issuer_name=self.name)
        return self._badges


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
    """Lock (creating where missing) the archives of these people (ids as text), in id order
    so that two imports touching the same people cannot deadlock: person id → [archive id
    (hyphenated), head seq, head hash, balance]."""
    columns = ["person", "id", "head_seq", "head_hash", "balance"]
    # 32 hex digits: what both databases take for a UUID (SQLite stores exactly that).
    hexes = [p.replace("-", "") for p in person_ids]
    rows = bulk.select_in(Archive, columns, "person", hexes, lock=True, plain=True)
    if len(rows) < len(hexes):
        have = {bulk.as_uuid(r[0]).hex for r in rows}
        missing = [p for p in hexes if p not in have]
        now = clock.now()
        bulk.insert_rows(
            Archive,
            ("id", "person", "head_seq", "head_hash", "balance", "created_at"),
            [
                (uuid.UUID(aid), uuid.UUID(p), 0, chain.GENESIS, Decimal(0), now)
                for aid, p in zip(ids.uuid4_hex(len(missing)), missing, strict=True)
            ],
            ignore_conflicts=True,
        )
        rows += bulk.select_in(Archive, columns, "person", missing, lock=True, plain=True)
    return {
        str(bulk.as_uuid(person)): [str(bulk.as_uuid(aid)), seq, digest, bulk.as_decimal(balance)]
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
        fresh = [(r, key) for r, key in zip(rows, keys, strict=True) if key not in seen]
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


@dataclass(frozen=True)
class _StandardText:
    """What every outcome, credential and posting of one standard version shares."""

    pk: str
    title: str
    type: str
    credits: str
    amount: Decimal
    name: str
    code: str
    achievement: dict[str, str]


def _standard_texts(rows: Iterable[ValidRow]) -> list[_StandardText]:
    """Each row's standard version, as text (worked out once per version)."""
    by_object: dict[int, _StandardText] = {}
    texts = []
    for r in rows:
        text = by_object.get(id(r.standard))
        if text is None:
            s: Standard = r.standard
            achievement = achievement_of(s)
            text = by_object[id(s)] = _StandardText(
                pk=str(s.pk),
                title=s.name[:200],
                type=s.type,
                credits=chain.canonical_credits(s.credits),
                amount=s.credits,
                name=achievement["name"][:300],
                code=achievement["code"][:100],
                achievement=achievement,
            )
        texts.append(text)
    return texts


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _write_fresh(
    enterprise: Enterprise,
    fresh: list[tuple[ValidRow, str]],
    checkpoint: Callable[[], None],
) -> None:
    rows = [r for r, _ in fresh]
    people = identity.ensure_dormant_people([(r.name, r.id_number) for r in rows])
    person_of = [people[r.id_number] for r in rows]
    heads = _archives(list(dict.fromkeys(person_of)))
    now = clock.now()
    at = bulk.db_datetime(now)
    org = str(enterprise.organisation_id)
    job = enterprise.job_id.hex
    standards = _standard_texts(rows)
    count = len(fresh)
    outcome_ids = ids.uuid7_hex(count)
    credential_ids = ids.uuid4_hex(count)
    archive_hex = {pid: head[0].replace("-", "") for pid, head in heads.items()}
    bulk.copy_rows(
        Outcome,
        OUTCOME_COLUMNS,
        [
            (
                archive_hex[pid],
                oid,
                SourceKind.ENTERPRISE_IMPORT,
                key,
                org,
                enterprise.path,
                r.external_id,
                std.title,
                std.type,
                std.pk,
                std.credits,
                _text(r.score),
                _text(r.hours),
                r.achieved_on.isoformat(),
                r.evidence,
                Outcome.Status.CERTIFIED,
                "",
                org,
                at,
                cid,
                job,
                at,
            )
            for (r, key), std, pid, oid, cid in zip(
                fresh, standards, person_of, outcome_ids, credential_ids, strict=True
            )
        ],
        text_columns=OUTCOME_TEXT,
    )
    checkpoint()
    outcome_text = [ids.hyphenated(h) for h in outcome_ids]
    _issue_badges(enterprise, rows, standards, person_of, outcome_text, credential_ids, at)
    hasher = chain.posting_hasher(
        kind=Posting.Kind.ACCRUAL,
        reverses_id=None,
        reason="",
        posted_at=now,
        actor_id=enterprise.actor_id,
    )
    postings = []
    for std, pid, oid, otext in zip(standards, person_of, outcome_ids, outcome_text, strict=True):
        head = heads[pid]
        seq, prev = head[1] + 1, head[2]
        digest = hasher(prev, head[0], seq, otext, std.credits)
        postings.append(
            (
                archive_hex[pid],
                str(seq),
                Posting.Kind.ACCRUAL,
                oid,
                std.credits,
                "",
                at,
                enterprise.actor_id,
                prev,
                digest,
            )
        )
        head[1], head[2], head[3] = seq, digest, head[3] + std.amount
    bulk.copy_rows(Posting, POSTING_COLUMNS, postings, text_columns=("actor_id",))
    bulk.move_heads(Archive._meta.db_table, [tuple(h) for h in heads.values()])


def _issue_badges(
    enterprise: Enterprise,
    rows: list[ValidRow],
    standards: list[_StandardText],
    person_of: list[str],
    outcome_text: list[str],
    credential_ids: list[str],
    at: str,
) -> None:
    """Each outcome's Open Badge, issued now with a random free status slot and its unsigned
    document; the proof follows (`credentials.signing`). If another issuer took one of the
    slots since this run last looked, the insert is refused: it is retried with slots read
    afresh."""
    badges = enterprise.badges
    today = clock.today()
    distinct = {id(std): std for std in standards}
    templates = {
        key: badges.template(std.pk, std.achievement, today) for key, std in distinct.items()
    }
    org = str(enterprise.organisation_id)
    salts = badges.salts(len(rows))
    for attempt in range(SLOT_ATTEMPTS):
        slots = badges.slots.take(len(rows))
        credentials = [
            (
                cid,
                Credential.Kind.OPEN_BADGE,
                org,
                pid.replace("-", ""),
                otext,
                std.name,
                std.code,
                std.credits,
                "",
                templates[id(std)].render(
                    credential_id=ids.hyphenated(cid),
                    id_number=r.id_number,
                    salt=salt,
                    list_id=slot.list_id,
                    index=slot.index,
                ),
                str(slot.list_id),
                str(slot.index),
                at,
            )
            for r, std, pid, otext, cid, slot, salt in zip(
                rows, standards, person_of, outcome_text, credential_ids, slots, salts, strict=True
            )
        ]
        try:
            with transaction.atomic():
                bulk.copy_rows(
                    Credential, CREDENTIAL_COLUMNS, credentials, text_columns=CREDENTIAL_TEXT
                )
            return
        except IntegrityError as exc:
            if not _slot_taken(exc) or attempt == SLOT_ATTEMPTS - 1:
                raise
            badges.slots.forget()


def _slot_taken(exc: IntegrityError) -> bool:
    """Whether the insert broke `credential_status_slot` (PostgreSQL names the constraint,
    SQLite its columns)."""
    text = str(exc)
    return "credential_status_slot" in text or "credential.status_index" in text
