"""Inspections, penalty cases, their transfer to market regulation, the public credit lists,
and the daily reconciliation of escrow accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.training_market import access
from lifelong.training_market.models import CreditListEntry, Inspection, PenaltyCase
from lifelong.training_market.money import yuan_str
from lifelong.training_market.services import enforcement, reconciliation

router = Router()
bearer = identity.BearerAuth()


class PlanIn(Schema):
    district_code: str = Field(max_length=12)
    title: str = Field(max_length=200)
    starts_on: dt.date
    ends_on: dt.date


class PlanOut(Schema):
    id: int
    district_code: str
    title: str
    starts_on: dt.date
    ends_on: dt.date


class FindingIn(Schema):
    code: str = Field(max_length=24)
    description: str = Field(max_length=2000)
    severity: str = Field("minor", max_length=8)


class InspectionIn(Schema):
    institution_id: int
    inspected_on: dt.date
    inspectors: str = Field(max_length=200)
    summary: str = Field(max_length=4000)
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)
    plan_id: int | None = None


class FindingOut(Schema):
    id: int
    code: str
    severity: str
    description: str


class InspectionOut(Schema):
    id: int
    institution_id: int
    district_code: str
    inspected_on: dt.date
    inspectors: str
    summary: str
    plan_id: int | None
    findings: list[FindingOut]


class InspectionPage(Schema):
    items: list[InspectionOut]
    count: int


class CaseIn(Schema):
    institution_id: int
    title: str = Field(max_length=200)
    finding_id: int | None = None


class CaseStepIn(Schema):
    to: str = Field(max_length=14)
    note: str = Field("", max_length=2000)
    decision: str = Field("", max_length=4000)
    fine_amount: str | None = Field(None, max_length=20)


class TransferIn(Schema):
    to: str = Field(max_length=12)
    note: str = Field("", max_length=2000)
    agency: str = Field("", max_length=200)


class CaseEventOut(Schema):
    kind: str
    value: str
    note: str
    at: dt.datetime


class CaseOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    district_code: str
    title: str
    status: str
    decision: str
    fine_amount: Decimal | None
    transfer_status: str
    transferred_to: str
    filed_at: dt.datetime
    events: list[CaseEventOut]


class CasePage(Schema):
    items: list[CaseOut]
    count: int


class CreditIn(Schema):
    institution_id: int
    list: str = Field(max_length=20)
    reason: str = Field(max_length=500)
    until: dt.date | None = None
    case_id: int | None = None


class CreditOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    list: str
    reason: str
    listed_on: dt.date
    until: dt.date | None


class CreditPage(Schema):
    items: list[CreditOut]
    count: int


class LineIn(Schema):
    reference: str = Field(max_length=100)
    amount: str = Field(max_length=32)


class StatementIn(Schema):
    statement_date: dt.date
    opening_balance: str = Field(max_length=32)
    closing_balance: str = Field(max_length=32)
    lines: list[LineIn] = Field(max_length=10_000)


class MismatchOut(Schema):
    kind: str
    reference: str
    ledger_amount: str | None
    bank_amount: str | None
    transaction_id: str | None


class StatementOut(Schema):
    id: int
    institution_id: int
    statement_date: dt.date
    reconciled: bool
    mismatches: list[MismatchOut]


def inspection_out(i: Inspection) -> dict:
    return {
        "id": i.pk,
        "institution_id": i.institution_id,
        "district_code": i.district_id,
        "inspected_on": i.inspected_on,
        "inspectors": i.inspectors,
        "summary": i.summary,
        "plan_id": i.plan_id,
        "findings": [
            {"id": f.pk, "code": f.code, "severity": f.severity, "description": f.description}
            for f in i.findings.all()
        ],
    }


def case_out(c: PenaltyCase) -> dict:
    return {
        "id": c.pk,
        "institution_id": c.institution_id,
        "institution_name": c.institution.name,
        "district_code": c.district_id,
        "title": c.title,
        "status": c.status,
        "decision": c.decision,
        "fine_amount": c.fine_amount,
        "transfer_status": c.transfer_status,
        "transferred_to": c.transferred_to,
        "filed_at": c.filed_at,
        "events": [
            {"kind": e.kind, "value": e.value, "note": e.note, "at": e.at}
            for e in c.events.order_by("at", "id")
        ],
    }


def credit_out(e: CreditListEntry) -> dict:
    return {
        "id": e.pk,
        "institution_id": e.institution_id,
        "institution_name": e.institution.name,
        "list": e.list,
        "reason": e.reason,
        "listed_on": e.listed_on,
        "until": e.until,
    }


@router.post("/inspection-plans", response={201: PlanOut}, auth=bearer)
def plan(request, payload: PlanIn):
    p = enforcement.create_plan(actor=request.auth, **payload.dict())
    return Status(
        201,
        {
            "id": p.pk,
            "district_code": p.district_id,
            "title": p.title,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
        },
    )


@router.post(
    "/inspections", response={201: InspectionOut}, auth=bearer, summary="Record an inspection"
)
def inspect(request, payload: InspectionIn):
    data = payload.dict()
    findings = [enforcement.FindingIn(**f) for f in data.pop("findings")]
    inspection = enforcement.record_inspection(actor=request.auth, findings=findings, **data)
    return Status(201, inspection_out(inspection))


class ListFilter(Schema):
    institution_id: int | None = None
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/inspections", response=InspectionPage, auth=bearer, summary="Inspections in your district"
)
def inspections(request, filters: Query[ListFilter]):
    access.require_role(request.auth, access.SUPERVISOR_ROLES)
    rows = Inspection.objects.filter(access.district_q(request.auth, access.SUPERVISOR_ROLES))
    if filters.institution_id is not None:
        rows = rows.filter(institution_id=filters.institution_id)
    items = list(
        rows.prefetch_related("findings").order_by("-inspected_on", "-id")[: filters.limit]
    )
    return {"items": [inspection_out(i) for i in items], "count": len(items)}


@router.post("/penalty-cases", response={201: CaseOut}, auth=bearer, summary="File a penalty case")
def file_case(request, payload: CaseIn):
    return Status(201, case_out(enforcement.file_case(actor=request.auth, **payload.dict())))


@router.get("/penalty-cases", response=CasePage, auth=bearer, summary="Cases in your district")
def cases(request, filters: Query[ListFilter]):
    access.require_role(request.auth, access.SUPERVISOR_ROLES)
    rows = PenaltyCase.objects.filter(access.cases_visible_to(request.auth)).select_related(
        "institution"
    )
    if filters.institution_id is not None:
        rows = rows.filter(institution_id=filters.institution_id)
    items = list(rows.order_by("-filed_at", "-id")[: filters.limit])
    return {"items": [case_out(c) for c in items], "count": len(items)}


@router.get("/penalty-cases/{case_id}", response=CaseOut, auth=bearer)
def case_detail(request, case_id: int):
    return case_out(access.access_case_by_id(request.auth, case_id))


@router.post(
    "/penalty-cases/{case_id}/steps",
    response=CaseOut,
    auth=bearer,
    summary="filed → investigated → decided → executed",
)
def step(request, case_id: int, payload: CaseStepIn):
    return case_out(enforcement.advance_case(actor=request.auth, case_id=case_id, **payload.dict()))


@router.post(
    "/penalty-cases/{case_id}/transfer",
    response=CaseOut,
    auth=bearer,
    summary="Transfer to market regulation and record its progress",
)
def transfer(request, case_id: int, payload: TransferIn):
    return case_out(
        enforcement.transfer_case(actor=request.auth, case_id=case_id, **payload.dict())
    )


@router.post("/credit-lists", response={201: CreditOut}, auth=bearer)
def add_to_list(request, payload: CreditIn):
    data = payload.dict()
    entry = enforcement.list_institution(actor=request.auth, list_kind=data.pop("list"), **data)
    return Status(201, credit_out(entry))


class CreditFilter(Schema):
    list: str | None = Field(None, max_length=20)
    limit: int = Field(100, ge=1, le=500)


@router.get(
    "/credit-lists",
    response=CreditPage,
    auth=None,
    summary="The joint-punishment and public credit lists (public)",
)
def credit_lists(request, filters: Query[CreditFilter]):
    from django.db.models import Q

    today = clock.today()
    rows = CreditListEntry.objects.filter(
        Q(until__isnull=True) | Q(until__gte=today), listed_on__lte=today
    ).select_related("institution")
    if filters.list:
        rows = rows.filter(list=filters.list)
    items = list(rows.order_by("-listed_on", "-id")[: filters.limit])
    return {"items": [credit_out(e) for e in items], "count": len(items)}


@router.post(
    "/institutions/{institution_id}/statements",
    response={201: StatementOut},
    auth=bearer,
    summary="Import a day's bank statement of the escrow account and reconcile it",
)
def statement(request, institution_id: int, payload: StatementIn):
    data = payload.dict()
    lines = [reconciliation.LineIn(**line) for line in data.pop("lines")]
    result = reconciliation.import_statement(
        actor=request.auth, institution_id=institution_id, lines=lines, **data
    )
    mismatches = list(result.mismatches.all())
    return Status(
        201,
        {
            "id": result.pk,
            "institution_id": result.institution_id,
            "statement_date": result.statement_date,
            "reconciled": not mismatches,
            "mismatches": [
                {
                    "kind": m.kind,
                    "reference": m.reference,
                    "ledger_amount": yuan_str(m.ledger_fen) if m.ledger_fen is not None else None,
                    "bank_amount": yuan_str(m.bank_fen) if m.bank_fen is not None else None,
                    "transaction_id": str(m.transaction_id) if m.transaction_id else None,
                }
                for m in mismatches
            ],
        },
    )
