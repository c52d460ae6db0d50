"""A stateful property test of one archive's ledger: whatever sequence of deposits,
revocations and credit corrections happens, the balance equals the sum of the postings and
of the certified outcomes' credits, and the hash chain verifies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from lifelong.credit_bank.models import Archive, Outcome, Posting, SourceKind, Standard
from lifelong.credit_bank.selectors import verify_archive_chain
from lifelong.credit_bank.services import outcomes
from lifelong.credit_bank.tests.helpers import actor, id_number
from lifelong.identity import api as identity

NUMBER = id_number("310104", "19770707", "707")
CODES = ["CL-SF", "CL-GH", "ET-AQSC", "VC-DG-4"]


class ArchiveLedger(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.officer = actor("credit_bank_officer")
        self.org = identity.find_organisation("上海市终身教育学分银行").id
        self.deposited = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _archive(self) -> Archive:
        return Archive.objects.get(person_id=identity.find_person_by_id_number(NUMBER))

    @rule(code=st.sampled_from(CODES))
    def deposit(self, code):
        self.deposited += 1
        outcomes.deposit_certified(
            organisation_id=self.org,
            source_kind=SourceKind.OFFICER,
            name="状态机",
            id_number=NUMBER,
            standard=Standard.objects.get(code=code, status="active"),
            achieved_on=dt.date(2020, 1, 1),
            external_id=f"SM-{self.deposited}",
        )

    @precondition(lambda self: self.deposited)
    @rule(pick=st.integers(0, 50), data=st.data())
    def revoke_or_correct(self, pick, data):
        certified = list(
            Outcome.objects.filter(archive=self._archive(), status="certified").order_by("pk")
        )
        if not certified:
            return
        outcome = certified[pick % len(certified)]
        if data.draw(st.booleans()):
            outcomes.revoke_outcome(actor=self.officer, outcome_id=outcome.pk, reason="核查撤销")
            return
        credits = data.draw(st.sampled_from([Decimal("0.50"), Decimal("2.00"), Decimal("7.25")]))
        if credits != outcome.credits:
            outcomes.correct_outcome_credits(
                actor=self.officer, outcome_id=outcome.pk, credits=credits, reason="更正学分"
            )

    @invariant()
    def balance_matches_postings_and_outcomes_and_chain_holds(self):
        if not self.deposited:
            return
        archive = self._archive()
        postings = sum(Posting.objects.filter(archive=archive).values_list("credits", flat=True))
        certified = sum(
            Outcome.objects.filter(archive=archive, status="certified").values_list(
                "credits", flat=True
            )
        )
        assert archive.balance == postings == certified
        assert verify_archive_chain(archive).ok


ArchiveLedger.TestCase.settings = settings(max_examples=8, stateful_step_count=6, deadline=None)


@pytest.mark.django_db
def test_archive_ledger_state_machine():
    ArchiveLedger.TestCase().runTest()
