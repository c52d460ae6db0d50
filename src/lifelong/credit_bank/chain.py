"""The per-archive hash chain over postings.

Each posting's hash is SHA-256 over the previous posting's hash and this posting's content in
a fixed canonical form. The archive row keeps the head (last sequence number and hash), so a
removed or appended-behind-our-back tail is caught as well as an altered or reordered row.
The tables are also append-only by database trigger; the chain is what still catches a change
made by someone able to bypass the trigger (a database administrator, a restored backup, an
edited export).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64
_SEP = "\x1f"
_UTC = dt.UTC


def canonical_time(value: dt.datetime) -> str:
    return value.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_credits(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def posting_hash(
    *,
    prev_hash: str,
    archive_id: Any,
    seq: int,
    kind: str,
    outcome_id: Any,
    credits: Decimal,
    reverses_id: int | None,
    reason: str,
    posted_at: dt.datetime,
    actor_id: str,
) -> str:
    """The hash of one posting given the hash of the one before it."""
    parts = (
        prev_hash,
        str(archive_id),
        str(seq),
        kind,
        str(outcome_id),
        canonical_credits(credits),
        "" if reverses_id is None else str(reverses_id),
        reason,
        canonical_time(posted_at),
        actor_id,
    )
    return hashlib.sha256(_SEP.join(parts).encode("utf-8")).hexdigest()


def posting_hasher(
    *, kind: str, reverses_id: int | None, reason: str, posted_at: dt.datetime, actor_id: str
):
    """`posting_hash` for many postings sharing kind, reversal, reason, time and actor (a
    batch of an import): returns `hash(prev_hash, archive_id, seq, outcome_id, credits)`,
    where ids are in their hyphenated text form and credits already canonical
    (`canonical_credits`). Same digests as `posting_hash`."""
    middle = _SEP.join(("" if reverses_id is None else str(reverses_id), reason))
    tail = _SEP.join((canonical_time(posted_at), actor_id))
    sha256 = hashlib.sha256

    def digest(prev_hash: str, archive_id: str, seq: int, outcome_id: str, credits: str) -> str:
        text = (
            f"{prev_hash}{_SEP}{archive_id}{_SEP}{seq}{_SEP}{kind}{_SEP}{outcome_id}{_SEP}"
            f"{credits}{_SEP}{middle}{_SEP}{tail}"
        )
        return sha256(text.encode("utf-8")).hexdigest()

    return digest


CHAIN_FIELDS = (
    "archive_id",
    "seq",
    "kind",
    "outcome_id",
    "credits",
    "reverses_id",
    "reason",
    "posted_at",
    "actor_id",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    head_seq: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_rows(rows: Iterable[dict[str, Any]], *, head_seq: int, head_hash: str) -> ChainCheck:
    """Check postings (dicts with `CHAIN_FIELDS`, in sequence order) against the head the
    archive records. Works on rows read from the database or on an exported copy."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for row in rows:
        seq = int(row["seq"])
        if seq != expected_seq:
            return ChainCheck(False, checked, head_seq, expected_seq, "sequence gap")
        if row["prev_hash"] != prev:
            return ChainCheck(False, checked, head_seq, seq, "previous hash does not match")
        digest = posting_hash(
            prev_hash=prev,
            archive_id=row["archive_id"],
            seq=seq,
            kind=row["kind"],
            outcome_id=row["outcome_id"],
            credits=row["credits"],
            reverses_id=row["reverses_id"],
            reason=row["reason"],
            posted_at=row["posted_at"],
            actor_id=row["actor_id"],
        )
        if digest != row["hash"]:
            return ChainCheck(False, checked, head_seq, seq, "content does not match its hash")
        prev = digest
        expected_seq += 1
        checked += 1
    if checked != head_seq or prev != (head_hash if head_seq else GENESIS):
        return ChainCheck(False, checked, head_seq, checked + 1, "chain does not end at the head")
    return ChainCheck(True, checked, head_seq)
