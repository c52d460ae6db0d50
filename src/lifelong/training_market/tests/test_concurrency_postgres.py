"""On PostgreSQL, real parallel requests: fifty refunds racing against one contract never
refund more than its unconsumed balance, and a bank callback replayed in parallel posts once.

Transactional tests (each thread has its own connection and commits), so they create what
they need: the flush after them empties the database. They are skipped before any database
set-up on SQLite, whose flush would run DELETEs that the append-only tables refuse."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.errors import Invalid
from lifelong.training_market.models import LedgerTransaction, RefundRequest
from lifelong.training_market.selectors.contracts import verify_ledger
from lifelong.training_market.services import contracts, money, rules
from lifelong.training_market.tests.helpers import actor, adult_id, child_id, fresh_institution

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _setting_up():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are tested on PostgreSQL")
    identity.load_demo()
    rules.ensure_national_rules()
    institution, staff = fresh_institution("并发测试机构")
    contract = contracts.sign_contract(
        actor=staff,
        institution_id=institution.pk,
        learner_name="并发学员",
        learner_id_number=child_id(),
        guardian_id_number=adult_id(),
        course="钢琴",
        category="arts",
        class_hours=10,
        months=3,
        total_amount="1000.00",
        start_date=clock.today() + dt.timedelta(days=1),
    )
    return institution, staff, contract


def _race(n: int, work) -> tuple[list, list[BaseException]]:
    start = threading.Barrier(n)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            start.wait()
            outcome = work(i)
            with lock:
                results.append(outcome)
        except BaseException as exc:  # collected and inspected in the main thread
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_fifty_parallel_refunds_never_refund_more_than_the_unconsumed_balance():
    institution, staff, contract = _setting_up()
    bank = actor("bank_gateway")
    money.record_payment(
        actor=bank, contract_id=contract.pk, amount="1000.00", idempotency_key="c-1"
    )
    money.record_consumption(actor=staff, contract_id=contract.pk, hours=3)

    results, errors = _race(
        50, lambda i: money.request_refund(actor=staff, contract_id=contract.pk, amount="20.00")
    )

    assert all(isinstance(e, Invalid) for e in errors), errors
    assert len(results) == 35 and len(errors) == 15
    refunded = sum(r.amount_fen for r in RefundRequest.objects.filter(contract=contract))
    assert refunded == 70_000  # 1000 paid − 300 for the 3 hours taught
    assert verify_ledger([institution.pk]).ok


def test_fifty_parallel_refunds_of_everything_succeed_exactly_once():
    institution, staff, contract = _setting_up()
    money.record_payment(
        actor=actor("bank_gateway"),
        contract_id=contract.pk,
        amount="1000.00",
        idempotency_key="c-2",
    )

    results, errors = _race(
        50, lambda i: money.request_refund(actor=staff, contract_id=contract.pk, amount="1000.00")
    )

    assert len(results) == 1 and len(errors) == 49
    assert all(isinstance(e, Invalid) for e in errors), errors
    assert verify_ledger([institution.pk]).ok


def test_a_payment_callback_replayed_in_parallel_posts_once():
    institution, _staff, contract = _setting_up()
    bank = actor("bank_gateway")

    results, errors = _race(
        20,
        lambda i: money.record_payment(
            actor=bank, contract_id=contract.pk, amount="600.00", idempotency_key="replayed"
        ),
    )

    assert errors == []
    assert sum(r.created for r in results) == 1
    assert len({r.transaction.pk for r in results}) == 1
    assert LedgerTransaction.objects.filter(idempotency_key="replayed").count() == 1
    assert contract.state.__class__.objects.get(pk=contract.pk).paid_fen == 60_000
    assert verify_ledger([institution.pk]).ok
