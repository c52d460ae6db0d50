"""The ledger primitives shared by every way an outcome arrives: the archive of a person,
certification (which issues the outcome's verifiable credential) and hash-chained postings.
Callers hold the transaction; these functions never open their own."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from lifelong.credit_bank import chain
from lifelong.credit_bank.credentials.issue import issue_outcome_credential
from lifelong.credit_bank.models import Archive, Outcome, OutcomeType, Posting, Standard
from lifelong.shared import clock


@dataclass(frozen=True)
class Certifier:
    """The organisation certifying an outcome (and issuing its credential)."""

    organisation_id: int
    name: str


def archive_for_person(person_id, *, lock: bool = True) -> Archive:
    """The person's archive, created (dormant, if they have no account) on first deposit and
    locked for the caller's transaction so that postings to it are chained one at a time."""
    archive = Archive.objects.filter(person_id=person_id).first()
    if archive is None:
        try:
            with transaction.atomic():
                Archive.objects.create(person_id=person_id)
        except IntegrityError:
            pass  # a concurrent deposit created it first
    queryset = Archive.objects.select_for_update() if lock else Archive.objects
    return queryset.get(person_id=person_id)


def achievement_of(standard: Standard) -> dict[str, str]:
    """The achievement description a credential carries, from the standard version."""
    type_label = str(OutcomeType(standard.type).label)
    return {
        "code": standard.code,
        "name": standard.name,
        "type": standard.type,
        "level": standard.level,
        "credits": chain.canonical_credits(standard.credits),
        "criteria": standard.criteria,
        "awarding_body": standard.awarding_body,
        "description": f"{standard.name}（{type_label}，{standard.credits} 学分）",
    }


def post(
    archive: Archive,
    *,
    kind: str,
    outcome_id,
    credits: Decimal,
    actor_id: str,
    reason: str = "",
    reverses: Posting | None = None,
    at: dt.datetime | None = None,
) -> Posting:
    """Append one posting to a locked archive's chain and move its head and balance."""
    at = at or clock.now()
    seq = archive.head_seq + 1
    reverses_id = reverses.pk if reverses is not None else None
    digest = chain.posting_hash(
        prev_hash=archive.head_hash,
        archive_id=archive.pk,
        seq=seq,
        kind=kind,
        outcome_id=outcome_id,
        credits=credits,
        reverses_id=reverses_id,
        reason=reason,
        posted_at=at,
        actor_id=actor_id,
    )
    posting = Posting.objects.create(
        archive=archive,
        seq=seq,
        kind=kind,
        outcome_id=outcome_id,
        credits=credits,
        reverses=reverses,
        reason=reason,
        posted_at=at,
        actor_id=actor_id,
        prev_hash=archive.head_hash,
        hash=digest,
    )
    archive.head_seq = seq
    archive.head_hash = digest
    archive.balance = archive.balance + credits
    Archive.objects.filter(pk=archive.pk).update(
        head_seq=seq, head_hash=digest, balance=archive.balance
    )
    return posting


def certify(
    outcome: Outcome,
    archive: Archive,
    *,
    standard: Standard,
    certifier: Certifier,
    learner_id_number: str,
    actor_id: str,
    credits: Decimal | None = None,
) -> Outcome:
    """Certify an existing (pending) outcome against a standard version: issue its credential,
    mark it certified and post its credits."""
    now = clock.now()
    amount = standard.credits if credits is None else credits
    credential_id = issue_outcome_credential(
        outcome_id=str(outcome.pk),
        issuer_organisation_id=certifier.organisation_id,
        issuer_name=certifier.name,
        learner_person_id=str(archive.person_id),
        learner_id_number=learner_id_number,
        achievement=achievement_of(standard),
        issued_on=clock.today(),
    )
    outcome.status = Outcome.Status.CERTIFIED
    outcome.standard = standard
    outcome.type = standard.type
    outcome.credits = amount
    outcome.certified_by_id = certifier.organisation_id
    outcome.certified_at = now
    outcome.credential_id = uuid.UUID(str(credential_id))
    outcome.status_reason = ""
    outcome.save(
        update_fields=[
            "status",
            "standard",
            "type",
            "credits",
            "certified_by",
            "certified_at",
            "credential_id",
            "status_reason",
        ]
    )
    post(
        archive,
        kind=Posting.Kind.ACCRUAL,
        outcome_id=outcome.pk,
        credits=amount,
        actor_id=actor_id,
        at=now,
    )
    return outcome


def open_accruals(outcome: Outcome) -> list[Posting]:
    """The outcome's accrual postings that no reversal has cancelled yet."""
    return list(
        Posting.objects.filter(
            outcome=outcome, kind=Posting.Kind.ACCRUAL, reversed_by__isnull=True
        ).order_by("seq")
    )


def reverse_accruals(
    outcome: Outcome, archive: Archive, *, reason: str, actor_id: str
) -> list[Posting]:
    """Post a reversal for each open accrual of the outcome, naming the reason."""
    return [
        post(
            archive,
            kind=Posting.Kind.REVERSAL,
            outcome_id=outcome.pk,
            credits=-accrual.credits,
            actor_id=actor_id,
            reason=reason,
            reverses=accrual,
        )
        for accrual in open_accruals(outcome)
    ]
