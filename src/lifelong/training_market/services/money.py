"""Money movements under a contract: bank payment callbacks (idempotent), lessons taught and
the releases they earn, refunds, the bank's confirmation of outgoing transfers, and the risk
reserve. Every movement is one ledger transaction; the database keeps the invariants, these
functions check the same rules first so that a refusal names the rule in words.

Each use case locks the contract's state row (SELECT … FOR UPDATE on PostgreSQL; SQLite
serialises writers anyway) before reading the figures it decides on, so that parallel refunds
against one contract are decided one after another on fresh figures."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from lifelong.identity import api as identity
from lifelong.shared import clock, notifications
from lifelong.shared.errors import Conflict, Forbidden, Invalid, NotFound
from lifelong.training_market import access
from lifelong.training_market.common import add_months, audit, choice, text
from lifelong.training_market.models import (
    PENDING_KINDS,
    Consumption,
    Contract,
    ContractState,
    Institution,
    LedgerTransaction,
    RefundRequest,
)
from lifelong.training_market.money import parse_amount, yuan_str
from lifelong.training_market.services.ledger import (
    accounts_of,
    post_or_refuse,
    transfer_legs,
)

MAX_KEY_LENGTH = 100


def _lock_state(contract: Contract) -> ContractState:
    return ContractState.objects.select_for_update().get(pk=contract.pk)


def _rule(code: str, field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: f"[{code}] {message}"}, code=code)


# ---- payments (bank callbacks) ----------------------------------------------------------------


@dataclass(frozen=True)
class PaymentOutcome:
    transaction: LedgerTransaction
    created: bool


@transaction.atomic
def record_payment(
    *, actor: identity.Actor, contract_id, amount: str, idempotency_key: str
) -> PaymentOutcome:
    """The escrow bank reports money paid into the supervised account for a contract. A replay
    of the same idempotency key with the same amount returns the first payment (nothing is
    posted twice); with another amount or contract it is a `Conflict`."""
    access.require_role(actor, access.BANK_ROLES)
    key = text(idempotency_key, "idempotency_key", max_length=MAX_KEY_LENGTH)
    amount_fen = parse_amount(amount)
    contract = access.access_contract_by_id(actor, contract_id)
    if not access.banks_for(actor, contract.institution_id):
        raise NotFound(access.NO_CONTRACT)
    state = _lock_state(contract)
    replay = _replayed_payment(key, contract, amount_fen)
    if replay is not None:
        return PaymentOutcome(replay, created=False)
    institution = contract.institution
    if institution.status != "active":
        raise _rule(
            "institution_not_active",
            "contract_id",
            "机构处于暂停或关停状态，不得收费 / The institution is suspended or closed",
        )
    earliest = add_months(contract.start_date, -(contract.rule.collect_months_before_start or 0))
    if contract.rule.collect_months_before_start is not None and clock.today() < earliest:
        raise _rule(
            "collected_too_early",
            "amount",
            "不得早于开课前一个月收费 / Fees may not be collected this early before the course",
        )
    if state.paid_fen + amount_fen > state.total_fen:
        raise _rule(
            "exceeds_contract_total",
            "amount",
            "缴费累计不得超过合同金额 / Payments may not exceed the contract total",
        )
    try:
        with transaction.atomic():
            txn = post_or_refuse(
                institution_id=contract.institution_id,
                contract_id=contract.pk,
                kind="payment",
                legs=transfer_legs(
                    "payment", accounts_of(contract.institution_id, contract.pk), amount_fen
                ),
                idempotency_key=key,
                created_by_id=actor.user_id,
            )
    except IntegrityError:
        # Another callback with this key committed between our look-up and our insert.
        replay = _replayed_payment(key, contract, amount_fen)
        if replay is None:
            raise
        return PaymentOutcome(replay, created=False)
    audit(actor, "payment.record", "contract", contract.pk, transaction=str(txn.pk), fen=amount_fen)
    if institution.release_schedule == "per_lesson":
        _release_earned(contract, actor.user_id)
    return PaymentOutcome(txn, created=True)


def _replayed_payment(key: str, contract: Contract, amount_fen: int) -> LedgerTransaction | None:
    existing = LedgerTransaction.objects.filter(kind="payment", idempotency_key=key).first()
    if existing is None:
        return None
    if existing.contract_id != contract.pk or existing.amount_fen != amount_fen:
        raise Conflict(
            "该幂等键已用于另一笔缴费 / This idempotency key was used for another payment",
            fields={"idempotency_key": "已使用 / already used"},
        )
    return existing


# ---- lessons taught and releases ---------------------------------------------------------------


@dataclass(frozen=True)
class ConsumptionOutcome:
    consumption: Consumption
    release: LedgerTransaction | None


@transaction.atomic
def record_consumption(
    *, actor: identity.Actor, contract_id, hours: int, taught_on: dt.date | None = None
) -> ConsumptionOutcome:
    """The institution records lessons taught. If it is paid per lesson, the value of the
    lessons (paid ÷ hours × hours taught, rounded down to the fen; the last lesson releases
    the remainder) is released at once, pending until the bank transfers it."""
    access.require_role(actor, access.STAFF_ROLES)
    contract = access.access_contract_by_id(actor, contract_id)
    if not access.works_at(actor, contract.institution_id):
        raise Forbidden(
            "只有本机构工作人员可以登记课消 / Only the institution's staff record lessons"
        )
    if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
        raise Invalid("课时应为正整数 / Hours are a whole number ≥ 1", fields={"hours": "≥ 1"})
    state = _lock_state(contract)
    if state.consumed_hours + hours > state.class_hours:
        raise _rule(
            "hours_exceeded",
            "hours",
            f"剩余课时只有{state.class_hours - state.consumed_hours}课时 / Only "
            f"{state.class_hours - state.consumed_hours} hours remain",
        )
    after = state.paid_fen * (state.consumed_hours + hours) // state.class_hours
    if state.refunded_fen > state.paid_fen - after:
        raise _rule(
            "hours_refunded",
            "hours",
            "这些课时的费用已退还学员 / These hours have been refunded to the learner",
        )
    day = taught_on or clock.today()
    consumption = Consumption.objects.create(
        contract=contract, hours=hours, taught_on=day, recorded_by_id=actor.user_id
    )
    release = None
    if contract.institution.release_schedule == "per_lesson":
        release = _release_earned(contract, actor.user_id)
    audit(actor, "consumption.record", "contract", contract.pk, hours=hours)
    return ConsumptionOutcome(consumption, release)


def _release_earned(contract: Contract, user_id: int | None) -> LedgerTransaction | None:
    """Release what the lessons taught have earned and is not released yet (pending)."""
    state = _lock_state(contract)
    amount = state.releasable_fen
    if amount <= 0:
        return None
    return post_or_refuse(
        institution_id=contract.institution_id,
        contract_id=contract.pk,
        kind="release",
        legs=transfer_legs("release", accounts_of(contract.institution_id, contract.pk), amount),
        created_by_id=user_id,
    )


@transaction.atomic
def release_earned(*, actor: identity.Actor, institution_id: int) -> list[LedgerTransaction]:
    """The monthly release: everything earned and unreleased on each of the institution's
    contracts, for institutions that are paid monthly (or to catch up)."""
    access.require_role(actor, access.ENFORCER_ROLES | access.BANK_ROLES)
    institution = access.access_institution_by_id(
        actor, institution_id, access.SUPERVISOR_ROLES | access.BANK_ROLES
    )
    released = []
    for contract in Contract.objects.filter(institution=institution).order_by("pk"):
        txn = _release_earned(contract, actor.user_id)
        if txn is not None:
            released.append(txn)
    audit(actor, "release.monthly", "institution", institution.pk, transfers=len(released))
    return released


# ---- refunds -----------------------------------------------------------------------------------


@transaction.atomic
def request_refund(
    *, actor: identity.Actor, contract_id, amount: str, reason: str = ""
) -> RefundRequest:
    """The institution, the learner or their guardian asks for a refund: in full before the
    course starts, afterwards at most the unconsumed remainder (paid − the value of the
    lessons taught − what was refunded already, pending refunds included). The refund is a
    pending transfer until the bank confirms it."""
    access.signed_in(actor)
    contract = access.access_contract_by_id(actor, contract_id)
    if access.works_at(actor, contract.institution_id):
        channel, on_behalf_of = "institution", ""
    else:
        relation = access.acts_for_learner(actor, contract)
        if relation is None:
            raise Forbidden(
                "只有本机构、学员本人或其监护人可以申请退费 / Only the institution, the learner "
                "or the learner's guardian may ask for a refund"
            )
        channel = "learner" if relation == "learner" else "guardian"
        on_behalf_of = str(contract.learner_person_id) if channel == "guardian" else ""
    amount_fen = parse_amount(amount)
    note = text(reason, "reason", max_length=500, required=False)
    state = _lock_state(contract)
    if amount_fen > state.refundable_fen:
        raise _rule(
            "refund_exceeds_unconsumed",
            "amount",
            f"可退金额为{yuan_str(max(state.refundable_fen, 0))}元 / At most "
            f"{yuan_str(max(state.refundable_fen, 0))} yuan can be refunded",
        )
    txn = post_or_refuse(
        institution_id=contract.institution_id,
        contract_id=contract.pk,
        kind="refund",
        legs=transfer_legs("refund", accounts_of(contract.institution_id, contract.pk), amount_fen),
        created_by_id=actor.user_id,
        on_behalf_of=on_behalf_of,
        note=note,
    )
    refund = RefundRequest.objects.create(
        contract=contract,
        amount_fen=amount_fen,
        channel=channel,
        reason=note,
        requested_by_id=actor.user_id,
        on_behalf_of_id=on_behalf_of or None,
        transfer=txn,
    )
    audit(
        actor,
        "refund.request",
        "contract",
        contract.pk,
        on_behalf_of=on_behalf_of,
        refund_id=refund.pk,
        fen=amount_fen,
    )
    return refund


# ---- the bank settles outgoing transfers -------------------------------------------------------


@dataclass(frozen=True)
class SettlementOutcome:
    transfer: LedgerTransaction
    settlement: LedgerTransaction
    created: bool


@transaction.atomic
def settle_transfer(
    *, actor: identity.Actor, transfer_id, outcome: str, bank_reference: str = ""
) -> SettlementOutcome:
    """The escrow bank confirms a pending release or refund ("posted": the money left the
    supervised account) or refuses it ("voided": the amount goes back to the learner's
    balance). A transfer is settled once: the same answer again returns the first settlement,
    the other answer is a `Conflict`."""
    access.require_role(actor, access.BANK_ROLES)
    outcome = choice(outcome, "outcome", ["posted", "voided"])
    reference = text(bank_reference, "bank_reference", max_length=100, required=False)
    key = _uuid(transfer_id)
    transfer = None
    if key is not None:
        transfer = LedgerTransaction.objects.filter(pk=key, kind__in=PENDING_KINDS).first()
    if (
        transfer is None
        or transfer.contract_id is None
        or not access.banks_for(actor, transfer.institution_id)
    ):
        raise NotFound("找不到该笔划转 / No such transfer")
    contract = Contract.objects.select_related("institution").get(pk=transfer.contract_id)
    _lock_state(contract)
    kind = f"{transfer.kind}_{'settle' if outcome == 'posted' else 'void'}"
    existing = LedgerTransaction.objects.filter(settles=transfer).first()
    if existing is not None:
        if existing.kind != kind:
            raise Conflict(
                "该笔划转已有不同的处理结果 / This transfer was already settled otherwise",
                fields={"outcome": existing.kind},
            )
        return SettlementOutcome(transfer, existing, created=False)
    accounts = accounts_of(transfer.institution_id, transfer.contract_id)
    try:
        with transaction.atomic():
            settlement = post_or_refuse(
                institution_id=transfer.institution_id,
                contract_id=transfer.contract_id,
                kind=kind,
                legs=transfer_legs(kind, accounts, transfer.amount_fen),
                settles_id=transfer.pk,
                bank_reference=reference,
                created_by_id=actor.user_id,
            )
    except IntegrityError:
        existing = LedgerTransaction.objects.filter(settles=transfer).first()
        if existing is None or existing.kind != kind:
            raise Conflict(
                "该笔划转已有不同的处理结果 / This transfer was already settled otherwise"
            ) from None
        return SettlementOutcome(transfer, existing, created=False)
    audit(actor, "transfer.settle", "transfer", transfer.pk, outcome=outcome)
    if kind == "refund_settle":
        _notify_refund(contract, transfer.amount_fen)
    return SettlementOutcome(transfer, settlement, created=True)


def _notify_refund(contract: Contract, amount_fen: int) -> None:
    recipient = contract.guardian_person_id or contract.learner_person_id
    if recipient is None:
        return
    notifications.notify(
        recipient_id=str(recipient),
        template="refund_processed",
        context={"item": contract.course, "amount": yuan_str(amount_fen)},
    )


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# ---- the risk reserve --------------------------------------------------------------------------


@transaction.atomic
def move_reserve(
    *, actor: identity.Actor, institution_id: int, action: str, amount: str, note: str = ""
) -> LedgerTransaction:
    """Top the risk reserve up (the escrow bank reports the deposit, or a regulator records
    it) or draw on it (a regulator, e.g. to compensate learners of a collapsed institution)."""
    action = choice(action, "action", ["top_up", "draw"])
    roles = (
        access.BANK_ROLES | access.ENFORCER_ROLES if action == "top_up" else access.ENFORCER_ROLES
    )
    access.require_role(actor, roles)
    institution: Institution = access.access_institution_by_id(
        actor, institution_id, (access.SUPERVISOR_ROLES & roles) | (access.BANK_ROLES & roles)
    )
    amount_fen = parse_amount(amount)
    kind = "reserve_top_up" if action == "top_up" else "reserve_draw"
    txn = post_or_refuse(
        institution_id=institution.pk,
        kind=kind,
        legs=transfer_legs(kind, accounts_of(institution.pk), amount_fen),
        created_by_id=actor.user_id,
        note=text(note, "note", max_length=300, required=False),
    )
    audit(actor, f"reserve.{action}", "institution", institution.pk, fen=amount_fen)
    return txn
