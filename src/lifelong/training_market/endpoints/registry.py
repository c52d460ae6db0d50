"""Institutions: registration, the public look-up, status, escrow, reserve, risk."""

from __future__ import annotations

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.identity import api as identity
from lifelong.training_market.endpoints.out import transfer_out
from lifelong.training_market.schemas import (
    BranchIn,
    EscrowIn,
    EscrowOut,
    InstitutionDetailOut,
    InstitutionIn,
    InstitutionOut,
    PremisesIn,
    PublicInstitutionPage,
    ReserveIn,
    RiskOut,
    RiskPage,
    StatusIn,
    TransferOut,
)
from lifelong.training_market.selectors import registry as reads
from lifelong.training_market.selectors import risk
from lifelong.training_market.services import money, registry

router = Router()
bearer = identity.BearerAuth()


def institution_out(i) -> dict:
    return {
        "id": i.pk,
        "name": i.name,
        "uscc": i.uscc,
        "district_code": i.district_id,
        "for_profit": i.for_profit,
        "categories": sorted(c.category for c in i.categories.all()),
        "status": i.status,
        "premises": [{"address": p.address, "lease_end": p.lease_end} for p in i.premises.all()],
        "branches": [
            {"name": b.name, "address": b.address, "district_code": b.district_id}
            for b in i.branches.all()
        ],
    }


def risk_out(s: risk.RiskScore) -> dict:
    return {
        "institution_id": s.institution_id,
        "institution_name": s.institution_name,
        "district_code": s.district_code,
        "score": s.score,
        "level": s.level,
        "signals": [
            {
                "code": g.code,
                "label": g.label,
                "value": g.value,
                "points": g.points,
                "detail": g.detail,
            }
            for g in s.signals
        ],
    }


@router.post(
    "/institutions",
    response={201: InstitutionOut},
    auth=bearer,
    summary="Register a training institution (regulators)",
)
def register(request, payload: InstitutionIn):
    data = payload.dict()
    places = [registry.PremisesIn(**p) for p in data.pop("premises")]
    institution = registry.register_institution(actor=request.auth, premises=places, **data)
    return Status(201, institution_out(institution))


class LookUp(Schema):
    q: str | None = Field(None, max_length=100)
    district_code: str | None = Field(None, max_length=12)
    category: str | None = Field(None, max_length=24)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


@router.get(
    "/institutions",
    response=PublicInstitutionPage,
    auth=None,
    summary="Public look-up: licensed? escrow in place? penalties and complaints on record?",
)
def look_up(request, filters: Query[LookUp]):
    page = reads.look_up_institutions(**filters.dict())
    return {
        "items": [i.__dict__ for i in page.items],
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
    }


@router.get(
    "/institutions/{institution_id}",
    response=InstitutionDetailOut,
    auth=None,
    summary="One institution's public record",
)
def public_detail(request, institution_id: int):
    detail = reads.public_institution(institution_id)
    return {
        **detail.institution.__dict__,
        "premises": [p.__dict__ for p in detail.premises],
        "branches": [b.__dict__ for b in detail.branches],
        "penalty_records": [p.__dict__ for p in detail.penalties],
        "credit_entries": [c.__dict__ for c in detail.credit_entries],
        "complaints_resolved": detail.complaints_resolved,
        "complaints_open": detail.complaints_open,
    }


@router.post(
    "/institutions/{institution_id}/status",
    response=InstitutionOut,
    auth=bearer,
    summary="Suspend, close or reopen an institution",
)
def change_status(request, institution_id: int, payload: StatusIn):
    institution = registry.change_status(
        actor=request.auth, institution_id=institution_id, **payload.dict()
    )
    return institution_out(institution)


@router.post(
    "/institutions/{institution_id}/premises",
    response={201: InstitutionOut},
    auth=bearer,
    summary="Record premises and their lease",
)
def add_premises(request, institution_id: int, payload: PremisesIn):
    premises = registry.add_premises(
        actor=request.auth,
        institution_id=institution_id,
        place=registry.PremisesIn(**payload.dict()),
    )
    return Status(201, institution_out(premises.institution))


@router.post(
    "/institutions/{institution_id}/branches",
    response={201: InstitutionOut},
    auth=bearer,
    summary="Record a branch",
)
def add_branch(request, institution_id: int, payload: BranchIn):
    branch = registry.add_branch(
        actor=request.auth, institution_id=institution_id, **payload.dict()
    )
    return Status(201, institution_out(branch.institution))


@router.post(
    "/institutions/{institution_id}/escrow",
    response={201: EscrowOut},
    auth=bearer,
    summary="Record the supervised escrow account",
)
def open_escrow(request, institution_id: int, payload: EscrowIn):
    agreement = registry.open_escrow(
        actor=request.auth, institution_id=institution_id, **payload.dict()
    )
    return Status(
        201,
        {
            "id": agreement.pk,
            "bank_id": agreement.bank_id,
            "account_number_masked": agreement.account_number_masked,
            "opened_on": agreement.opened_on,
        },
    )


@router.post(
    "/institutions/{institution_id}/reserve",
    response={201: TransferOut},
    auth=bearer,
    summary="Top up or draw on the risk reserve",
)
def reserve(request, institution_id: int, payload: ReserveIn):
    txn = money.move_reserve(actor=request.auth, institution_id=institution_id, **payload.dict())
    return Status(201, transfer_out(txn, "posted"))


@router.post(
    "/institutions/{institution_id}/releases",
    response={201: list[TransferOut]},
    auth=bearer,
    summary="Release everything earned and not yet released (the monthly release)",
)
def release(request, institution_id: int):
    txns = money.release_earned(actor=request.auth, institution_id=institution_id)
    return Status(201, [transfer_out(t, "pending") for t in txns])


@router.get(
    "/institutions/{institution_id}/risk",
    response=RiskOut,
    auth=bearer,
    summary="Risk score and the signals that drove it",
)
def institution_risk(request, institution_id: int):
    return risk_out(risk.institution_risk(actor=request.auth, institution_id=institution_id))


class AlertFilter(Schema):
    min_score: int = Field(risk.MEDIUM, ge=0, le=100)
    limit: int = Field(100, ge=1, le=1000)


@router.get(
    "/risk-alerts",
    response=RiskPage,
    auth=bearer,
    summary="The risk alert list of the caller's district (or the city)",
)
def risk_alerts(request, filters: Query[AlertFilter]):
    items = risk.risk_alerts(actor=request.auth, **filters.dict())
    return {"items": [risk_out(s) for s in items], "count": len(items)}
