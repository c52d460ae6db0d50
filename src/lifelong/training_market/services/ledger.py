"""Writing to the ledger: open accounts, post one balanced transaction, and turn the
database's refusals into the rule they name.

Every transaction is written postings first and transaction row last (the row seals it; see
`invariants`). Legs are inserted in account-id order so that concurrent transactions take the
balance rows' locks in one order and cannot deadlock each other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from lifelong.shared import clock
from lifelong.shared.errors import Invalid
from lifelong.training_market.models import (
    ACCOUNT_SIGN,
    INSTITUTION_ACCOUNT_KINDS,
    Account,
    Contract,
    ContractState,
    LedgerTransaction,
    Posting,
)

# The database constraint each rule is kept by, and how the refusal reads.
REFUSALS: dict[str, tuple[str, str, str]] = {
    "tm_state_refund_within_unconsumed": (
        "refund_exceeds_unconsumed",
        "amount",
        "退费不得超过未消课部分的金额 / A refund may not exceed the unconsumed balance",
    ),
    "tm_state_release_within_consumption": (
        "release_exceeds_consumption",
        "amount",
        "释放金额不得超过已消课的金额 / A release may not exceed the lessons taught",
    ),
    "tm_state_paid_within_total": (
        "exceeds_contract_total",
        "amount",
        "缴费累计不得超过合同金额 / Payments may not exceed the contract total",
    ),
    "tm_state_taught_within_hours": (
        "hours_exceeded",
        "hours",
        "消课课时不得超过合同课时 / Lessons taught may not exceed the contracted hours",
    ),
    "tm_account_never_negative": (
        "balance_negative",
        "amount",
        "账户余额不足 / The account balance would go below zero",
    ),
}


def refusal(exc: IntegrityError) -> Invalid | None:
    """The rule a database refusal stands for, as `Invalid`, or None if it is another one."""
    text = str(exc)
    for constraint, (code, field, message) in REFUSALS.items():
        if constraint in text:
            return Invalid(message, fields={field: f"[{code}] {message}"}, code=code)
    return None


def open_institution_accounts(institution_id: int) -> dict[str, int]:
    """The institution's own accounts (escrow, reserve, payables, clearing), opened once."""
    have = dict(
        Account.objects.filter(institution_id=institution_id, contract__isnull=True).values_list(
            "kind", "id"
        )
    )
    missing = [k for k in INSTITUTION_ACCOUNT_KINDS if k not in have]
    if missing:
        Account.objects.bulk_create(
            [Account(institution_id=institution_id, kind=k, sign=ACCOUNT_SIGN[k]) for k in missing]
        )
        have = dict(
            Account.objects.filter(
                institution_id=institution_id, contract__isnull=True
            ).values_list("kind", "id")
        )
    return have


def open_contract_ledger(contract: Contract) -> None:
    """The contract's state row and its learner prepaid account, both empty."""
    ContractState.objects.create(
        contract=contract, total_fen=contract.total_fen, class_hours=contract.class_hours
    )
    Account.objects.create(
        institution_id=contract.institution_id,
        kind="learner_prepaid",
        contract=contract,
        sign=ACCOUNT_SIGN["learner_prepaid"],
    )


def accounts_of(institution_id: int, contract_id=None) -> dict[str, int]:
    """Account ids by kind: the institution's, plus the contract's prepaid account."""
    accounts = dict(
        Account.objects.filter(institution_id=institution_id, contract__isnull=True).values_list(
            "kind", "id"
        )
    )
    if contract_id is not None:
        accounts["learner_prepaid"] = Account.objects.values_list("id", flat=True).get(
            contract_id=contract_id
        )
    return accounts


def post_transaction(
    *,
    institution_id: int,
    kind: str,
    legs: Iterable[tuple[int, int]],
    contract_id=None,
    idempotency_key: str | None = None,
    settles_id=None,
    occurred_at: dt.datetime | None = None,
    created_by_id: int | None = None,
    on_behalf_of: str = "",
    bank_reference: str = "",
    note: str = "",
) -> LedgerTransaction:
    """Write one transaction of (account id, signed fen) legs. The caller's transaction must
    be open; the database refuses it (IntegrityError) if it breaks an invariant."""
    ordered = sorted(legs)
    amount = sum(a for _, a in ordered if a > 0)
    txn_id = uuid.uuid4()
    Posting.objects.bulk_create(
        [
            Posting(
                transaction_id=txn_id,
                account_id=account_id,
                institution_id=institution_id,
                contract_id=contract_id,
                kind=kind,
                amount_fen=amount_fen,
            )
            for account_id, amount_fen in ordered
        ]
    )
    return LedgerTransaction.objects.create(
        id=txn_id,
        institution_id=institution_id,
        contract_id=contract_id,
        kind=kind,
        amount_fen=amount,
        idempotency_key=idempotency_key,
        settles_id=settles_id,
        occurred_at=occurred_at or clock.now(),
        created_by_id=created_by_id,
        on_behalf_of=on_behalf_of,
        bank_reference=bank_reference[:100],
        note=note[:300],
    )


def post_or_refuse(**kwargs) -> LedgerTransaction:
    """`post_transaction` inside a savepoint: a database refusal of a known rule becomes
    `Invalid` naming it (422), and the caller's transaction stays usable."""
    try:
        with transaction.atomic():
            return post_transaction(**kwargs)
    except IntegrityError as exc:
        invalid = refusal(exc)
        if invalid is None:
            raise
        raise invalid from None


def transfer_legs(kind: str, accounts: dict[str, int], amount_fen: int) -> list[tuple[int, int]]:
    """The two legs of each kind of transaction (debit positive)."""
    a = amount_fen
    shapes = {
        "payment": (("escrow", a), ("learner_prepaid", -a)),
        "release": (("learner_prepaid", a), ("released_revenue", -a)),
        "release_settle": (("released_revenue", a), ("escrow", -a)),
        "release_void": (("released_revenue", a), ("learner_prepaid", -a)),
        "refund": (("learner_prepaid", a), ("refund_payable", -a)),
        "refund_settle": (("refund_payable", a), ("escrow", -a)),
        "refund_void": (("refund_payable", a), ("learner_prepaid", -a)),
        "reserve_top_up": (("risk_reserve", a), ("bank_clearing", -a)),
        "reserve_draw": (("bank_clearing", a), ("risk_reserve", -a)),
    }
    return [(accounts[k], amount) for k, amount in shapes[kind]]
