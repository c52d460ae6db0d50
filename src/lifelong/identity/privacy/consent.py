"""Consent records with purpose: append-only history, the latest row is the current state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lifelong.identity.access import (
    Actor,
)
from lifelong.identity.models import (
    ConsentPurpose,
    ConsentRecord,
    Person,
)
from lifelong.identity.privacy.common import CONSENT_AGE, _audit, _subject, age_on
from lifelong.shared import clock
from lifelong.shared.errors import Forbidden, Invalid

# ---- consent ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    granted: bool
    granted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


@dataclass(frozen=True)
class ConsentOverview:
    items: list[ConsentState]
    history: list[ConsentRecord]


def _latest_consents(person_id) -> dict[str, ConsentRecord]:
    latest: dict[str, ConsentRecord] = {}
    rows = ConsentRecord.objects.filter(person_id=person_id).select_related("withdraws")
    for row in rows.order_by("-id"):
        latest.setdefault(row.purpose, row)
    return latest


def _state(purpose: str, row: ConsentRecord | None) -> ConsentState:
    label = str(ConsentPurpose(purpose).label)
    if row is None:
        return ConsentState(purpose, label, False, None, None)
    if row.granted_at is not None:
        return ConsentState(purpose, label, True, row.granted_at, None)
    granted_at = row.withdraws.granted_at if row.withdraws else None
    return ConsentState(purpose, label, False, granted_at, row.withdrawn_at)


def has_consent(person_id, purpose: str) -> bool:
    """Whether the person's latest word on `purpose` is a grant."""
    return (
        ConsentRecord.objects.filter(person_id=person_id, purpose=purpose)
        .order_by("-id")
        .values_list("granted_at", flat=True)
        .first()
        is not None
    )


def consent_overview(*, actor: Actor, person_id=None) -> ConsentOverview:
    """Current consent per purpose and the full history, for oneself or a principal."""
    subject = _subject(actor, person_id)
    if subject.proxy_id:
        _audit(actor, "consent.view", subject)
    latest = _latest_consents(subject.person.pk)
    history = list(ConsentRecord.objects.filter(person=subject.person).select_related("withdraws"))
    return ConsentOverview([_state(p, latest.get(p)) for p in ConsentPurpose.values], history)


@transaction.atomic
def record_consent(
    *, actor: Actor, purpose: str, granted: bool, person_id=None
) -> tuple[ConsentState, bool]:
    """Grant or withdraw consent to a purpose; a change is a new row, never an edit. Returns
    the current state and whether anything changed."""
    if purpose not in ConsentPurpose.values:
        raise Invalid(
            "未知的同意目的 / Unknown consent purpose",
            fields={"purpose": f"可选 / one of: {', '.join(ConsentPurpose.values)}"},
        )
    subject = _subject(actor, person_id)
    person = Person.objects.select_for_update().get(pk=subject.person.pk)
    if (
        subject.proxy_id is None
        and person.birth_date is not None
        and age_on(person.birth_date, clock.today()) < CONSENT_AGE
    ):
        raise Forbidden(
            "不满14周岁的未成年人须由监护人同意 / A child under 14 needs their guardian's consent"
        )
    latest = _latest_consents(person.pk).get(purpose)
    if granted == (latest is not None and latest.granted_at is not None):
        return _state(purpose, latest), False
    now = clock.now()
    row = ConsentRecord.objects.create(
        person=person,
        purpose=purpose,
        granted_at=now if granted else None,
        withdrawn_at=None if granted else now,
        withdraws=None if granted else latest,
        recorded_by_id=actor.user_id,
        proxy_id=subject.proxy_id,
    )
    _audit(actor, "consent.grant" if granted else "consent.withdraw", subject, purpose=purpose)
    return _state(purpose, row), True
