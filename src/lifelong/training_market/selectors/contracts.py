"""Reads of contracts and their money: the balance (paid = released + refunded +
unconsumed, always), refunds and their progress, the parents' view, the bank's pending
transfers, and a ledger check that recomputes every balance from the postings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q, Sum

from lifelong.identity import api as identity
from lifelong.training_market import access
from lifelong.training_market.models import (
    Account,
    Contract,
    ContractState,
    LedgerTransaction,
    Posting,
    RefundRequest,
)
from lifelong.training_market.selectors.registry import MAX_PAGE_SIZE, Page


@dataclass(frozen=True)
class Balance:
    """Whole fen. `unconsumed` is the learner's money still in escrow (pending transfers
    included, until the bank confirms them); `refundable` is what may be refunded now and
    `releasable` what the lessons taught have earned and is not released yet."""

    paid: int
    released: int
    refunded: int
    unconsumed: int
    pending: int
    pending_release: int
    pending_refund: int
    refundable: int
    releasable: int
    total: int
    class_hours: int
    hours_taught: int

    @property
    def hours_left(self) -> int:
        return self.class_hours - self.hours_taught


def _pending(contract_ids) -> dict:
    rows = (
        LedgerTransaction.objects.filter(
            contract_id__in=contract_ids, kind__in=("release", "refund"), settlement__isnull=True
        )
        .values("contract_id", "kind")
        .annotate(total=Sum("amount_fen"))
    )
    pending: dict = {}
    for row in rows:
        pending[(row["contract_id"], row["kind"])] = row["total"]
    return pending


def balance_of(state: ContractState, pending: dict | None = None) -> Balance:
    if pending is None:
        pending = _pending([state.pk])
    pending_release = pending.get((state.pk, "release"), 0)
    pending_refund = pending.get((state.pk, "refund"), 0)
    released = state.released_fen - pending_release
    refunded = state.refunded_fen - pending_refund
    return Balance(
        paid=state.paid_fen,
        released=released,
        refunded=refunded,
        unconsumed=state.paid_fen - released - refunded,
        pending=pending_release + pending_refund,
        pending_release=pending_release,
        pending_refund=pending_refund,
        refundable=max(state.refundable_fen, 0),
        releasable=max(state.releasable_fen, 0),
        total=state.total_fen,
        class_hours=state.class_hours,
        hours_taught=state.consumed_hours,
    )


def contract_balance(*, actor: identity.Actor, contract_id) -> tuple[Contract, Balance]:
    contract = access.access_contract_by_id(actor, contract_id)
    state = ContractState.objects.get(pk=contract.pk)
    return contract, balance_of(state)


def list_contracts(
    *,
    actor: identity.Actor,
    institution_id: int | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page:
    access.signed_in(actor)
    rows = Contract.objects.filter(access.contracts_visible_to(actor)).select_related(
        "institution", "state"
    )
    if institution_id is not None:
        rows = rows.filter(institution_id=institution_id)
    rows = rows.order_by("-signed_on", "-created_at")
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    paginator = Paginator(rows, page_size)
    number = max(1, min(page, paginator.num_pages or 1))
    items = list(paginator.page(number).object_list)
    pending = _pending([c.pk for c in items])
    return Page(
        [(c, balance_of(c.state, pending)) for c in items], paginator.count, number, page_size
    )


@dataclass(frozen=True)
class RefundInfo:
    id: int
    amount: int
    channel: str
    reason: str
    status: str  # "pending", "paid" or "voided"
    requested_at: dt.datetime
    settled_at: dt.datetime | None
    transfer_id: str


def refund_status(refund: RefundRequest) -> tuple[str, dt.datetime | None]:
    settlement = getattr(refund.transfer, "settlement", None)
    if settlement is None:
        return "pending", None
    return ("paid" if settlement.kind == "refund_settle" else "voided"), settlement.created_at


def refunds_of(contract: Contract) -> list[RefundInfo]:
    rows = RefundRequest.objects.filter(contract=contract).select_related(
        "transfer", "transfer__settlement"
    )
    items = []
    for r in rows:
        status, settled = refund_status(r)
        items.append(
            RefundInfo(
                r.pk,
                r.amount_fen,
                r.channel,
                r.reason,
                status,
                r.created_at,
                settled,
                str(r.transfer_id),
            )
        )
    return items


@dataclass(frozen=True)
class FamilyContract:
    contract: Contract
    balance: Balance
    refunds: list[RefundInfo]
    relation: str  # "learner" or "guardian"


def family_contracts(*, actor: identity.Actor) -> list[FamilyContract]:
    """The parents' view: every contract of the children the actor acts for now, and the
    actor's own as a learner, with hours, money and refunds."""
    access.signed_in(actor)
    children = identity.principal_ids_of(actor)
    people = [*children, *([actor.person_id] if actor.person_id else [])]
    if not people:
        return []
    rows = list(
        Contract.objects.filter(learner_person_id__in=people)
        .select_related("institution", "state")
        .order_by("-signed_on", "-created_at")
    )
    pending = _pending([c.pk for c in rows])
    return [
        FamilyContract(
            c,
            balance_of(c.state, pending),
            refunds_of(c),
            "learner" if str(c.learner_person_id) == actor.person_id else "guardian",
        )
        for c in rows
    ]


