"""Outcomes arriving one at a time (institutions' and partner banks' submissions, catalog
completions), their certification by staff, and corrections by reversing postings."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import transaction

from lifelong.credit_bank import access
from lifelong.credit_bank.credentials.issue import revoke_outcome_credential
from lifelong.credit_bank.models import Certifier as CertifierGrant
from lifelong.credit_bank.models import Outcome, OutcomeType, SourceKind, Standard
from lifelong.credit_bank.services import ledger
from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Forbidden, Invalid, NotFound
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id

logger = logging.getLogger(__name__)

# What a submitting role deposits as.
SOURCE_OF_ROLE = {
    access.PARTNER_SYSTEM: SourceKind.PARTNER_BANK,
    access.CREDIT_BANK_OFFICER: SourceKind.OFFICER,
}
# Catalog categories whose completions count as vocational training rather than leisure.
TRAINING_CATEGORIES = frozenset({"career", "digital", "language"})


def active_standard(code: str) -> Standard | None:
    return Standard.objects.filter(code=code, status=Standard.Status.ACTIVE).first()


def may_certify(organisation_id: int, standard_code: str) -> bool:
    return CertifierGrant.objects.filter(
        organisation_id=organisation_id, standard_code=standard_code, active=True
    ).exists()


def _certifier(organisation_id: int) -> ledger.Certifier:
    org = identity.organisation_by_id(organisation_id)
    if org is None:
        raise NotFound("找不到该组织 / No such organisation")
    return ledger.Certifier(org.id, org.name)


def _check_date(achieved_on: dt.date, birth_date: dt.date | None) -> None:
    if achieved_on > clock.today():
        raise Invalid(
            "取得日期不能晚于今天 / The date achieved cannot be in the future",
            fields={"achieved_on": "晚于今天 / in the future"},
        )
    if birth_date is not None and achieved_on < birth_date:
        raise Invalid(
            "取得日期早于出生日期 / The date achieved is before the birth date",
            fields={"achieved_on": "早于出生日期 / before birth"},
        )


@transaction.atomic
def deposit_outcome(
    *,
    actor: access.Actor,
    name: str,
    id_number: str,
    standard_code: str,
    achieved_on: dt.date,
    external_id: str,
    score: Decimal | None = None,
    hours: Decimal | None = None,
    evidence: str = "",
    title: str = "",
) -> tuple[Outcome, bool]:
    """An institution, school, enterprise, partner credit bank or credit-bank officer deposits
    one outcome for a person (registered dormant if they have no account yet), certified at
    once against the standard: the depositing organisation must be allowed to certify it
    (officers certify as the credit bank). Idempotent on (organisation, external id): the same
    submission again returns the existing outcome and False."""
    access.require_role(actor, access.DEPOSITOR_ROLES)
    grant = actor.grants_for(access.DEPOSITOR_ROLES)[0]
    external_id = (external_id or "").strip()
    if not external_id:
        raise Invalid("外部记录编号必填 / external_id is required", fields={"external_id": "必填"})
    try:
        rid = parse_resident_id(id_number)
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={"id_number": str(exc)}) from None
    existing = Outcome.objects.filter(
        source_key=source_key_of(grant.organisation_id, external_id)
    ).first()
    if existing is not None:
        return existing, False
    standard = active_standard(standard_code)
    if standard is None:
        raise Invalid(
            "认证标准不存在或已停用 / No active standard with that code",
            fields={"standard_code": "不存在 / unknown"},
        )
    if grant.role != access.CREDIT_BANK_OFFICER and not may_certify(
        grant.organisation_id, standard.code
    ):
        raise Invalid(
            "贵单位未获授权认证该标准 / Your organisation may not certify that standard",
            fields={"standard_code": "未授权 / not authorised"},
        )
    _check_date(achieved_on, rid.birth_date)
    outcome, created = deposit_certified(
        organisation_id=grant.organisation_id,
        source_kind=SOURCE_OF_ROLE.get(grant.role, SourceKind.INSTITUTION),
        name=name,
        id_number=rid.number,
        standard=standard,
        achieved_on=achieved_on,
        external_id=external_id,
        score=score,
        hours=hours,
        evidence=evidence,
        title=title,
        actor_id=str(actor.user_id),
    )
    record_audit(
        action="credit_bank.outcome_deposit",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=grant.role,
        object_type="credit_bank.outcome",
        object_id=str(outcome.pk),
        detail={"standard": standard.code, "external_id": external_id},
    )
    return outcome, created


def source_key_of(organisation_id: int, external_id: str) -> str:
    return f"org:{organisation_id}:{external_id}"


def deposit_certified(
    *,
    organisation_id: int,
    source_kind: str,
    name: str,
    id_number: str,
    standard: Standard,
    achieved_on: dt.date,
    external_id: str,
    score: Decimal | None = None,
    hours: Decimal | None = None,
    evidence: str = "",
    title: str = "",
    actor_id: str = "",
) -> tuple[Outcome, bool]:
    """Deposit and certify one outcome as `organisation_id` (already checked by the caller),
    inside the caller's transaction. Idempotent on (organisation, external id)."""
    key = source_key_of(organisation_id, external_id)
    existing = Outcome.objects.filter(source_key=key).first()
    if existing is not None:
        return existing, False
    person_id = identity.ensure_dormant_person(name, id_number)
    archive = ledger.archive_for_person(person_id)
    org = identity.organisation_by_id(organisation_id)
    outcome = Outcome.objects.create(
        archive=archive,
        source_kind=source_kind,
        source_key=key,
        source_organisation_id=organisation_id,
        source_path=org.path if org else "",
        external_id=external_id,
        title=(title or standard.name)[:200],
        type=standard.type,
        score=score,
        hours=hours,
        achieved_on=achieved_on,
        evidence=evidence[:500],
    )
    ledger.certify(
        outcome,
        archive,
        standard=standard,
        certifier=_certifier(organisation_id),
        learner_id_number=id_number,
        actor_id=actor_id,
    )
    return outcome, True


