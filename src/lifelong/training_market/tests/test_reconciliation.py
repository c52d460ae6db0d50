"""Daily reconciliation of an escrow account against the bank's statement finds every
mismatch, including one planted on purpose."""

from __future__ import annotations

from lifelong.shared import clock
from lifelong.training_market.models import Posting
from lifelong.training_market.services.reconciliation import _day_bounds, escrow_balance_at
from lifelong.training_market.tests.helpers import fresh_institution, pay


def _day_with_two_payments(as_user):
    from lifelong.training_market.tests.helpers import contract_body

    institution, staff_actor = fresh_institution("对账测试机构")
    from lifelong.training_market.services import contracts

    body = contract_body(institution_id=institution.pk)
    body.pop("institution_id")
    import datetime as dt

    body["start_date"] = dt.date.fromisoformat(body["start_date"])
    contract = contracts.sign_contract(actor=staff_actor, institution_id=institution.pk, **body)
    bank = as_user("bank_gateway")
    assert pay(bank, contract.pk, "1000.00", key="stmt-a").status_code == 201
    assert pay(bank, contract.pk, "500.00", key="stmt-b").status_code == 201
    return institution


def _import(client, institution_id, lines, opening="0.00", closing="1500.00"):
    return client.post(
        f"/api/v1/market/institutions/{institution_id}/statements",
        {
            "statement_date": clock.today().isoformat(),
            "opening_balance": opening,
            "closing_balance": closing,
            "lines": lines,
        },
    )


def test_a_statement_that_matches_the_ledger_reconciles(as_user):
    institution = _day_with_two_payments(as_user)

    response = _import(
        as_user("bank_gateway"),
        institution.pk,
        [{"reference": "stmt-a", "amount": "1000.00"}, {"reference": "stmt-b", "amount": "500.00"}],
    )

    assert response.status_code == 201, response.content
    assert response.json()["reconciled"] is True


def test_a_planted_mismatch_is_found(as_user):
    institution = _day_with_two_payments(as_user)

    response = _import(
        as_user("regulator"),
        institution.pk,
        [
            {"reference": "stmt-a", "amount": "1000.00"},
            {"reference": "stmt-b", "amount": "499.00"},
            {"reference": "bank-only", "amount": "80.00"},
        ],
        closing="1579.00",
    )

    found = {(m["kind"], m["reference"]) for m in response.json()["mismatches"]}
    assert response.json()["reconciled"] is False
    assert found == {
        ("amount_differs", "stmt-b"),
        ("missing_in_ledger", "bank-only"),
        ("closing_differs", ""),
    }


def test_a_movement_missing_from_the_statement_is_found(as_user):
    institution = _day_with_two_payments(as_user)

    response = _import(
        as_user("bank_gateway"), institution.pk, [{"reference": "stmt-a", "amount": "1000.00"}]
    )

    kinds = {m["kind"] for m in response.json()["mismatches"]}
    assert "missing_in_statement" in kinds


def test_the_ledger_balance_at_a_moment_is_the_sum_of_escrow_postings(as_user):
    institution = _day_with_two_payments(as_user)
    _start, end = _day_bounds(clock.today())

    assert escrow_balance_at(institution.pk, end) == sum(
        Posting.objects.filter(institution=institution, account__kind="escrow").values_list(
            "amount_fen", flat=True
        )
    )
