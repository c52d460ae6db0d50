"""Complaints about institutions: filing, the lists, progress, handling."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.identity import api as identity
from lifelong.training_market.selectors import complaints as reads
from lifelong.training_market.services import complaints

router = Router()
bearer = identity.BearerAuth()


class ComplaintIn(Schema):
    institution_id: int
    category: str = Field(max_length=24)
    description: str = Field(max_length=2000)
    contact_phone: str = Field("", max_length=20)


class ComplaintEventOut(Schema):
    status: str
    note: str
    at: dt.datetime


class ComplaintOut(Schema):
    id: int
    institution_id: int
    institution_name: str
    district_code: str
    category: str
    description: str
    status: str
    submitted_at: dt.datetime
    accept_due: dt.date
    resolve_due: dt.date | None
    overdue: bool
    outcome: str
    contact_phone_masked: str
    events: list[ComplaintEventOut]


class ComplaintPage(Schema):
    items: list[ComplaintOut]
    count: int
    page: int
    page_size: int


class ComplaintActionIn(Schema):
    action: str = Field(max_length=12)
    note: str = Field("", max_length=2000)


def complaint_out(c, events=None) -> dict:
    return {
        "id": c.pk,
        "institution_id": c.institution_id,
        "institution_name": c.institution.name,
        "district_code": c.district_id,
        "category": c.category,
        "description": c.description,
        "status": c.status,
        "submitted_at": c.submitted_at,
        "accept_due": c.accept_due,
        "resolve_due": c.resolve_due,
        "overdue": complaints.overdue(c),
        "outcome": c.outcome,
        "contact_phone_masked": c.contact_phone_masked,
        "events": [{"status": e.status, "note": e.note, "at": e.at} for e in (events or [])],
    }


@router.post("/complaints", response={201: ComplaintOut}, auth=bearer, summary="File a complaint")
def file(request, payload: ComplaintIn):
    c = complaints.file_complaint(actor=request.auth, **payload.dict())
    return Status(201, complaint_out(c, list(c.events.all())))


class ComplaintFilter(Schema):
    status: str | None = Field(None, max_length=16)
    mine: bool = False
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


@router.get(
    "/complaints",
    response=ComplaintPage,
    auth=bearer,
    summary="Your complaints; your district's as a regulator",
)
def complaint_list(request, filters: Query[ComplaintFilter]):
    page = reads.list_complaints(actor=request.auth, **filters.dict())
    return {
        "items": [complaint_out(c) for c in page.items],
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
    }


@router.get("/complaints/{complaint_id}", response=ComplaintOut, auth=bearer)
def complaint_detail(request, complaint_id: int):
    c, events = reads.complaint_with_events(actor=request.auth, complaint_id=complaint_id)
    return complaint_out(c, events)


@router.post(
    "/complaints/{complaint_id}/actions",
    response=ComplaintOut,
    auth=bearer,
    summary="Accept, reject, investigate or resolve (the district's regulators)",
)
def act(request, complaint_id: int, payload: ComplaintActionIn):
    c = complaints.handle_complaint(actor=request.auth, complaint_id=complaint_id, **payload.dict())
    return complaint_out(c, list(c.events.order_by("at", "id")))
