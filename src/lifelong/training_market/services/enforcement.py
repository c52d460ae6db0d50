"""Inspections and enforcement: inspection plans and records with findings; penalty cases
(filed → investigated → decided → executed) and their transfer to market regulation; the
joint-punishment and public credit lists. District regulators act in their district, the city
regulator everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.api import get_region
from lifelong.shared.errors import Conflict, Invalid, NotFound
from lifelong.training_market import access
from lifelong.training_market.common import audit, choice, text
from lifelong.training_market.models import (
    CaseEvent,
    CreditList,
    CreditListEntry,
    Finding,
    FindingCode,
    Inspection,
    InspectionPlan,
    PenaltyCase,
)

CASE_FLOW = {"filed": "investigated", "investigated": "decided", "decided": "executed"}
TRANSFER_FLOW = {"none": "transferred", "transferred": "accepted", "accepted": "concluded"}
MAX_FINE = Decimal("100000000")


def _district_for(actor: identity.Actor, code: str) -> str:
    region = get_region(code or "")
    if region is None or region.level != "district":
        raise Invalid("区代码无效 / Unknown district", fields={"district_code": "未知 / unknown"})
    for grant in actor.grants_for(access.ENFORCER_ROLES):
        if grant.city_wide or (grant.region_prefix and code.startswith(grant.region_prefix)):
            return region.code
    raise Invalid(
        "该区不在您的管辖范围内 / That district is outside your scope",
        fields={"district_code": "超出管辖范围 / outside your scope"},
    )


@transaction.atomic
def create_plan(
    *, actor: identity.Actor, district_code: str, title: str, starts_on: dt.date, ends_on: dt.date
) -> InspectionPlan:
    access.require_role(actor, access.ENFORCER_ROLES)
    district = _district_for(actor, district_code)
    if ends_on < starts_on:
        raise Invalid("结束日期早于开始日期 / Ends before it starts", fields={"ends_on": "无效"})
    plan = InspectionPlan.objects.create(
        district_id=district,
        title=text(title, "title", max_length=200),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=access.signed_in(actor),
    )
    audit(actor, "inspection_plan.create", "inspection_plan", plan.pk)
    return plan


@dataclass(frozen=True)
class FindingIn:
    code: str
    description: str
    severity: str = "minor"


@transaction.atomic
def record_inspection(
    *,
    actor: identity.Actor,
    institution_id: int,
    inspected_on: dt.date,
    inspectors: str,
    summary: str,
    findings: list[FindingIn],
    plan_id: int | None = None,
) -> Inspection:
    """Record an inspection of an institution in the actor's district, with its findings."""
    access.require_role(actor, access.ENFORCER_ROLES)
    institution = access.access_institution_by_id(actor, institution_id, access.ENFORCER_ROLES)
    plan = None
    if plan_id is not None:
        plan = InspectionPlan.objects.filter(
            access.district_q(actor, access.ENFORCER_ROLES), pk=plan_id
        ).first()
        if plan is None or plan.district_id != institution.district_id:
            raise Invalid(
                "检查计划无效 / No such plan for that district", fields={"plan_id": "无效"}
            )
    if inspected_on > clock.today():
        raise Invalid(
            "检查日期不能是将来 / The date is in the future", fields={"inspected_on": "无效"}
        )
    inspection = Inspection.objects.create(
        plan=plan,
        institution=institution,
        district_id=institution.district_id,
        inspected_on=inspected_on,
        inspectors=text(inspectors, "inspectors", max_length=200),
        summary=text(summary, "summary", max_length=4000),
        created_by_id=access.signed_in(actor),
    )
    Finding.objects.bulk_create(
        [
            Finding(
                inspection=inspection,
                code=choice(f.code, f"findings.{i}.code", FindingCode.values),
                severity=choice(f.severity, f"findings.{i}.severity", ["minor", "serious"]),
                description=text(f.description, f"findings.{i}.description", max_length=2000),
            )
            for i, f in enumerate(findings)
        ]
    )
    audit(actor, "inspection.record", "institution", institution.pk, inspection_id=inspection.pk)
    return inspection


@transaction.atomic
def file_case(
    *, actor: identity.Actor, institution_id: int, title: str, finding_id: int | None = None
) -> PenaltyCase:
    access.require_role(actor, access.ENFORCER_ROLES)
    institution = access.access_institution_by_id(actor, institution_id, access.ENFORCER_ROLES)
    finding = None
    if finding_id is not None:
        finding = Finding.objects.filter(pk=finding_id, inspection__institution=institution).first()
        if finding is None:
            raise Invalid(
                "检查发现无效 / No such finding at that institution", fields={"finding_id": "无效"}
            )
    now = clock.now()
    case = PenaltyCase.objects.create(
        institution=institution,
        district_id=institution.district_id,
        finding=finding,
        title=text(title, "title", max_length=200),
        filed_by_id=access.signed_in(actor),
        filed_at=now,
    )
    CaseEvent.objects.create(
        case=case, kind="status", value="filed", by_id=access.signed_in(actor), at=now
    )
    audit(actor, "case.file", "penalty_case", case.pk, institution_id=institution.pk)
    return case


