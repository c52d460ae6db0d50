"""HTTP endpoints under /api/v1 for acting for someone else, consent, "download my data",
deletion requests, and watching and downloading background jobs."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from django.http import FileResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.identity import privacy
from lifelong.identity.auth import BearerAuth
from lifelong.shared.jobs import has_result, job_for_owner, job_percent, open_job_result
from lifelong.shared.models import Job

router = Router(tags=["privacy"])
bearer = BearerAuth()


# ---- schemas ---------------------------------------------------------------------------------


class JobOut(Schema):
    id: UUID
    kind: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    result_url: str | None


class PartyOut(Schema):
    id: UUID
    name: str


class ProxyOut(Schema):
    id: int
    kind: str
    principal: PartyOut
    agent: PartyOut
    consent_evidence: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str


class MyProxiesOut(Schema):
    as_principal: list[ProxyOut]
    as_agent: list[ProxyOut]


class ProxyIn(Schema):
    kind: str = Field(max_length=32)
    agent_id_number: str = Field(max_length=32)
    agent_name: str = Field(max_length=100)
    consent_evidence: str = Field(max_length=1000)
    principal_person_id: UUID | None = None
    valid_until: dt.datetime | None = None


class PrincipalProfileOut(Schema):
    id: UUID
    name: str
    id_number_masked: str
    phone_masked: str
    gender: str
    district_code: str | None
    verification_level: str
    proxy: ProxyOut


class ConsentStateOut(Schema):
    purpose: str
    label: str
    granted: bool
    granted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


class ConsentHistoryOut(Schema):
    id: int
    purpose: str
    granted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    through_proxy: bool


class ConsentOverviewOut(Schema):
    items: list[ConsentStateOut]
    history: list[ConsentHistoryOut]


class ConsentIn(Schema):
    purpose: str = Field(max_length=40)
    granted: bool
    person_id: UUID | None = None


class ForPersonIn(Schema):
    person_id: UUID | None = None


class ForPersonFilter(Schema):
    person_id: UUID | None = None


class DeletionRequestIn(Schema):
    person_id: UUID | None = None
    reason: str = Field("", max_length=500)


class RetainedOut(Schema):
    rule: str
    data: list[str]
    reason: str


class DeletionRequestOut(Schema):
    id: int
    person_id: UUID
    person_name: str
    status: str
    reason: str
    through_proxy: bool
    requested_at: dt.datetime
    processed_at: dt.datetime | None
    erased: list[str]
    retained: list[RetainedOut]


class DeletionRequestList(Schema):
    items: list[DeletionRequestOut]


class DeletionFilter(Schema):
    status: Literal["pending", "completed"] | None = None


# ---- shaping ---------------------------------------------------------------------------------


def job_out(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": job_percent(job),
        "message": job.message,
        "result_url": reverse("api:job_result", args=[job.pk]) if has_result(job) else None,
    }


def proxy_out(p) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "principal": {"id": p.principal.pk, "name": p.principal.name},
        "agent": {"id": p.agent.pk, "name": p.agent.name},
        "consent_evidence": p.consent_evidence,
        "valid_from": p.valid_from,
        "valid_until": p.valid_until,
        "revoked_at": p.revoked_at,
        "status": privacy.proxy_status(p),
    }


def deletion_out(r) -> dict:
    return {
        "id": r.pk,
        "person_id": r.person_id,
        "person_name": r.person.name,
        "status": r.status,
        "reason": r.reason,
        "through_proxy": r.proxy_id is not None,
        "requested_at": r.requested_at,
        "processed_at": r.processed_at,
        "erased": r.erased,
        "retained": r.retained,
    }


# ---- jobs ------------------------------------------------------------------------------------


@router.get("/jobs/{job_id}", response=JobOut, auth=bearer, summary="A job you started")
def job_detail(request, job_id: UUID):
    return job_out(job_for_owner(job_id, str(request.auth.user_id)))


@router.get(
    "/jobs/{job_id}/result",
    auth=bearer,
    url_name="job_result",
    summary="Download a finished job's result (its owner only; 409 until it has finished)",
)
def job_result(request, job_id: UUID):
    result = open_job_result(job_id, str(request.auth.user_id))
    return FileResponse(
        result.file, as_attachment=True, filename=result.name, content_type=result.content_type
    )


# ---- proxies ---------------------------------------------------------------------------------


@router.get(
    "/me/proxies",
    response=MyProxiesOut,
    auth=bearer,
    summary="Proxy relations: who may act for you, and for whom you may act",
)
def my_proxies(request):
    mine = privacy.list_my_proxies(request.auth)
    return {
        "as_principal": [proxy_out(p) for p in mine.as_principal],
        "as_agent": [proxy_out(p) for p in mine.as_agent],
    }


@router.post(
    "/me/proxies",
    response={201: ProxyOut},
    auth=bearer,
    summary="Grant someone the right to act for you (or, as staff, record it for a senior or "
    "a minor without an account)",
)
def grant_proxy(request, payload: ProxyIn):
    proxy = privacy.grant_proxy(actor=request.auth, **payload.dict())
    return Status(201, proxy_out(proxy))


@router.post(
    "/proxies/{proxy_id}/revoke",
    response=ProxyOut,
    auth=bearer,
    summary="End a proxy relation (its principal, its agent, or staff in scope)",
)
def revoke_proxy(request, proxy_id: int):
    return proxy_out(privacy.revoke_proxy(actor=request.auth, proxy_id=proxy_id))


@router.get(
    "/people/{person_id}/as-agent",
    response=PrincipalProfileOut,
    auth=bearer,
    summary="Your principal's masked profile, while your proxy relation is valid",
)
def principal_profile(request, person_id: UUID):
    seen = privacy.view_principal_profile(actor=request.auth, person_id=person_id)
    p = seen.person
    return {
        "id": p.pk,
        "name": p.name,
        "id_number_masked": p.id_number_masked,
        "phone_masked": p.phone_masked,
        "gender": p.gender,
        "district_code": p.district_id,
        "verification_level": p.verification_level,
        "proxy": proxy_out(seen.proxy),
    }


# ---- consent ---------------------------------------------------------------------------------


@router.get(
    "/me/consents",
    response=ConsentOverviewOut,
    auth=bearer,
    summary="Your consent per purpose and its full history (or a principal's)",
)
def my_consents(request, filters: Query[ForPersonFilter]):
    overview = privacy.consent_overview(actor=request.auth, person_id=filters.person_id)
    return {
        "items": [s.__dict__ for s in overview.items],
        "history": [
            {
                "id": r.pk,
                "purpose": r.purpose,
                "granted_at": r.granted_at,
                "withdrawn_at": r.withdrawn_at,
                "through_proxy": r.proxy_id is not None,
            }
            for r in overview.history
        ],
    }


@router.post(
    "/me/consents",
    response={200: ConsentStateOut, 201: ConsentStateOut},
    auth=bearer,
    summary="Grant or withdraw consent to a purpose (201 when recorded, 200 when unchanged)",
)
def record_consent(request, payload: ConsentIn):
    state, changed = privacy.record_consent(actor=request.auth, **payload.dict())
    return Status(201 if changed else 200, state.__dict__)


# ---- "download my data" ----------------------------------------------------------------------


@router.post(
    "/me/data-export",
    response={202: JobOut},
    auth=bearer,
    summary="Start building a ZIP of your data (verified accounts; a minor's by the guardian)",
)
def data_export(request, payload: ForPersonIn):
    job = privacy.request_data_export(actor=request.auth, person_id=payload.person_id)
    return Status(202, job_out(job))


# ---- deletion --------------------------------------------------------------------------------


@router.post(
    "/me/deletion-request",
    response={201: DeletionRequestOut},
    auth=bearer,
    summary="Ask for your data to be erased (PIPL art. 47)",
)
def deletion_request(request, payload: DeletionRequestIn):
    made = privacy.request_deletion(actor=request.auth, **payload.dict())
    return Status(201, deletion_out(made))


@router.get(
    "/deletion-requests",
    response=DeletionRequestList,
    auth=bearer,
    summary="Deletion requests in your scope (commission officers)",
)
def deletion_requests(request, filters: Query[DeletionFilter]):
    rows = privacy.list_deletion_requests(actor=request.auth, status=filters.status)
    return {"items": [deletion_out(r) for r in rows]}


@router.post(
    "/deletion-requests/{request_id}/process",
    response=DeletionRequestOut,
    auth=bearer,
    summary="Erase the person's data except what the law requires be kept",
)
def process_deletion(request, request_id: int):
    done = privacy.process_deletion_request(actor=request.auth, request_id=request_id)
    return deletion_out(done)
