"""The database itself keeps the ledger's invariants, whatever code writes to it: every
transaction sums to zero, postings are never changed, no balance goes below zero, releases
stay within the lessons taught and refunds within the unconsumed part."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from lifelong.training_market.models import (
    Account,
    ContractState,
    Institution,
    LedgerTransaction,
    Posting,
)
from lifelong.training_market.services.ledger import accounts_of
from lifelong.training_market.tests.helpers import paid_contract, sunshine
from lifelong.training_market.tests.ledger_tools import (
    balance_of,
    check_deferred_now,
    raw_post,
)

pytestmark = pytest.mark.django_db


def _refused(fn) -> str:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        fn()
        check_deferred_now()
    return str(caught.value)


def test_a_posting_cannot_be_updated_or_deleted(as_user):
    contract = paid_contract(as_user, amount="800.00")
    posting = Posting.objects.filter(contract_id=contract["id"]).first()

    _refused(lambda: Posting.objects.filter(pk=posting.pk).update(amount_fen=1))
    _refused(lambda: Posting.objects.filter(pk=posting.pk).delete())
    with connection.cursor() as cursor:
        _refused(
            lambda: cursor.execute(
                "UPDATE training_market_posting SET amount_fen = 0 WHERE id = %s", [posting.pk]
            )
        )
        _refused(
            lambda: cursor.execute(
                "DELETE FROM training_market_posting WHERE id = %s", [posting.pk]
            )
        )

    posting.refresh_from_db()
    assert posting.amount_fen in (80_000, -80_000)


def test_a_transaction_row_cannot_be_updated_or_deleted(as_user):
    contract = paid_contract(as_user, amount="800.00")
    txn = LedgerTransaction.objects.get(contract_id=contract["id"], kind="payment")

    _refused(lambda: LedgerTransaction.objects.filter(pk=txn.pk).update(amount_fen=1))
    _refused(lambda: LedgerTransaction.objects.filter(pk=txn.pk).delete())


def test_a_transaction_that_does_not_sum_to_zero_is_refused():
    inst = sunshine().pk

    message = _refused(
        lambda: raw_post(inst, "reserve_top_up", {"risk_reserve": 10_000, "bank_clearing": -9_999})
    )

    assert "zero" in message


def test_a_one_legged_transaction_is_refused():
    inst = sunshine().pk
    accounts = accounts_of(inst)

    def one_leg():
        txn_id = uuid.uuid4()
        Posting.objects.create(
            transaction_id=txn_id,
            account_id=accounts["bank_clearing"],
            institution_id=inst,
            kind="reserve_top_up",
            amount_fen=500,
        )
        LedgerTransaction.objects.create(
            id=txn_id,
            institution_id=inst,
            kind="reserve_top_up",
            amount_fen=500,
            occurred_at="2026-01-01T00:00:00Z",
        )

    _refused(one_leg)


def test_postings_without_their_transaction_row_cannot_commit():
    inst = sunshine().pk
    accounts = accounts_of(inst)

    def orphans():
        txn_id = uuid.uuid4()
        Posting.objects.bulk_create(
            [
                Posting(
                    transaction_id=txn_id,
                    account_id=accounts["risk_reserve"],
                    institution_id=inst,
                    kind="reserve_top_up",
                    amount_fen=700,
                ),
                Posting(
                    transaction_id=txn_id,
                    account_id=accounts["bank_clearing"],
                    institution_id=inst,
                    kind="reserve_top_up",
                    amount_fen=-700,
                ),
            ]
        )

    _refused(orphans)


def test_a_posting_cannot_be_added_to_a_sealed_transaction():
    inst = sunshine().pk
    txn = raw_post(inst, "reserve_top_up", {"risk_reserve": 1_000, "bank_clearing": -1_000})
    accounts = accounts_of(inst)

    message = _refused(
        lambda: Posting.objects.create(
            transaction_id=txn.pk,
            account_id=accounts["risk_reserve"],
            institution_id=inst,
            kind="reserve_top_up",
            amount_fen=5,
        )
    )

    assert "sealed" in message


def test_escrow_never_goes_below_zero_whatever_posts_to_it():
    inst = sunshine().pk
    escrow = balance_of(inst, "escrow")

    message = _refused(
        lambda: raw_post(
            inst, "reserve_draw", {"bank_clearing": escrow + 1, "escrow": -(escrow + 1)}
        )
    )

    assert "tm_account_never_negative" in message
    assert balance_of(inst, "escrow") == escrow


def test_the_database_refuses_a_release_beyond_the_lessons_taught(as_user):
    contract = paid_contract(as_user, amount="1000.00", class_hours=10)
    inst = sunshine().pk

    message = _refused(
        lambda: raw_post(
            inst,
            "release",
            {"learner_prepaid": 1, "released_revenue": -1},
            contract_id=contract["id"],
        )
    )

    assert "tm_state_release_within_consumption" in message


def test_the_database_refuses_a_refund_beyond_the_unconsumed_part(as_user):
    # Released monthly, so the learner's prepaid account still holds the taught hours' value:
    # only the contract-level constraint stands between it and an over-refund.
    Institution.objects.filter(pk=sunshine().pk).update(release_schedule="monthly")
    contract = paid_contract(as_user, amount="1000.00", class_hours=10)
    as_user("institution_staff").post(
        f"/api/v1/market/contracts/{contract['id']}/consumptions", {"hours": 5}
    )
    inst = sunshine().pk

    message = _refused(
        lambda: raw_post(
            inst,
            "refund",
            {"learner_prepaid": 50_001, "refund_payable": -50_001},
            contract_id=contract["id"],
        )
    )

    assert "tm_state_refund_within_unconsumed" in message
    raw_post(
        inst,
        "refund",
        {"learner_prepaid": 50_000, "refund_payable": -50_000},
        contract_id=contract["id"],
    )


def test_a_settlement_must_match_a_pending_transfer_and_happens_once(as_user):
    contract = paid_contract(as_user, amount="1000.00")
    inst = sunshine().pk
    refund = raw_post(
        inst,
        "refund",
        {"learner_prepaid": 30_000, "refund_payable": -30_000},
        contract_id=contract["id"],
    )

    wrong_amount = _refused(
        lambda: raw_post(
            inst,
            "refund_settle",
            {"refund_payable": 100, "escrow": -100},
            contract_id=contract["id"],
            settles_id=refund.pk,
        )
    )
    raw_post(
        inst,
        "refund_settle",
        {"refund_payable": 30_000, "escrow": -30_000},
        contract_id=contract["id"],
        settles_id=refund.pk,
    )
    # Another pending refund keeps the payable account above zero, so that only the
    # one-settlement rule can refuse settling the first refund a second time.
    raw_post(
        inst,
        "refund",
        {"learner_prepaid": 30_000, "refund_payable": -30_000},
        contract_id=contract["id"],
    )
    twice = _refused(
        lambda: raw_post(
            inst,
            "refund_void",
            {"refund_payable": 30_000, "learner_prepaid": -30_000},
            contract_id=contract["id"],
            settles_id=refund.pk,
        )
    )

    assert "settle" in wrong_amount
    assert "settles" in twice.lower() or "unique" in twice.lower()


def test_accounts_and_contract_states_are_never_deleted(as_user):
    contract = paid_contract(as_user, amount="100.00")

    _refused(lambda: Account.objects.filter(contract_id=contract["id"]).delete())
    _refused(lambda: ContractState.objects.filter(pk=contract["id"]).delete())


@pytest.mark.postgres
def test_on_postgresql_balances_are_changed_by_the_ledger_triggers_only(as_user):
    if connection.vendor != "postgresql":
        pytest.skip("trigger depth is a PostgreSQL feature; SQLite relies on verify_ledger")
    contract = paid_contract(as_user, amount="100.00")

    _refused(lambda: Account.objects.filter(contract_id=contract["id"]).update(balance_fen=0))
    _refused(lambda: ContractState.objects.filter(pk=contract["id"]).update(paid_fen=0))
