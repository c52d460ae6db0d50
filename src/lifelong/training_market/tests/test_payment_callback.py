"""The escrow bank's payment callback: posted once per idempotency key, a replay answers with
the same payment, another amount under the same key is a conflict; signatures are checked."""

from __future__ import annotations

import json

from django.test import Client

from lifelong.training_market import bank
from lifelong.training_market.models import LedgerTransaction, Posting
from lifelong.training_market.tests.helpers import balance, pay, signed_contract


def test_a_payment_is_posted_to_escrow_and_the_learners_balance(as_user):
    contract = signed_contract(as_user("institution_staff"))

    response = pay(as_user("bank_gateway"), contract["id"], "4000.00", key="bank-0001")

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "4000.00"
    legs = Posting.objects.filter(transaction_id=response.json()["id"])
    assert sorted((p.account.kind, p.amount_fen) for p in legs) == [
        ("escrow", 400_000),
        ("learner_prepaid", -400_000),
    ]
    assert balance(as_user("institution_staff"), contract["id"])["paid"] == "4000.00"


def test_a_replayed_callback_returns_the_same_payment_and_posts_nothing(as_user):
    contract = signed_contract(as_user("institution_staff"))
    bank_client = as_user("bank_gateway")

    first = pay(bank_client, contract["id"], "1000.00", key="bank-replay")
    again = pay(bank_client, contract["id"], "1000.00", key="bank-replay")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert LedgerTransaction.objects.filter(idempotency_key="bank-replay").count() == 1
    assert balance(bank_client, contract["id"])["paid"] == "1000.00"


def test_the_same_key_with_another_amount_is_a_conflict(as_user):
    contract = signed_contract(as_user("institution_staff"))
    bank_client = as_user("bank_gateway")
    pay(bank_client, contract["id"], "1000.00", key="bank-conflict")

    response = pay(bank_client, contract["id"], "1200.00", key="bank-conflict")

    assert response.status_code == 409
    assert balance(bank_client, contract["id"])["paid"] == "1000.00"


def test_payments_beyond_the_contract_total_are_refused(as_user):
    contract = signed_contract(as_user("institution_staff"), total_amount="4000.00")
    bank_client = as_user("bank_gateway")
    assert pay(bank_client, contract["id"], "3000.00").status_code == 201

    response = pay(bank_client, contract["id"], "1000.01")

    assert response.status_code == 422
    assert "exceeds_contract_total" in response.json()["error"]["fields"]["amount"]


def test_only_the_escrow_bank_posts_payments(as_user):
    contract = signed_contract(as_user("institution_staff"))

    for username in ("institution_staff", "regulator", "parent"):
        assert pay(as_user(username), contract["id"], "100.00").status_code == 403


def test_bad_amounts_are_refused(as_user):
    contract = signed_contract(as_user("institution_staff"))
    bank_client = as_user("bank_gateway")

    for amount in ("0.00", "-5", "1.234", "abc"):
        assert pay(bank_client, contract["id"], amount).status_code == 422, amount


def _signed_post(token: str, path: str, body: dict, signature: str | None):
    raw = json.dumps(body)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if signature is not None:
        headers["HTTP_X_LIFELONG_SIGNATURE"] = signature
    return Client().post(path, raw, content_type="application/json", **headers)


def test_a_signed_callback_is_accepted_and_a_wrong_signature_refused(as_user, settings):
    settings.BANK_CALLBACK_SECRET = "s3cret-of-the-escrow-bank-for-tests"
    contract = signed_contract(as_user("institution_staff"))
    token = as_user("bank_gateway").token
    path = f"/api/v1/market/contracts/{contract['id']}/payments"
    body = {"amount": "100.00", "idempotency_key": "signed-1"}

    wrong = _signed_post(token, path, body, "0" * 64)
    right = _signed_post(
        token,
        path,
        body,
        bank.sign(json.dumps(body).encode(), "s3cret-of-the-escrow-bank-for-tests"),
    )

    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "signature_invalid"
    assert right.status_code == 201


def test_in_production_an_unsigned_callback_is_refused(as_user, settings):
    settings.DEMO = False
    contract = signed_contract(as_user("institution_staff"))
    path = f"/api/v1/market/contracts/{contract['id']}/payments"

    response = _signed_post(
        as_user("bank_gateway").token, path, {"amount": "1.00", "idempotency_key": "u-1"}, None
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_required"
