"""The certification-standard catalogue, maintained by credit-bank officers: versions of a
standard and which organisations may certify it."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from lifelong.credit_bank import access
from lifelong.credit_bank.models import Certifier, OutcomeType, Standard
from lifelong.identity import api as identity
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound


def _audit(actor: access.Actor, action: str, object_id: str, detail: dict) -> None:
    record_audit(
        action=action,
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=access.CREDIT_BANK_OFFICER,
        object_type="credit_bank.standard",
        object_id=object_id,
        detail=detail,
    )


@transaction.atomic
def publish_standard(
    *,
    actor: access.Actor,
    code: str,
    name: str,
    type: str,
    credits: Decimal,
    criteria: str,
    awarding_body: str,
    level: str = "",
    name_en: str = "",
    validity_months: int | None = None,
    qualification_level: int | None = None,
    catalog_category: str = "",
) -> Standard:
    """Publish a standard: a new code starts at version 1; publishing an existing code adds
    the next version and retires the one in force. Outcomes keep pointing at the version they
    were certified against."""
    access.require_role(actor, access.OFFICER_ROLES)
    code = (code or "").strip().upper()
    if not code or len(code) > 40:
        raise Invalid("标准代码必填 / code is required", fields={"code": "必填 / required"})
    if type not in OutcomeType.values:
        raise Invalid(
            "未知的成果类型 / Unknown outcome type",
            fields={"type": f"可选 / one of: {', '.join(OutcomeType.values)}"},
        )
    if credits < 0:
        raise Invalid("学分不能为负 / Credits cannot be negative", fields={"credits": "≥ 0"})
    credits = credits.quantize(Decimal("0.01"))
    if qualification_level is not None and not 1 <= qualification_level <= 10:
        raise Invalid(
            "资历框架等级为1-10 / Levels are 1–10", fields={"qualification_level": "1-10"}
        )
    for field, value in (("name", name), ("criteria", criteria), ("awarding_body", awarding_body)):
        if not (value or "").strip():
            raise Invalid(f"{field} 必填 / {field} is required", fields={field: "必填 / required"})
    versions = Standard.objects.select_for_update().filter(code=code)
    latest = versions.aggregate(v=Max("version"))["v"] or 0
    versions.filter(status=Standard.Status.ACTIVE).update(status=Standard.Status.RETIRED)
    try:
        with transaction.atomic():
            standard = Standard.objects.create(
                code=code,
                version=latest + 1,
                name=name.strip(),
                name_en=name_en.strip(),
                type=type,
                level=level.strip(),
                credits=credits,
                criteria=criteria.strip(),
                awarding_body=awarding_body.strip(),
                validity_months=validity_months,
                qualification_level=qualification_level,
                catalog_category=catalog_category.strip(),
                created_by_id=actor.user_id,
            )
    except IntegrityError:
        raise Conflict(
            "该标准正在被他人修订，请重试 / Someone else is revising this standard; retry"
        ) from None
    _audit(actor, "credit_bank.standard_publish", code, {"version": standard.version})
    return standard


@transaction.atomic
def retire_standard(*, actor: access.Actor, code: str) -> Standard:
    """Stop certifying against a standard; certified outcomes keep their version."""
    access.require_role(actor, access.OFFICER_ROLES)
    standard = (
        Standard.objects.select_for_update()
        .filter(code=code, status=Standard.Status.ACTIVE)
        .first()
    )
    if standard is None:
        raise NotFound("找不到有效的该标准 / No active standard with that code")
    standard.status = Standard.Status.RETIRED
    standard.save(update_fields=["status"])
    _audit(actor, "credit_bank.standard_retire", code, {"version": standard.version})
    return standard


@transaction.atomic
def set_certifier(
    *, actor: access.Actor, standard_code: str, organisation_id: int, active: bool = True
) -> Certifier:
    """Allow (or stop allowing) an organisation to certify outcomes against a standard."""
    access.require_role(actor, access.OFFICER_ROLES)
    if not Standard.objects.filter(code=standard_code).exists():
        raise NotFound("找不到该标准 / No such standard")
    if identity.organisation_by_id(organisation_id) is None:
        raise Invalid(
            "找不到该组织 / No such organisation", fields={"organisation_id": "不存在 / unknown"}
        )
    grant, _ = Certifier.objects.update_or_create(
        standard_code=standard_code,
        organisation_id=organisation_id,
        defaults={"active": active, "granted_by_id": actor.user_id},
    )
    _audit(
        actor,
        "credit_bank.certifier_set",
        standard_code,
        {"organisation_id": organisation_id, "active": active},
    )
    return grant
