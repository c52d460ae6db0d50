"""HTTP endpoints of the verifiable credentials under /api/v1/credentials. Reading a credential
or a status list and verifying a credential need no token."""

from __future__ import annotations

import json
from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.credit_bank.credentials import (
    documents,
    exchange,
    selectors,
    services,
    signing,
    verification,
)
from lifelong.credit_bank.credentials.schemas import (
    CredentialPage,
    ImportIn,
    IssuerPage,
    PartnerImportOut,
    PartnerImportPage,
    PartnerIn,
    PartnerOut,
    PartnerPage,
    RecognitionIn,
    RecognitionOut,
    RecognitionPage,
    RevokeIn,
    RevokeOut,
    TranscriptIn,
    TranscriptOut,
    VerifyIn,
    VerifyOut,
)
from lifelong.identity import api as identity

router = Router(tags=["credentials"])
bearer = identity.BearerAuth()
JSON_LD = "application/ld+json"


def _json_ld(document: dict | str) -> HttpResponse:
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    return HttpResponse(text, content_type=JSON_LD)


def _partner_out(p) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "province": p.province,
        "did": p.did,
        "verification_method": p.verification_method,
        "public_key_multibase": p.public_key_multibase,
    }


def _recognition_out(r) -> dict:
    ours = selectors.standard_brief(r.standard_code)
    return {
        "partner": r.partner.code,
        "partner_name": r.partner.name,
        "partner_standard_code": r.partner_standard_code,
        "partner_standard_name": r.partner_standard_name,
        "standard_code": r.standard_code,
        "standard_name": ours.name if ours else "",
        "standard_credits": ours.credits if ours else None,
        "note": r.note,
    }


def _import_out(i) -> dict:
    return {
        "id": i.pk,
        "partner": i.partner.code,
        "credential_id": i.credential_id,
        "achievement_code": i.achievement_code,
        "achievement_name": i.achievement_name,
        "credits": i.credits,
        "standard_code": i.recognition.standard_code if i.recognition_id else None,
        "recognised_credits": i.recognised_credits,
        "outcome_id": i.outcome_id,
        "verified_at": i.verified_at,
    }


@router.post(
    "/credentials/verify",
    response=VerifyOut,
    auth=None,
    summary="Verify a credential (VC-API style); a failing credential is verified: false",
)
def verify(request, payload: VerifyIn):
    result = verification.verify_credential(payload.verifiableCredential)
    return {
        "verified": result.verified,
        "errors": result.errors,
        "warnings": result.warnings,
        "checks": result.checks,
    }


@router.get(
    "/credentials/status/{int:list_id}",
    auth=None,
    summary="A signed BitstringStatusListCredential (revocation)",
)
def status_list(request, list_id: int):
    return _json_ld(selectors.status_list_credential(list_id))


@router.get(
    "/credentials/issuers",
    response=IssuerPage,
    auth=None,
    summary="Our issuing organisations' DIDs and keys",
)
def issuers(request):
    items = [
        {
            "organisation_id": k.organisation_id,
            "did": k.did,
            "verification_method": k.verification_method,
            "public_key_multibase": k.public_key_multibase,
        }
        for k in selectors.issuer_keys()
    ]
    return {"items": items, "count": len(items)}


@router.get(
    "/credentials/partners",
    response=PartnerPage,
    auth=None,
    summary="Trusted partner credit banks of the Yangtze River Delta exchange",
)
def partners(request):
    items = [_partner_out(p) for p in selectors.list_partners()]
    return {"items": items, "count": len(items)}


@router.post(
    "/credentials/partners",
    response={201: PartnerOut},
    auth=bearer,
    summary="Register or re-key a trusted partner credit bank",
)
def register_partner(request, payload: PartnerIn):
    partner = exchange.register_partner(actor=request.auth, **payload.dict())
    return Status(201, _partner_out(partner))


class RecognitionFilter(Schema):
    partner: str | None = Field(None, max_length=40)


@router.get(
    "/credentials/recognitions",
    response=RecognitionPage,
    auth=None,
    summary="The mutual recognition table (partner standard → ours)",
)
def recognitions(request, filters: Query[RecognitionFilter]):
    items = [_recognition_out(r) for r in selectors.list_recognitions(filters.partner)]
    return {"items": items, "count": len(items)}


@router.post(
    "/credentials/recognitions",
    response={201: RecognitionOut},
    auth=bearer,
    summary="Add or change a row of the mutual recognition table",
)
def set_recognition(request, payload: RecognitionIn):
    data = payload.dict()
    rule = exchange.set_recognition(actor=request.auth, partner_code=data.pop("partner"), **data)
    return Status(201, _recognition_out(rule))


@router.post(
    "/credentials/import",
    response={200: PartnerImportOut, 201: PartnerImportOut},
    auth=bearer,
    summary="Import a partner-signed credential for a learner (verified, with provenance)",
)
def import_credential(request, payload: ImportIn):
    imported, created = exchange.import_partner_credential(
        actor=request.auth, person_id=payload.person_id, document=payload.verifiableCredential
    )
    return Status(201 if created else 200, _import_out(imported))


class ImportFilter(Schema):
    person_id: UUID | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


@router.get(
    "/credentials/imports",
    response=PartnerImportPage,
    auth=bearer,
    summary="Credentials imported from partner credit banks",
)
def imports(request, filters: Query[ImportFilter]):
    items, count = selectors.list_imports(actor=request.auth, **filters.dict())
    return {"items": [_import_out(i) for i in items], "count": count}


@router.get(
    "/credentials/mine",
    response=CredentialPage,
    auth=bearer,
    summary="The signed-in learner's credentials",
)
def mine(request):
    items = selectors.my_credentials(actor=request.auth)
    return {"items": [i.__dict__ for i in items], "count": len(items)}


@router.post(
    "/credentials/transcript",
    response={201: TranscriptOut},
    auth=bearer,
    summary="Export a signed CLR 2.0 transcript of your certified outcomes",
)
def transcript(request, payload: TranscriptIn):
    credential = services.issue_transcript(actor=request.auth, audience=payload.partner)
    return Status(
        201,
        {
            "id": credential.pk,
            "page_url": documents.verification_page_url(credential.pk),
            "credential": signing.signed_json(credential),
        },
    )


@router.get(
    "/credentials/{uuid:credential_id}",
    auth=None,
    summary="A credential we issued, as signed (JSON-LD)",
)
def credential(request, credential_id: UUID):
    return _json_ld(selectors.credential_text(credential_id))


@router.post(
    "/credentials/{uuid:credential_id}/revoke",
    response=RevokeOut,
    auth=bearer,
    summary="Revoke a credential (credit bank officers; audited)",
)
def revoke(request, credential_id: UUID, payload: RevokeIn):
    revocation = services.revoke_credential(
        actor=request.auth, credential_id=credential_id, reason=payload.reason
    )
    return {
        "id": credential_id,
        "revoked": True,
        "revoked_at": revocation.revoked_at,
        "reason": revocation.reason,
    }