def pending_transfers(*, actor: identity.Actor, limit: int = 100) -> list[LedgerTransaction]:
    """The releases and refunds awaiting the bank's confirmation, oldest first."""
    access.require_role(actor, access.BANK_ROLES)
    return list(
        LedgerTransaction.objects.filter(
            access.bank_institution_q(actor, field="institution_id"),
            kind__in=("release", "refund"),
            settlement__isnull=True,
        ).order_by("created_at")[: max(1, min(limit, 500))]
    )


@dataclass(frozen=True)
class LedgerCheck:
    """What `verify_ledger` found wrong; empty lists mean the ledger is whole."""

    unbalanced_transactions: list[str]
    account_mismatches: list[int]
    state_mismatches: list[str]
    escrow_mismatches: list[int]

    @property
    def ok(self) -> bool:
        return not (
            self.unbalanced_transactions
            or self.account_mismatches
            or self.state_mismatches
            or self.escrow_mismatches
        )


def verify_ledger(institution_ids=None) -> LedgerCheck:
    """Recompute everything the triggers keep from the postings themselves: each transaction
    sums to zero; each account's balance is its sign × the sum of its postings; each
    contract's paid / released / refunded figures are the sums of its prepaid postings; and
    each institution's escrow equals the sum of its liabilities."""
    postings = Posting.objects.all()
    accounts = Account.objects.all()
    if institution_ids is not None:
        postings = postings.filter(institution_id__in=institution_ids)
        accounts = accounts.filter(institution_id__in=institution_ids)
    unbalanced = [
        str(r["transaction_id"])
        for r in postings.values("transaction_id")
        .annotate(total=Sum("amount_fen"))
        .exclude(total=0)
    ]
    sums = dict(
        postings.values("account_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("account_id", "total")
    )
    account_rows = list(accounts.values("id", "institution_id", "kind", "sign", "balance_fen"))
    wrong_accounts = [
        a["id"] for a in account_rows if a["balance_fen"] != a["sign"] * (sums.get(a["id"]) or 0)
    ]
    prepaid = (
        postings.filter(account__kind="learner_prepaid")
        .values("contract_id")
        .annotate(
            paid=Sum("amount_fen", filter=Q(kind="payment")),
            released=Sum("amount_fen", filter=Q(kind__in=("release", "release_void"))),
            refunded=Sum("amount_fen", filter=Q(kind__in=("refund", "refund_void"))),
        )
    )
    expected = {
        r["contract_id"]: (-(r["paid"] or 0), r["released"] or 0, r["refunded"] or 0)
        for r in prepaid
    }
    states = ContractState.objects.all()
    if institution_ids is not None:
        states = states.filter(contract__institution_id__in=institution_ids)
    wrong_states = [
        str(s.pk)
        for s in states
        if (s.paid_fen, s.released_fen, s.refunded_fen) != expected.get(s.pk, (0, 0, 0))
    ]
    liabilities: dict[int, int] = {}
    escrow: dict[int, int] = {}
    for a in account_rows:
        if a["kind"] in ("learner_prepaid", "released_revenue", "refund_payable"):
            liabilities[a["institution_id"]] = (
                liabilities.get(a["institution_id"], 0) + a["balance_fen"]
            )
        elif a["kind"] == "escrow":
            escrow[a["institution_id"]] = a["balance_fen"]
    wrong_escrow = [i for i, cash in escrow.items() if cash != liabilities.get(i, 0)]
    return LedgerCheck(unbalanced, wrong_accounts, wrong_states, wrong_escrow)