def _fine(raw: str | None) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal(-1)
    if (
        not value.is_finite()
        or value < 0
        or value > MAX_FINE
        or value != value.quantize(Decimal("0.01"))
    ):
        raise Invalid("罚款金额无效 / Invalid fine", fields={"fine_amount": "无效 / invalid"})
    return value


@transaction.atomic
def advance_case(
    *,
    actor: identity.Actor,
    case_id: int,
    to: str,
    note: str = "",
    decision: str = "",
    fine_amount: str | None = None,
) -> PenaltyCase:
    """Move a case one step on; the decision (and any fine) is recorded when it is decided,
    and a decided case is published on the public credit list."""
    access.require_role(actor, access.ENFORCER_ROLES)
    case = access.access_case_by_id(actor, case_id)
    case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
    if CASE_FLOW.get(case.status) != to:
        raise Conflict(
            f"案件状态为{case.get_status_display()}，下一步只能是 {CASE_FLOW.get(case.status, '无')} / "
            f"From {case.status} the next step is {CASE_FLOW.get(case.status, 'none')}",
            fields={"to": to},
        )
    now = clock.now()
    fields = ["status"]
    if to == "decided":
        case.decision = text(decision, "decision", max_length=4000)
        case.fine_amount = _fine(fine_amount)
        case.decided_at = now
        fields += ["decision", "fine_amount", "decided_at"]
        CreditListEntry.objects.create(
            institution=case.institution,
            list="public_credit",
            reason=case.decision[:500],
            case=case,
            listed_on=clock.today(),
            created_by_id=access.signed_in(actor),
        )
    case.status = to
    case.save(update_fields=fields)
    CaseEvent.objects.create(
        case=case,
        kind="status",
        value=to,
        note=text(note, "note", max_length=2000, required=False),
        by_id=access.signed_in(actor),
        at=now,
    )
    audit(actor, f"case.{to}", "penalty_case", case.pk)
    return case


@transaction.atomic
def transfer_case(
    *, actor: identity.Actor, case_id: int, to: str, note: str = "", agency: str = ""
) -> PenaltyCase:
    """Transfer a case to market regulation and record how that agency takes it on."""
    access.require_role(actor, access.ENFORCER_ROLES)
    case = access.access_case_by_id(actor, case_id)
    case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
    if TRANSFER_FLOW.get(case.transfer_status) != to:
        raise Conflict(
            "移送状态不允许该操作 / The transfer cannot move that way", fields={"to": to}
        )
    case.transfer_status = to
    fields = ["transfer_status"]
    if to == "transferred":
        case.transferred_to = text(agency, "agency", max_length=200, required=False) or (
            "上海市市场监督管理局"
        )
        fields.append("transferred_to")
    case.save(update_fields=fields)
    CaseEvent.objects.create(
        case=case,
        kind="transfer",
        value=to,
        note=text(note, "note", max_length=2000, required=False),
        by_id=access.signed_in(actor),
        at=clock.now(),
    )
    audit(actor, f"case.transfer_{to}", "penalty_case", case.pk)
    return case


@transaction.atomic
def list_institution(
    *,
    actor: identity.Actor,
    institution_id: int,
    list_kind: str,
    reason: str,
    until: dt.date | None = None,
    case_id: int | None = None,
) -> CreditListEntry:
    """Put an institution on the joint-punishment or public credit list."""
    access.require_role(actor, access.ENFORCER_ROLES)
    institution = access.access_institution_by_id(actor, institution_id, access.ENFORCER_ROLES)
    kind = choice(list_kind, "list", CreditList.values)
    case = None
    if case_id is not None:
        case = PenaltyCase.objects.filter(pk=case_id, institution=institution).first()
        if case is None:
            raise NotFound("找不到该案件 / No such case")
    today = clock.today()
    if until is not None and until <= today:
        raise Invalid("截止日期须在将来 / `until` must be in the future", fields={"until": "无效"})
    entry = CreditListEntry.objects.create(
        institution=institution,
        list=kind,
        reason=text(reason, "reason", max_length=500),
        case=case,
        listed_on=today,
        until=until,
        created_by_id=access.signed_in(actor),
    )
    audit(actor, "credit_list.add", "institution", institution.pk, list=kind)
    return entry
