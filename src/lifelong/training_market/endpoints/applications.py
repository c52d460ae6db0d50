"""One-stop applications (一网通办): submit, upload documents, review and decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.training_market.models import Application
from lifelong.training_market.services import applications

router = Router()
bearer = identity.BearerAuth()


class ApplicationIn(Schema):
    kind: str = Field(max_length=14)
    district_code: str = Field("", max_length=12)
    name: str = Field("", max_length=200)
    uscc: str = Field("", max_length=18)
    institution_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class DocumentOut(Schema):
    id: int
    kind: str
    original_name: str
    size: int


class ApplicationEventOut(Schema):
    status: str
    note: str
    at: dt.datetime


class ApplicationOut(Schema):
    id: int
    kind: str
    name: str
    district_code: str
    status: str
    due_on: dt.date
    overdue: bool
    institution_id: int | None
    decision_note: str
    documents: list[DocumentOut]
    events: list[ApplicationEventOut]


class ApplicationActionIn(Schema):
    action: str = Field(max_length=14)
    note: str = Field("", max_length=2000)


def application_out(a: Application) -> dict:
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "district_code": a.district_id,
        "status": a.status,
        "due_on": a.due_on,
        "overdue": a.status in ("submitted", "under_review") and clock.today() > a.due_on,
        "institution_id": a.institution_id,
        "decision_note": a.decision_note,
        "documents": [
            {"id": d.pk, "kind": d.kind, "original_name": d.original_name, "size": d.size}
            for d in a.documents.all()
        ],
        "events": [
            {"status": e.status, "note": e.note, "at": e.at} for e in a.events.order_by("at", "id")
        ],
    }


@router.post("/applications", response={201: ApplicationOut}, auth=bearer, summary="Apply online")
def submit(request, payload: ApplicationIn):
    a = applications.submit_application(actor=request.auth, **payload.dict())
    return Status(201, application_out(a))


@router.get("/applications/{application_id}", response=ApplicationOut, auth=bearer)
def detail(request, application_id: int):
    return application_out(applications.access_application_by_id(request.auth, application_id))


@router.post(
    "/applications/{application_id}/documents",
    response={201: DocumentOut},
    auth=bearer,
    summary="Upload a document (PDF, JPG or PNG)",
)
def upload(
    request,
    application_id: int,
    kind: Form[str],
    file: File[UploadedFile],
):
    d = applications.attach_document(
        actor=request.auth, application_id=application_id, kind=kind, upload=file
    )
    return Status(
        201, {"id": d.pk, "kind": d.kind, "original_name": d.original_name, "size": d.size}
    )


@router.post(
    "/applications/{application_id}/actions",
    response=ApplicationOut,
    auth=bearer,
    summary="review, request_more, resubmit, approve or reject",
)
def act(request, application_id: int, payload: ApplicationActionIn):
    a = applications.decide_application(
        actor=request.auth, application_id=application_id, **payload.dict()
    )
    return application_out(a)
