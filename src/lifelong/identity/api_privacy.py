"""identity's public interface, part: personal-information rights — acting for someone else
through a proxy relation, consent, "download my data", and what a deletion request must keep.
Import these from `lifelong.identity.api`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lifelong.identity import privacy
from lifelong.identity.access import Actor
from lifelong.identity.models import ProxyKind, ProxyRelation
from lifelong.identity.privacy import RetentionRule
from lifelong.identity.privacy.common import _valid_at
from lifelong.shared import clock


def acting_for(actor: Actor, principal_person_id) -> int:
    """The id of the proxy relation, valid now, through which `actor` may act for the person
    `principal_person_id` (a guardian for a minor; family or community staff for a senior).
    Raises `NotFound` otherwise, as if the person did not exist: expired and revoked relations
    grant nothing. Every act done this way must be audited with `on_behalf_of` set to the
    principal's person id and the proxy id in the detail."""
    return privacy.acting_for(actor, principal_person_id)


def has_consent(person_id, purpose: str) -> bool:
    """Whether the person currently consents to `purpose` ("learning_records", "credit_bank",
    "recommendations", "marketing_sms"): their latest record for it is a grant."""
    return privacy.has_consent(person_id, purpose)


def register_retention_rule(name: str, fn: RetentionRule) -> None:
    """Declare data that must survive a deletion request (PIPL art. 47: records that carry
    rights, legal retention periods). `fn(person_id)` returns a `RetentionHold` naming what it
    keeps and why (Chinese first), or None. Held items of `privacy.ERASABLE_DATA` ("name",
    "id_number", "phone", …) are not erased; every hold is listed in the processing result.
    Call it from your `AppConfig.ready()`; registering a name again replaces its rule."""
    privacy.register_retention_rule(name, fn)


@dataclass(frozen=True)
class ConsentItem:
    purpose: str
    label: str
    granted: bool
    granted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


def consents_of(actor: Actor) -> list[ConsentItem]:
    """The actor's current consent to each purpose, in the purposes' fixed order (labels read
    "中文 / English" in Chinese, English alone in English). `Forbidden` for an account that
    is not linked to a person."""
    overview = privacy.consent_overview(actor=actor)
    return [
        ConsentItem(s.purpose, s.label, s.granted, s.granted_at, s.withdrawn_at)
        for s in overview.items
    ]


def set_consent(actor: Actor, purpose: str, granted: bool) -> bool:
    """Grant or withdraw the actor's own consent to `purpose` (recorded as a new row, never an
    edit); True if anything changed. `Invalid` for an unknown purpose, `Forbidden` for a child
    under 14, whose guardian decides."""
    _state, changed = privacy.record_consent(actor=actor, purpose=purpose, granted=granted)
    return changed


DATA_EXPORT_JOB_KIND = privacy.EXPORT_KIND


def start_data_export(actor: Actor) -> str:
    """Start building a ZIP of the actor's own data ("download my data"); returns the id of
    the background job (kind `DATA_EXPORT_JOB_KIND`, owned by the actor's user), to watch with
    `lifelong.shared.jobs`. `Forbidden` (`verification_required`) for unverified accounts."""
    return str(privacy.request_data_export(actor=actor).pk)


@dataclass(frozen=True)
class ProxyItem:
    id: int
    kind: str
    kind_label: str
    principal_name: str
    agent_name: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str  # "active", "pending" (starts later), "expired" or "revoked"

    @property
    def revocable(self) -> bool:
        return self.status in ("active", "pending")


@dataclass(frozen=True)
class ProxyRelations:
    as_principal: list[ProxyItem]
    as_agent: list[ProxyItem]


def _proxy_item(proxy) -> ProxyItem:
    return ProxyItem(
        id=proxy.pk,
        kind=proxy.kind,
        kind_label=str(ProxyKind(proxy.kind).label),
        principal_name=proxy.principal.name,
        agent_name=proxy.agent.name,
        valid_from=proxy.valid_from,
        valid_until=proxy.valid_until,
        revoked_at=proxy.revoked_at,
        status=privacy.proxy_status(proxy),
    )


def proxy_relations_of(actor: Actor) -> ProxyRelations:
    """The actor's proxy relations, newest first: who may act for them (`as_principal`) and
    for whom they may act (`as_agent`), in every state."""
    mine = privacy.list_my_proxies(actor)
    return ProxyRelations(
        [_proxy_item(p) for p in mine.as_principal], [_proxy_item(p) for p in mine.as_agent]
    )


def revoke_proxy_relation(actor: Actor, proxy_id: int) -> ProxyItem:
    """End a relation the actor is the principal or agent of (or staff in scope); it grants
    nothing after. `NotFound` for anyone else's, `Conflict` if it was already revoked."""
    return _proxy_item(privacy.revoke_proxy(actor=actor, proxy_id=proxy_id))


def principal_ids_of(actor: Actor) -> list[str]:
    """The ids of the people `actor` may act for now (a guardian's children; seniors they
    help) through a valid, unrevoked proxy relation. Empty for an account without a person."""
    if actor.person_id is None:
        return []
    rows = ProxyRelation.objects.filter(_valid_at(clock.now()), agent__pk=actor.person_id)
    return sorted({str(pk) for pk in rows.values_list("principal_id", flat=True)})
