"""What the privacy use cases share: ages in Asia/Shanghai days, validity of proxy
relations, the subject a request is about, and auditing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from lifelong.identity.access import (
    Actor,
)
from lifelong.identity.models import (
    Person,
    ProxyRelation,
    Role,
)
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Forbidden, NotFound, Unauthenticated

ADULT_AGE = 18
SENIOR_AGE = 60
# PIPL art. 31: personal information of a child under 14 needs the guardian's consent.
CONSENT_AGE = 14
EXPORT_KIND = "identity.data_export"
EXPORT_KEEP_DAYS = 7
ERASED_NAME = "已注销用户"
DELETION_PROCESSOR_ROLES = frozenset({Role.COMMISSION_OFFICER})
COMMUNITY_STAFF_ROLES = frozenset({Role.SCHOOL_STAFF, Role.DISTRICT_OFFICER})

NO_PERSON = "您的账户未关联个人信息 / Your account is not linked to a person"
NO_SUCH_PERSON = "找不到该人员 / No such person"


# ---- ages (Asia/Shanghai days) ---------------------------------------------------------------


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years on `day`; someone born on 29 February comes of age on 1 March."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _birthday(birth_date: dt.date, years: int) -> dt.date:
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(birth_date.year + years, 3, 1)


def adulthood_starts(birth_date: dt.date) -> dt.datetime:
    """Midnight in Shanghai on the 18th birthday: when a guardianship ends by itself."""
    return dt.datetime.combine(_birthday(birth_date, ADULT_AGE), dt.time(), tzinfo=clock.SHANGHAI)


def _signed_in(actor: Actor) -> int:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    return actor.user_id


def _is_minor(person: Person) -> bool:
    return person.birth_date is not None and age_on(person.birth_date, clock.today()) < ADULT_AGE


# ---- proxy relations -------------------------------------------------------------------------


def _valid_at(now: dt.datetime) -> Q:
    return Q(revoked_at__isnull=True, valid_from__lte=now) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def proxy_status(proxy: ProxyRelation, now: dt.datetime | None = None) -> str:
    """ "revoked", "expired", "pending" (starts later) or "active"."""
    now = now or clock.now()
    if proxy.revoked_at is not None:
        return "revoked"
    if proxy.valid_until is not None and proxy.valid_until <= now:
        return "expired"
    if proxy.valid_from > now:
        return "pending"
    return "active"


def acting_for(actor: Actor, principal_person_id) -> int:
    """The id of a proxy relation, valid now, letting `actor` act for the principal.
    NotFound otherwise (as if the person did not exist): expired and revoked relations grant
    nothing. Callers audit the act with `on_behalf_of` set to the principal."""
    if actor.person_id is None:
        raise NotFound(NO_SUCH_PERSON)
    try:
        proxy_id = (
            ProxyRelation.objects.filter(
                _valid_at(clock.now()), agent__pk=actor.person_id, principal_id=principal_person_id
            )
            .order_by("-valid_from", "-id")
            .values_list("id", flat=True)
            .first()
        )
    except (ValueError, TypeError):
        proxy_id = None
    if proxy_id is None:
        raise NotFound(NO_SUCH_PERSON)
    return proxy_id


@dataclass(frozen=True)
class Subject:
    """Whose data a request is about, and the proxy the actor uses (None: their own)."""

    person: Person
    proxy_id: int | None

    @property
    def on_behalf_of(self) -> str:
        return str(self.person.pk) if self.proxy_id else ""


def _subject(actor: Actor, person_id=None) -> Subject:
    _signed_in(actor)
    if person_id is None or str(person_id) == actor.person_id:
        if actor.person_id is None:
            raise Forbidden(NO_PERSON)
        return Subject(Person.objects.get(pk=actor.person_id), None)
    proxy_id = acting_for(actor, person_id)
    return Subject(Person.objects.get(pk=person_id), proxy_id)


def _audit(actor: Actor, action: str, subject: Subject, **detail: Any) -> None:
    if subject.proxy_id:
        detail["proxy_id"] = subject.proxy_id
    record_audit(
        action=action,
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        on_behalf_of=subject.on_behalf_of,
        object_type="person",
        object_id=str(subject.person.pk),
        detail=detail,
    )
