"""A stateful property test of the ledger: random payments, lessons, refunds and the bank's
confirmations or refusals, against a model of what the rules allow. After every step every
invariant holds and every balance equals the sum of its postings."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from lifelong.shared import clock
from lifelong.shared.errors import Invalid
from lifelong.training_market.models import Account, ContractState, Posting
from lifelong.training_market.selectors.contracts import balance_of, verify_ledger
from lifelong.training_market.services import contracts, money
from lifelong.training_market.tests.helpers import actor, adult_id, child_id, fresh_institution


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class LedgerMachine(RuleBasedStateMachine):
    staff = bank = None
    institution_id = 0

    @initialize(
        total=st.integers(min_value=1, max_value=500_000),
        hours=st.integers(min_value=1, max_value=60),
    )
    def sign(self, total, hours):
        self.contract = contracts.sign_contract(
            actor=self.staff,
            institution_id=self.institution_id,
            learner_name="性质测试",
            learner_id_number=child_id(),
            guardian_id_number=adult_id(),
            course="钢琴",
            category="arts",
            class_hours=hours,
            months=3,
            total_amount=_yuan(total),
            start_date=clock.today() + dt.timedelta(days=3),
        )
        self.total, self.hours = total, hours
        self.paid = self.taught = self.released = self.refunded = 0
        self.pending: dict = {}

    # ---- the model ----

    def earned(self, taught=None) -> int:
        taught = self.taught if taught is None else taught
        return self.paid * taught // self.hours

    def _auto_release(self) -> None:
        amount = self.earned() - self.released
        if amount > 0:
            self.released += amount

    # ---- steps ----

    @rule(data=st.data())
    def pay(self, data):
        amount = data.draw(st.integers(min_value=1, max_value=self.total))
        allowed = self.paid + amount <= self.total
        key = f"prop-{uuid.uuid4().hex}"
        try:
            outcome = money.record_payment(
                actor=self.bank,
                contract_id=self.contract.pk,
                amount=_yuan(amount),
                idempotency_key=key,
            )
        except Invalid:
            assert not allowed
            return
        assert allowed and outcome.created
        self.paid += amount
        before = self.released
        self._auto_release()
        self._track_new_release(before)
        replay = money.record_payment(
            actor=self.bank,
            contract_id=self.contract.pk,
            amount=_yuan(amount),
            idempotency_key=key,
        )
        assert not replay.created and replay.transaction.pk == outcome.transaction.pk

    @rule(hours=st.integers(min_value=1, max_value=8))
    def teach(self, hours):
        taught = self.taught + hours
        allowed = taught <= self.hours and self.refunded <= self.paid - self.earned(taught)
        try:
            money.record_consumption(actor=self.staff, contract_id=self.contract.pk, hours=hours)
        except Invalid:
            assert not allowed
            return
        assert allowed
        self.taught = taught
        before = self.released
        self._auto_release()
        self._track_new_release(before)

    def _track_new_release(self, before: int) -> None:
        if self.released > before:
            from lifelong.training_market.models import LedgerTransaction

            newest = (
                LedgerTransaction.objects.filter(contract_id=self.contract.pk, kind="release")
                .order_by("-created_at")
                .first()
            )
            assert newest.amount_fen == self.released - before
            self.pending[newest.pk] = ("release", newest.amount_fen)

    @rule(data=st.data())
    def refund(self, data):
        amount = data.draw(st.integers(min_value=1, max_value=max(self.total, 1)))
        allowed = amount <= self.paid - self.earned() - self.refunded
        try:
            request = money.request_refund(
                actor=self.staff, contract_id=self.contract.pk, amount=_yuan(amount)
            )
        except Invalid:
            assert not allowed
            return
        assert allowed
        self.refunded += amount
        self.pending[request.transfer_id] = ("refund", amount)

    @precondition(lambda self: bool(self.pending))
    @rule(data=st.data(), post=st.booleans())
    def settle(self, data, post):
        transfer = data.draw(st.sampled_from(sorted(self.pending, key=str)))
        kind, amount = self.pending.pop(transfer)
        money.settle_transfer(
            actor=self.bank, transfer_id=transfer, outcome="posted" if post else "voided"
        )
        if not post:
            if kind == "release":
                self.released -= amount
            else:
                self.refunded -= amount

    # ---- invariants ----

    @invariant()
    def balances_equal_the_sum_of_postings(self):
        check = verify_ledger([self.institution_id])
        assert check.ok, check

    @invariant()
    def figures_match_the_model(self):
        state = ContractState.objects.get(pk=self.contract.pk)
        b = balance_of(state)
        pending_release = sum(a for k, a in self.pending.values() if k == "release")
        pending_refund = sum(a for k, a in self.pending.values() if k == "refund")
        assert b.paid == self.paid
        assert b.released == self.released - pending_release
        assert b.refunded == self.refunded - pending_refund
        assert b.pending == pending_release + pending_refund
        assert b.paid == b.released + b.refunded + b.unconsumed
        assert state.released_fen * self.hours <= self.paid * self.taught
        assert state.refunded_fen <= self.paid - self.earned()
        prepaid = Account.objects.get(contract_id=self.contract.pk)
        assert prepaid.balance_fen == self.paid - self.released - self.refunded
        assert prepaid.balance_fen == -sum(
            Posting.objects.filter(account=prepaid).values_list("amount_fen", flat=True)
        )

    @invariant()
    def no_balance_is_negative(self):
        assert (
            not Account.objects.filter(institution_id=self.institution_id, balance_fen__lt=0)
            .exclude(kind="bank_clearing")
            .exists()
        )


def test_the_ledger_keeps_its_invariants_under_random_operations(db):
    institution, staff = fresh_institution("性质测试机构")
    LedgerMachine.staff = staff
    LedgerMachine.bank = actor("bank_gateway")
    LedgerMachine.institution_id = institution.pk
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=10,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