def _officer_outcome(actor: access.Actor, outcome_id) -> Outcome:
    access.require_role(actor, access.OFFICER_ROLES)
    return access.access_outcome_by_id(actor, outcome_id, for_update=True)


@transaction.atomic
def certify_pending_outcome(*, actor: access.Actor, outcome_id, standard_code: str) -> Outcome:
    """A credit-bank officer certifies a pending outcome (e.g. a catalog completion no
    standard matched automatically) against a standard, as the credit bank."""
    outcome = _officer_outcome(actor, outcome_id)
    if outcome.status != Outcome.Status.PENDING:
        raise Conflict("该成果不是待认证状态 / The outcome is not pending", code="not_pending")
    standard = active_standard(standard_code)
    if standard is None:
        raise Invalid(
            "认证标准不存在或已停用 / No active standard with that code",
            fields={"standard_code": "不存在 / unknown"},
        )
    archive = ledger.archive_for_person(outcome.archive.person_id)
    id_number = identity.id_number_for_credential(archive.person_id)
    if id_number is None:
        raise Conflict(
            "该学习者没有登记身份证号，无法签发证书 / The learner has no ID number on record, "
            "so no credential can be issued",
            code="no_id_number",
        )
    grant = actor.grants_for(access.OFFICER_ROLES)[0]
    ledger.certify(
        outcome,
        archive,
        standard=standard,
        certifier=_certifier(grant.organisation_id),
        learner_id_number=id_number,
        actor_id=str(actor.user_id),
    )
    record_audit(
        action="credit_bank.outcome_certify",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=grant.role,
        object_type="credit_bank.outcome",
        object_id=str(outcome.pk),
        detail={"standard": standard.code},
    )
    return outcome


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise Invalid(
            "请填写原因（不超过500字）/ Give a reason (at most 500 characters)",
            fields={"reason": "必填 / required"},
        )
    return reason


