"""Deletion requests (PIPL art. 47): staff erase personal data except what a registered
retention rule holds, and the result names what was kept and why."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from lifelong.identity.access import (
    Actor,
    access_person_by_id,
    people_visible_to,
    require_role,
)
from lifelong.identity.models import (
    ApiToken,
    ConsentRecord,
    DeletionRequest,
    LoginFailure,
    Membership,
    Person,
    ProxyRelation,
    VerificationLevel,
)
from lifelong.identity.privacy.common import (
    DELETION_PROCESSOR_ROLES,
    ERASED_NAME,
    EXPORT_KIND,
    Subject,
    _audit,
    _signed_in,
    _subject,
)
from lifelong.identity.privacy.consent import _latest_consents
from lifelong.identity.privacy.export import _require_guardian_for_minor
from lifelong.shared import clock
from lifelong.shared.errors import Conflict, NotFound
from lifelong.shared.jobs import discard_job_results

# ---- deletion requests and retention ---------------------------------------------------------


@dataclass(frozen=True)
class RetentionHold:
    """Data a retention rule keeps from erasure, and the legal reason (Chinese first).
    `keeps` names erasable items (see ERASABLE_DATA) or records the rule's domain keeps."""

    keeps: frozenset[str]
    reason: str

    def __post_init__(self) -> None:
        if not self.keeps or not self.reason.strip():
            raise ValueError("a retention hold names what it keeps and why")


RetentionRule = Callable[[str], RetentionHold | None]
"""Called with a person id; returns a hold, or None when it keeps nothing of theirs."""

ERASABLE_DATA = (
    "name",
    "id_number",
    "phone",
    "residence",
    "account",
    "proxies",
    "consents",
    "data_exports",
)

_rules_lock = threading.Lock()
_RETENTION_RULES: dict[str, RetentionRule] = {}


def register_retention_rule(name: str, fn: RetentionRule) -> None:
    """Declare that some data must survive a deletion request (records that carry rights,
    legal retention periods). Registering a name again replaces its rule."""
    if not name or not callable(fn):
        raise ValueError("a retention rule needs a name and a function")
    with _rules_lock:
        _RETENTION_RULES[name] = fn


def _retention_holds(person_id: str) -> list[tuple[str, RetentionHold]]:
    with _rules_lock:
        rules = sorted(_RETENTION_RULES.items())
    holds = []
    for name, rule in rules:
        hold = rule(person_id)
        if hold is not None:
            holds.append((name, hold))
    return holds


register_retention_rule(
    "identity.audit_log",
    lambda person_id: RetentionHold(
        frozenset({"audit_log"}),
        "审计日志依法至少保存6个月且不可修改 / Audit logs are kept unaltered for at least 6 "
        "months (PIPL)",
    ),
)
register_retention_rule(
    "identity.consent_history",
    lambda person_id: RetentionHold(
        frozenset({"consent_history"}),
        "同意与撤回记录证明处理的合法性，予以保留 / Consents and withdrawals are kept as "
        "evidence that the processing was lawful",
    ),
)


@transaction.atomic
def request_deletion(*, actor: Actor, person_id=None, reason: str = "") -> DeletionRequest:
    """Ask for one's data (or a principal's) to be erased. A minor's needs their guardian."""
    user_id = _signed_in(actor)
    subject = _subject(actor, person_id)
    _require_guardian_for_minor(subject, ("删除", "deletion"))
    pending = DeletionRequest.objects.filter(
        person=subject.person, status=DeletionRequest.Status.PENDING
    )
    conflict = Conflict("已有待处理的删除申请 / A deletion request is already pending")
    if pending.exists():
        raise conflict
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(
                person=subject.person,
                requested_by_id=user_id,
                proxy_id=subject.proxy_id,
                reason=(reason or "").strip()[:500],
            )
    except IntegrityError:
        raise conflict from None
    _audit(actor, "privacy.deletion_requested", subject, request_id=request.pk)
    return request


def list_deletion_requests(*, actor: Actor, status: str | None = None) -> list[DeletionRequest]:
    """Deletion requests about people in the processing officer's scope, oldest first."""
    require_role(actor, DELETION_PROCESSOR_ROLES)
    rows = DeletionRequest.objects.filter(
        person__in=Person.objects.filter(people_visible_to(actor, DELETION_PROCESSOR_ROLES))
    ).select_related("person")
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("requested_at", "id")[:500])


def _erase(item: str, person: Person, actor: Actor) -> None:
    now = clock.now()
    if item == "name":
        person.name = ERASED_NAME
    elif item == "id_number":
        person.id_number_sealed = ""
        person.id_number_index = None
        person.id_number_masked = ""
        person.gender = ""
        person.birth_date = None
    elif item == "phone":
        person.phone_sealed = ""
        person.phone_index = None
        person.phone_masked = ""
    elif item == "residence":
        person.district_id = person.street_id = None
        person.residence_code = ""
    elif item == "account":
        person.verification_level = VerificationLevel.UNVERIFIED
        person.verified_at = None
        person.prefers_elder_mode = False
        user = person.user
        if user is not None:
            LoginFailure.objects.filter(key=f"user:{user.get_username().lower()}").delete()
            user.username = f"deleted-{person.pk.hex[:20]}"
            user.email = user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
            Membership.objects.filter(user=user).update(active=False)
    elif item == "proxies":
        ProxyRelation.objects.filter(
            Q(principal=person) | Q(agent=person), revoked_at__isnull=True
        ).update(revoked_at=now, revoked_by_id=actor.user_id)
    elif item == "consents":
        for row in _latest_consents(person.pk).values():
            if row.granted_at is not None:
                ConsentRecord.objects.create(
                    person=person,
                    purpose=row.purpose,
                    withdrawn_at=now,
                    withdraws=row,
                    recorded_by_id=actor.user_id,
                )
    elif item == "data_exports":
        discard_job_results(kind=EXPORT_KIND, params_match={"person_id": str(person.pk)})
    else:
        raise ValueError(f"unknown erasable item {item}")


@transaction.atomic
def process_deletion_request(*, actor: Actor, request_id: int) -> DeletionRequest:
    """Erase the person's data except what a retention rule holds; record both lists."""
    require_role(actor, DELETION_PROCESSOR_ROLES)
    request = DeletionRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("找不到该删除申请 / No such deletion request")
    try:
        access_person_by_id(actor, request.person_id, DELETION_PROCESSOR_ROLES)
    except NotFound:
        raise NotFound("找不到该删除申请 / No such deletion request") from None
    if request.status != DeletionRequest.Status.PENDING:
        raise Conflict("该申请已处理 / This request has already been processed")
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=request.person_id)
    )
    holds = _retention_holds(str(person.pk))
    kept = frozenset().union(*(hold.keeps for _, hold in holds))
    erased = [item for item in ERASABLE_DATA if item not in kept]
    for item in erased:
        _erase(item, person, actor)
    person.save()
    request.status = DeletionRequest.Status.COMPLETED
    request.processed_at = clock.now()
    request.processed_by_id = actor.user_id
    request.erased = erased
    request.retained = [
        {"rule": name, "data": sorted(hold.keeps), "reason": hold.reason} for name, hold in holds
    ]
    request.save()
    _audit(
        actor,
        "privacy.deletion_processed",
        Subject(person, None),
        request_id=request.pk,
        erased=erased,
        retained=[name for name, _ in holds],
    )
    return request
