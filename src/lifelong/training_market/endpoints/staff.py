"""Staff records and pre-employment vetting (入职查询)."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.identity import api as identity
from lifelong.training_market.models import StaffMember
from lifelong.training_market.services import staff

router = Router()
bearer = identity.BearerAuth()


class StaffIn(Schema):
    name: str = Field(max_length=100)
    id_number: str = Field(max_length=32)
    position: str = Field(max_length=100)


class CheckOut(Schema):
    id: int
    kind: str
    result: str
    effective_result: str
    checked_at: dt.datetime
    appeal_status: str | None


class StaffOut(Schema):
    id: int
    institution_id: int
    name: str
    id_number_masked: str
    position: str
    status: str
    consent_recorded: bool
    hired_on: dt.date | None
    checks: list[CheckOut]


class StaffList(Schema):
    items: list[StaffOut]
    count: int


class VettingConsentIn(Schema):
    evidence: str = Field(max_length=500)


class EndIn(Schema):
    status: str = Field(max_length=10)


class AppealIn(Schema):
    reason: str = Field(max_length=2000)


class AppealOut(Schema):
    id: int
    check_id: int
    status: str
    decision_note: str


class DecisionIn(Schema):
    upheld: bool
    note: str = Field(max_length=2000)


class RestrictedIn(Schema):
    name: str = Field(max_length=100)
    id_number: str = Field(max_length=32)
    basis: str = Field(max_length=300)
    listed_on: dt.date


class RecheckIn(Schema):
    institution_id: int | None = None


def check_out(c) -> dict:
    appeal = getattr(c, "appeal", None)
    return {
        "id": c.pk,
        "kind": c.kind,
        "result": c.result,
        "effective_result": staff.effective_result(c),
        "checked_at": c.checked_at,
        "appeal_status": appeal.status if appeal else None,
    }


def staff_out(m: StaffMember) -> dict:
    checks = m.checks.select_related("appeal").order_by("-checked_at", "-id")
    return {
        "id": m.pk,
        "institution_id": m.institution_id,
        "name": m.name,
        "id_number_masked": m.id_number_masked,
        "position": m.position,
        "status": m.status,
        "consent_recorded": m.consent_at is not None,
        "hired_on": m.hired_on,
        "checks": [check_out(c) for c in checks],
    }


def appeal_out(a) -> dict:
    return {
        "id": a.pk,
        "check_id": a.check_record_id,
        "status": a.status,
        "decision_note": a.decision_note,
    }


@router.post(
    "/institutions/{institution_id}/staff",
    response={201: StaffOut},
    auth=bearer,
    summary="Record an applicant (the institution)",
)
def add(request, institution_id: int, payload: StaffIn):
    member = staff.add_staff(actor=request.auth, institution_id=institution_id, **payload.dict())
    return Status(201, staff_out(member))


@router.get("/institutions/{institution_id}/staff", response=StaffList, auth=bearer)
def staff_list(request, institution_id: int):
    from lifelong.training_market import access

    institution = access.access_institution_by_id(request.auth, institution_id)
    rows = StaffMember.objects.filter(institution=institution).order_by("name", "pk")
    return {"items": [staff_out(m) for m in rows], "count": rows.count()}


@router.post("/staff/{staff_id}/consent", response=StaffOut, auth=bearer)
def consent(request, staff_id: int, payload: VettingConsentIn):
    return staff_out(staff.record_consent(actor=request.auth, staff_id=staff_id, **payload.dict()))


@router.post(
    "/staff/{staff_id}/checks",
    response={201: CheckOut},
    auth=bearer,
    summary="Pre-employment check against the restricted list (applicants, with consent)",
)
def check(request, staff_id: int):
    return Status(201, check_out(staff.check_applicant(actor=request.auth, staff_id=staff_id)))


@router.post("/staff/{staff_id}/hire", response=StaffOut, auth=bearer)
def hire(request, staff_id: int):
    return staff_out(staff.hire(actor=request.auth, staff_id=staff_id))


@router.post("/staff/{staff_id}/end", response=StaffOut, auth=bearer)
def end(request, staff_id: int, payload: EndIn):
    return staff_out(staff.end_employment(actor=request.auth, staff_id=staff_id, **payload.dict()))


@router.post(
    "/staff-rechecks",
    response={201: list[CheckOut]},
    auth=bearer,
    summary="Periodic re-check of current staff in your scope",
)
def recheck(request, filters: Query[RecheckIn]):
    checks = staff.recheck_staff(actor=request.auth, **filters.dict())
    return Status(201, [check_out(c) for c in checks])


@router.post("/vetting-checks/{check_id}/appeals", response={201: AppealOut}, auth=bearer)
def appeal(request, check_id: int, payload: AppealIn):
    return Status(
        201, appeal_out(staff.appeal_check(actor=request.auth, check_id=check_id, **payload.dict()))
    )


@router.post("/vetting-appeals/{appeal_id}/decision", response=AppealOut, auth=bearer)
def decide(request, appeal_id: int, payload: DecisionIn):
    return appeal_out(
        staff.decide_appeal(actor=request.auth, appeal_id=appeal_id, **payload.dict())
    )


@router.post(
    "/restricted-list",
    response={201: dict[str, int]},
    auth=bearer,
    summary="Add a person barred from working with minors (city regulator)",
)
def restricted(request, payload: RestrictedIn):
    entry = staff.add_restricted_person(actor=request.auth, **payload.dict())
    return Status(201, {"id": entry.pk})