@transaction.atomic
def reject_outcome(*, actor: access.Actor, outcome_id, reason: str) -> Outcome:
    """A credit-bank officer refuses to certify a pending outcome, with the reason."""
    outcome = _officer_outcome(actor, outcome_id)
    reason = _reason(reason)
    if outcome.status != Outcome.Status.PENDING:
        raise Conflict("该成果不是待认证状态 / The outcome is not pending", code="not_pending")
    outcome.status = Outcome.Status.REJECTED
    outcome.status_reason = reason
    outcome.save(update_fields=["status", "status_reason"])
    record_audit(
        action="credit_bank.outcome_reject",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=access.CREDIT_BANK_OFFICER,
        object_type="credit_bank.outcome",
        object_id=str(outcome.pk),
        detail={"reason": reason[:200]},
    )
    return outcome


def _correctable(actor: access.Actor, outcome_id) -> Outcome:
    """Officers correct any certified outcome; a certifying organisation its own."""
    access.require_role(actor, access.DEPOSITOR_ROLES)
    outcome = access.access_outcome_by_id(actor, outcome_id, for_update=True)
    own = {g.organisation_id for g in actor.grants_for(access.DEPOSITOR_ROLES)}
    if not access.is_officer(actor) and outcome.certified_by_id not in own:
        raise Forbidden(
            "只有认证机构或学分银行可以更正 / Only the certifier or the credit bank may correct it"
        )
    if outcome.status != Outcome.Status.CERTIFIED:
        raise Conflict("只能更正已认证的成果 / Only certified outcomes can be corrected")
    return outcome


def _audit_correction(actor: access.Actor, outcome: Outcome, action: str, detail: dict) -> None:
    record_audit(
        action=action,
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        object_type="credit_bank.outcome",
        object_id=str(outcome.pk),
        detail=detail,
    )


@transaction.atomic
def revoke_outcome(*, actor: access.Actor, outcome_id, reason: str) -> Outcome:
    """Withdraw a certified outcome: its credits are reversed by a posting naming the reason
    (the original postings stay in the chain) and its credential is revoked."""
    outcome = _correctable(actor, outcome_id)
    reason = _reason(reason)
    archive = ledger.archive_for_person(outcome.archive.person_id)
    ledger.reverse_accruals(outcome, archive, reason=reason, actor_id=str(actor.user_id))
    # The outcome's credential is revoked with it, so that verifiers see it withdrawn too.
    revoke_outcome_credential(outcome_id=str(outcome.pk), reason=reason, actor_label=actor.label)
    outcome.status = Outcome.Status.REVOKED
    outcome.status_reason = reason
    outcome.save(update_fields=["status", "status_reason"])
    _audit_correction(actor, outcome, "credit_bank.outcome_revoke", {"reason": reason[:200]})
    return outcome


@transaction.atomic
def correct_outcome_credits(
    *, actor: access.Actor, outcome_id, credits: Decimal, reason: str
) -> Outcome:
    """Correct the credits of a certified outcome: a reversing posting cancels what was
    posted and a new accrual posts the corrected amount, both in the chain."""
    outcome = _correctable(actor, outcome_id)
    reason = _reason(reason)
    if credits < 0 or credits > Decimal("999.99"):
        raise Invalid("学分应在0到999.99之间 / Credits are 0–999.99", fields={"credits": "范围"})
    credits = credits.quantize(Decimal("0.01"))
    if credits == outcome.credits:
        raise Conflict("学分没有变化 / The credits are unchanged")
    archive = ledger.archive_for_person(outcome.archive.person_id)
    ledger.reverse_accruals(outcome, archive, reason=reason, actor_id=str(actor.user_id))
    ledger.post(
        archive,
        kind="accrual",
        outcome_id=outcome.pk,
        credits=credits,
        actor_id=str(actor.user_id),
    )
    before = outcome.credits
    outcome.credits = credits
    outcome.save(update_fields=["credits"])
    _audit_correction(
        actor,
        outcome,
        "credit_bank.outcome_correct",
        {"reason": reason[:200], "from": str(before), "to": str(credits)},
    )
    return outcome


# ---- catalog completions ---------------------------------------------------------------------


def _catalog_standard(category: str) -> Standard | None:
    if not category:
        return None
    return (
        Standard.objects.filter(catalog_category=category, status=Standard.Status.ACTIVE)
        .order_by("code")
        .first()
    )


