"""My archive, staff views of archives and outcomes, deposits, certification and
corrections (under /api/v1)."""

from __future__ import annotations

from uuid import UUID

import orjson
from django.http import HttpResponse
from ninja import Query, Router, Status

from lifelong.credit_bank import access, selectors
from lifelong.credit_bank.schemas import (
    ArchiveOut,
    CertifyIn,
    ChainCheckOut,
    CorrectIn,
    DepositIn,
    OutcomeFilter,
    OutcomePage,
    ReasonIn,
    StaffOutcomeOut,
)
from lifelong.credit_bank.services import outcomes
from lifelong.identity import api as identity
from lifelong.shared.api import record_audit

router = Router(tags=["credit_bank"])
bearer = identity.BearerAuth()


def _str(value) -> str | None:
    return None if value is None else str(value)


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def outcome_json(o: dict) -> dict:
    """One outcome in the `OutcomeOut` shape, JSON-ready (decimals as strings)."""
    return {
        "id": str(o["id"]),
        "title": o["title"],
        "type": o["type"],
        "type_label": o["type_label"],
        "source_kind": o["source_kind"],
        "source_label": o["source_label"],
        "source_organisation": o["source_organisation"],
        "external_id": o["external_id"],
        "standard": o["standard"],
        "credits": _str(o["credits"]),
        "score": _str(o["score"]),
        "hours": _str(o["hours"]),
        "achieved_on": o["achieved_on"].isoformat(),
        "evidence": o["evidence"],
        "status": o["status"],
        "status_label": o["status_label"],
        "status_reason": o["status_reason"],
        "certified_by": o["certified_by"],
        "certified_at": _iso(o["certified_at"]),
        "credential_id": _str(o["credential_id"]),
    }


def archive_out(view: selectors.ArchiveView) -> dict:
    totals = view.totals
    return {
        "archive_id": view.archive_id,
        "person_id": view.person_id,
        "balance": str(view.balance),
        "chain": {"seq": view.head_seq, "hash": view.head_hash},
        "totals": {
            "credits": str(totals.credits),
            "outcomes": totals.outcomes,
            "certified": totals.certified,
            "by_type": [{**t, "credits": str(t["credits"])} for t in totals.by_type],
            "by_year": [{**y, "credits": str(y["credits"])} for y in totals.by_year],
        },
        "outcomes": [outcome_json(o) for o in view.outcomes],
    }


def archive_response(view: selectors.ArchiveView) -> HttpResponse:
    """The archive rendered straight to JSON: a learner may hold thousands of outcomes, and
    this shape is fixed by `ArchiveOut` (which the OpenAPI document still shows)."""
    return HttpResponse(orjson.dumps(archive_out(view)), content_type="application/json")


def _outcome_dict(actor, outcome_id) -> dict:
    outcome = access.access_outcome_by_id(actor, outcome_id)
    row = selectors._outcome_rows(type(outcome).objects.filter(pk=outcome.pk))[0]
    row["archive_id"] = outcome.archive_id
    return row


# ---- archives --------------------------------------------------------------------------------


@router.get(
    "/me/archive",
    response=ArchiveOut,
    auth=bearer,
    summary="My learning archive: every outcome and the totals per type and year "
    "(a verified account is required)",
)
def my_archive(request):
    view = selectors.my_archive(request.auth)
    if view.dormant:
        outcomes.claim_archive(view.person_id)
    return archive_response(view)


@router.get(
    "/credit-bank/archives/{archive_id}",
    response=ArchiveOut,
    auth=bearer,
    summary="A learning archive in your scope (an organisation sees only what it deposited)",
)
def staff_archive(request, archive_id: UUID):
    view = selectors.staff_archive(request.auth, archive_id)
    record_audit(
        action="credit_bank.archive_view",
        actor_id=request.auth.user_id,
        actor_label=request.auth.label,
        role=request.auth.primary_role,
        object_type="credit_bank.archive",
        object_id=str(archive_id),
    )
    return archive_response(view)


@router.get(
    "/credit-bank/archives/{archive_id}/chain",
    response=ChainCheckOut,
    auth=bearer,
    summary="Recompute an archive's hash chain and say whether it is intact",
)
def archive_chain(request, archive_id: UUID):
    access.require_role(request.auth, access.OFFICER_ROLES)
    archive = access.access_archive_by_id(request.auth, archive_id)
    return selectors.verify_archive_chain(archive).__dict__


# ---- outcomes --------------------------------------------------------------------------------


@router.get(
    "/credit-bank/outcomes",
    response=OutcomePage,
    auth=bearer,
    summary="Outcomes in your scope, or deposited or certified by your organisation",
)
def list_outcomes(request, filters: Query[OutcomeFilter]):
    page = selectors.list_outcomes(request.auth, **filters.dict())
    return {"items": page.items, "count": page.count}


@router.post(
    "/credit-bank/outcomes",
    response={200: StaffOutcomeOut, 201: StaffOutcomeOut},
    auth=bearer,
    summary="Deposit one outcome for a person, certified by your organisation (idempotent on "
    "external_id: 200 with the existing outcome)",
)
def deposit(request, payload: DepositIn):
    outcome, created = outcomes.deposit_outcome(actor=request.auth, **payload.dict())
    return Status(201 if created else 200, _outcome_dict(request.auth, outcome.pk))


@router.get(
    "/credit-bank/outcomes/{outcome_id}",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="One outcome (yours, or in your scope)",
)
def outcome_detail(request, outcome_id: UUID):
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/certify",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Certify a pending outcome against a standard (credit-bank officers)",
)
def certify(request, outcome_id: UUID, payload: CertifyIn):
    outcomes.certify_pending_outcome(
        actor=request.auth, outcome_id=outcome_id, standard_code=payload.standard_code
    )
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/reject",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Refuse to certify a pending outcome, with the reason (credit-bank officers)",
)
def reject(request, outcome_id: UUID, payload: ReasonIn):
    outcomes.reject_outcome(actor=request.auth, outcome_id=outcome_id, reason=payload.reason)
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/revoke",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Revoke a certified outcome: a reversing posting with the reason",
)
def revoke(request, outcome_id: UUID, payload: ReasonIn):
    outcomes.revoke_outcome(actor=request.auth, outcome_id=outcome_id, reason=payload.reason)
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/corrections",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Correct a certified outcome's credits: a reversal and a new posting, with the reason",
)
def correct(request, outcome_id: UUID, payload: CorrectIn):
    outcomes.correct_outcome_credits(
        actor=request.auth, outcome_id=outcome_id, credits=payload.credits, reason=payload.reason
    )
    return _outcome_dict(request.auth, outcome_id)
