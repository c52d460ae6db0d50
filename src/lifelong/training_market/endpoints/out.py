"""Turning domain objects into response bodies (amounts as yuan strings)."""

from __future__ import annotations

from lifelong.training_market.models import Contract, LedgerTransaction
from lifelong.training_market.money import yuan_str
from lifelong.training_market.selectors.contracts import Balance, RefundInfo


def transfer_status(txn: LedgerTransaction) -> str:
    if txn.kind not in ("release", "refund"):
        return "posted"
    settlement = (
        LedgerTransaction.objects.filter(settles=txn).values_list("kind", flat=True).first()
    )
    if settlement is None:
        return "pending"
    return "posted" if settlement.endswith("_settle") else "voided"


def transfer_out(txn: LedgerTransaction, status: str | None = None) -> dict:
    return {
        "id": txn.pk,
        "kind": txn.kind,
        "institution_id": txn.institution_id,
        "contract_id": txn.contract_id,
        "amount": yuan_str(txn.amount_fen),
        "status": status or transfer_status(txn),
        "idempotency_key": txn.idempotency_key,
        "occurred_at": txn.occurred_at,
    }


def balance_out(contract_id, b: Balance) -> dict:
    return {
        "contract_id": contract_id,
        "paid": yuan_str(b.paid),
        "released": yuan_str(b.released),
        "refunded": yuan_str(b.refunded),
        "unconsumed": yuan_str(b.unconsumed),
        "pending": yuan_str(b.pending),
        "refundable": yuan_str(b.refundable),
        "releasable": yuan_str(b.releasable),
        "total": yuan_str(b.total),
        "class_hours": b.class_hours,
        "hours_taught": b.hours_taught,
        "hours_left": b.hours_left,
    }


def contract_out(c: Contract, b: Balance) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "institution_id": c.institution_id,
        "institution_name": c.institution.name,
        "course": c.course,
        "category": c.category,
        "class_hours": c.class_hours,
        "months": c.months,
        "total_amount": yuan_str(c.total_fen),
        "start_date": c.start_date,
        "end_date": c.end_date,
        "learner_name": c.learner_name,
        "learner_id_masked": c.learner_id_masked,
        "learner_is_minor": c.learner_is_minor,
        "guardian_id_masked": c.guardian_id_masked,
        "signed_channel": c.signed_channel,
        "signed_on": c.signed_on,
        "rule_id": c.rule_id,
        "balance": balance_out(c.pk, b),
    }


def refund_out(contract_id, r: RefundInfo) -> dict:
    return {
        "id": r.id,
        "contract_id": contract_id,
        "amount": yuan_str(r.amount),
        "channel": r.channel,
        "reason": r.reason,
        "status": r.status,
        "transfer_id": r.transfer_id,
        "requested_at": r.requested_at,
        "settled_at": r.settled_at,
    }
