"""Contracts and their money: signing, bank payment callbacks, lessons taught, refunds, the
balance, the bank's confirmations, the parents' view, the charging rules, the contract PDF."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.identity import api as identity
from lifelong.training_market import bank
from lifelong.training_market.endpoints.out import (
    balance_out,
    contract_out,
    refund_out,
    transfer_out,
)
from lifelong.training_market.pdf import contract_pdf
from lifelong.training_market.schemas import (
    BalanceOut,
    ChargingRuleIn,
    ChargingRuleOut,
    ConsumptionIn,
    ConsumptionOut,
    ContractIn,
    ContractOut,
    ContractPage,
    FamilyContractList,
    PaymentIn,
    RefundIn,
    RefundList,
    RefundOut,
    SettlementIn,
    SettlementOut,
    TransferList,
    TransferOut,
)
from lifelong.training_market.selectors import contracts as reads
from lifelong.training_market.services import contracts, money, rules

router = Router()
bearer = identity.BearerAuth()


def _balance(contract_id):
    from lifelong.training_market.models import ContractState

    return reads.balance_of(ContractState.objects.get(pk=contract_id))


@router.post(
    "/contracts",
    response={201: ContractOut},
    auth=bearer,
    summary="Sign a standard contract (institution staff, or a learner or guardian online)",
)
def sign(request, payload: ContractIn):
    contract = contracts.sign_contract(actor=request.auth, **payload.dict())
    return Status(201, contract_out(contract, _balance(contract.pk)))


class ContractFilter(Schema):
    institution_id: int | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


@router.get("/contracts", response=ContractPage, auth=bearer, summary="Contracts in your scope")
def contract_list(request, filters: Query[ContractFilter]):
    page = reads.list_contracts(actor=request.auth, **filters.dict())
    return {
        "items": [contract_out(c, b) for c, b in page.items],
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
    }


@router.get("/contracts/{contract_id}", response=ContractOut, auth=bearer)
def contract_detail(request, contract_id: UUID):
    contract, balance = reads.contract_balance(actor=request.auth, contract_id=contract_id)
    return contract_out(contract, balance)


@router.get(
    "/contracts/{contract_id}/balance",
    response=BalanceOut,
    auth=bearer,
    summary="paid = released + refunded + unconsumed; pending counts against the balance",
)
def balance(request, contract_id: UUID):
    contract, b = reads.contract_balance(actor=request.auth, contract_id=contract_id)
    return balance_out(contract.pk, b)


@router.post(
    "/contracts/{contract_id}/payments",
    response={200: TransferOut, 201: TransferOut},
    auth=bearer,
    summary="The escrow bank's payment callback (idempotent by key; HMAC-signed in production)",
)
def payment(request, contract_id: UUID, payload: PaymentIn):
    bank.check_signature(request)
    outcome = money.record_payment(actor=request.auth, contract_id=contract_id, **payload.dict())
    return Status(201 if outcome.created else 200, transfer_out(outcome.transaction, "posted"))


@router.post(
    "/contracts/{contract_id}/consumptions",
    response={201: ConsumptionOut},
    auth=bearer,
    summary="Record lessons taught; per-lesson institutions get the value released",
)
def consumption(request, contract_id: UUID, payload: ConsumptionIn):
    outcome = money.record_consumption(
        actor=request.auth, contract_id=contract_id, **payload.dict()
    )
    c = outcome.consumption
    return Status(
        201,
        {
            "id": c.pk,
            "contract_id": c.contract_id,
            "hours": c.hours,
            "taught_on": c.taught_on,
            "release": transfer_out(outcome.release, "pending") if outcome.release else None,
            "balance": balance_out(c.contract_id, _balance(c.contract_id)),
        },
    )


@router.post(
    "/contracts/{contract_id}/refunds",
    response={201: RefundOut},
    auth=bearer,
    summary="Ask for a refund (the institution, the learner or the guardian)",
)
def refund(request, contract_id: UUID, payload: RefundIn):
    r = money.request_refund(actor=request.auth, contract_id=contract_id, **payload.dict())
    info = reads.RefundInfo(
        r.pk, r.amount_fen, r.channel, r.reason, "pending", r.created_at, None, str(r.transfer_id)
    )
    return Status(201, refund_out(r.contract_id, info))


@router.get("/contracts/{contract_id}/refunds", response=RefundList, auth=bearer)
def refund_list(request, contract_id: UUID):
    contract, _ = reads.contract_balance(actor=request.auth, contract_id=contract_id)
    items = reads.refunds_of(contract)
    return {"items": [refund_out(contract.pk, r) for r in items], "count": len(items)}


@router.get(
    "/contracts/{contract_id}/pdf",
    auth=bearer,
    response={200: None},
    summary="The contract on the model text, as PDF",
)
def pdf(request, contract_id: UUID):
    contract, _ = reads.contract_balance(actor=request.auth, contract_id=contract_id)
    response = HttpResponse(contract_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{contract.number}.pdf"'
    return response


@router.get(
    "/transfers",
    response=TransferList,
    auth=bearer,
    summary="Releases and refunds awaiting the bank's confirmation (bank system account)",
)
def transfers(request):
    items = reads.pending_transfers(actor=request.auth)
    return {"items": [transfer_out(t, "pending") for t in items], "count": len(items)}


@router.post(
    "/transfers/{transfer_id}/settlement",
    response={200: SettlementOut, 201: SettlementOut},
    auth=bearer,
    summary="The bank confirms (posted) or refuses (voided) a pending transfer",
)
def settle(request, transfer_id: UUID, payload: SettlementIn):
    bank.check_signature(request)
    outcome = money.settle_transfer(actor=request.auth, transfer_id=transfer_id, **payload.dict())
    status = "posted" if outcome.settlement.kind.endswith("_settle") else "voided"
    return Status(
        201 if outcome.created else 200,
        {
            "transfer": transfer_out(outcome.transfer, status),
            "settlement_id": outcome.settlement.pk,
            "settlement_kind": outcome.settlement.kind,
        },
    )


@router.get(
    "/my/contracts",
    response=FamilyContractList,
    auth=bearer,
    summary="The parents' view: contracts of your children (and your own)",
)
def family(request):
    items = reads.family_contracts(actor=request.auth)
    return {
        "items": [
            {
                "contract": contract_out(f.contract, f.balance),
                "relation": f.relation,
                "refunds": [refund_out(f.contract.pk, r) for r in f.refunds],
            }
            for f in items
        ],
        "count": len(items),
    }


def rule_out(r) -> dict:
    from lifelong.training_market.money import yuan_str

    return {
        "id": r.pk,
        "category": r.category,
        "effective_from": r.effective_from,
        "max_months": r.max_months,
        "max_hours": r.max_hours,
        "max_amount": yuan_str(r.max_amount_fen) if r.max_amount_fen is not None else None,
        "collect_months_before_start": r.collect_months_before_start,
        "within_lease": r.within_lease,
        "source": r.source,
    }


@router.get(
    "/charging-rules",
    response=list[ChargingRuleOut],
    auth=None,
    summary="Every version of the charging rules, newest first per category",
)
def charging_rules(request):
    return [rule_out(r) for r in rules.all_rules()]


@router.post(
    "/charging-rules",
    response={201: ChargingRuleOut},
    auth=bearer,
    summary="Add a version of a category's charging rules (city regulator)",
)
def add_rule(request, payload: ChargingRuleIn):
    return Status(201, rule_out(rules.add_rule_version(actor=request.auth, **payload.dict())))