def _catalog_certifier(standard: Standard, provider_id: int | None) -> int | None:
    grants = CertifierGrant.objects.filter(standard_code=standard.code, active=True)
    if provider_id and grants.filter(organisation_id=provider_id).exists():
        return provider_id
    return grants.order_by("pk").values_list("organisation_id", flat=True).first()


def _decimal_or_none(value: Any, places: str) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(Decimal(places))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return number if Decimal(0) <= number < Decimal(100_000) else None


@transaction.atomic
def record_catalog_completion(payload: dict[str, Any]) -> Outcome | None:
    """A course completed on the learning cloud arrives in the archive. It is certified at
    once against the standard for its category when one exists (by the course's provider if
    allowed, else by the credit bank); otherwise it waits for an officer. Idempotent: the same
    completion twice deposits once."""
    person_id = str(payload.get("person_id") or "")
    resource_id = str(payload.get("resource_id") or "")
    if not person_id or not resource_id:
        logger.warning("catalog.course_completed without person or resource: %r", payload)
        return None
    source_key = f"catalog:{person_id}:{resource_id}"
    existing = Outcome.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    if not identity.person_briefs([person_id]):
        logger.warning("catalog.course_completed for unknown person %s", person_id)
        return None
    try:
        completed = dt.datetime.fromisoformat(str(payload.get("completed_at")))
        achieved_on = completed.astimezone(clock.SHANGHAI).date()
    except (TypeError, ValueError):
        achieved_on = clock.today()
    category = str(payload.get("category") or "")[:40]
    provider = payload.get("provider_organisation_id")
    provider_id = provider if isinstance(provider, int) else None
    provider_org = identity.organisation_by_id(provider_id) if provider_id else None
    standard = _catalog_standard(category)
    archive = ledger.archive_for_person(person_id)
    outcome = Outcome.objects.create(
        archive=archive,
        source_kind=SourceKind.CATALOG,
        source_key=source_key,
        source_organisation_id=provider_org.id if provider_org else None,
        source_path=provider_org.path if provider_org else "",
        external_id=resource_id[:100],
        title=str(payload.get("title") or "")[:200] or "学习平台课程",
        type=standard.type
        if standard
        else (
            OutcomeType.NON_DEGREE_TRAINING
            if category in TRAINING_CATEGORIES
            else OutcomeType.CULTURE_LEISURE
        ),
        hours=_decimal_or_none(payload.get("hours"), "0.1"),
        achieved_on=min(achieved_on, clock.today()),
        evidence=f"学习平台课程 {resource_id} / Learning-cloud course {resource_id}",
    )
    if standard is None:
        outcome.status_reason = "待学分银行认证 / Awaiting certification by the credit bank"
        outcome.save(update_fields=["status_reason"])
        return outcome
    certifier_id = _catalog_certifier(standard, provider_id)
    id_number = identity.id_number_for_credential(person_id)
    if certifier_id is None or id_number is None:
        outcome.status_reason = (
            "实名信息不完整，待学分银行认证 / Awaiting certification: identity incomplete"
            if id_number is None
            else "待学分银行认证 / Awaiting certification by the credit bank"
        )
        outcome.save(update_fields=["status_reason"])
        return outcome
    ledger.certify(
        outcome,
        archive,
        standard=standard,
        certifier=_certifier(certifier_id),
        learner_id_number=id_number,
        actor_id="catalog",
    )
    return outcome


def on_course_completed(name: str, payload: dict[str, Any]) -> None:
    """Subscriber of the domain event "catalog.course_completed" (durable delivery)."""
    record_catalog_completion(payload)


# ---- the learner's own archive ---------------------------------------------------------------


def claim_archive(person_id: str) -> None:
    """Mark a dormant archive as opened by its (verified) owner the first time they look; the
    archive is theirs from the moment identity links their account to the person."""
    from lifelong.credit_bank.models import Archive

    claimed = Archive.objects.filter(person_id=person_id, opened_at__isnull=True).update(
        opened_at=clock.now()
    )
    if claimed:
        record_audit(
            action="credit_bank.archive_claim",
            object_type="credit_bank.archive",
            object_id=person_id,
        )
