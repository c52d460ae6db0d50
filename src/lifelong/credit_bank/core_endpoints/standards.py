"""The certification-standard catalogue and who may certify what (under /api/v1)."""

from __future__ import annotations

from ninja import Query, Router, Status

from lifelong.credit_bank import selectors
from lifelong.credit_bank.models import Standard
from lifelong.credit_bank.schemas import (
    CertifierIn,
    CertifierOut,
    StandardDetail,
    StandardFilter,
    StandardIn,
    StandardList,
    StandardOut,
)
from lifelong.credit_bank.services import standards
from lifelong.identity import api as identity
from lifelong.shared.errors import NotFound

router = Router(tags=["credit_bank"])
bearer = identity.BearerAuth()


def standard_out(s: Standard) -> dict:
    return {
        f: getattr(s, f)
        for f in (
            "code",
            "version",
            "name",
            "name_en",
            "type",
            "level",
            "credits",
            "criteria",
            "awarding_body",
            "validity_months",
            "qualification_level",
            "catalog_category",
            "status",
        )
    }


@router.get(
    "/credit-bank/standards",
    response=StandardList,
    auth=None,
    summary="The certification-standard catalogue (versions in force, or all)",
)
def list_standards(request, filters: Query[StandardFilter]):
    items = selectors.list_standards(**filters.dict())
    return {"items": [standard_out(s) for s in items], "count": len(items)}


@router.post(
    "/credit-bank/standards",
    response={201: StandardOut},
    auth=bearer,
    summary="Publish a standard, or the next version of one (credit-bank officers)",
)
def publish_standard(request, payload: StandardIn):
    standard = standards.publish_standard(actor=request.auth, **payload.dict())
    return Status(201, standard_out(standard))


@router.get(
    "/credit-bank/standards/{code}",
    response=StandardDetail,
    auth=None,
    summary="Every version of a standard and who may certify it",
)
def standard_detail(request, code: str):
    versions = selectors.standard_versions(code[:40])
    if not versions:
        raise NotFound("找不到该标准 / No such standard")
    return {
        "versions": [standard_out(s) for s in versions],
        "certifiers": selectors.certifiers_of(versions[0].code),
    }


@router.post(
    "/credit-bank/standards/{code}/retire",
    response=StandardOut,
    auth=bearer,
    summary="Stop certifying against a standard (credit-bank officers)",
)
def retire_standard(request, code: str):
    return standard_out(standards.retire_standard(actor=request.auth, code=code[:40]))


@router.post(
    "/credit-bank/standards/{code}/certifiers",
    response=CertifierOut,
    auth=bearer,
    summary="Allow or stop allowing an organisation to certify a standard (credit-bank officers)",
)
def set_certifier(request, code: str, payload: CertifierIn):
    grant = standards.set_certifier(actor=request.auth, standard_code=code[:40], **payload.dict())
    names = identity.organisation_names([grant.organisation_id])
    return {"organisation_id": grant.organisation_id, "name": names.get(grant.organisation_id)}
