"""Refunds: in full before the course starts, afterwards at most the unconsumed remainder; a
pending refund already counts against the balance; the institution and the guardian may ask;
the bank's confirmation notifies the family."""

from __future__ import annotations

from lifelong.shared import notifications
from lifelong.training_market.models import Contract
from lifelong.training_market.tests.helpers import balance, paid_contract


def _refund(client, contract_id, amount: str):
    return client.post(f"/api/v1/market/contracts/{contract_id}/refunds", {"amount": amount})


def test_before_the_course_starts_everything_paid_can_be_refunded(as_user):
    contract = paid_contract(as_user, amount="3000.00")

    response = _refund(as_user("institution_staff"), contract["id"], "3000.00")

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    figures = balance(as_user("institution_staff"), contract["id"])
    assert figures["refundable"] == "0.00" and figures["pending"] == "3000.00"


def test_after_lessons_only_the_unconsumed_remainder_can_be_refunded(as_user):
    contract = paid_contract(as_user, amount="1000.00", class_hours=10)
    staff = as_user("institution_staff")
    staff.post(f"/api/v1/market/contracts/{contract['id']}/consumptions", {"hours": 3})

    too_much = _refund(staff, contract["id"], "700.01")
    enough = _refund(staff, contract["id"], "700.00")

    assert too_much.status_code == 422
    assert "refund_exceeds_unconsumed" in too_much.json()["error"]["fields"]["amount"]
    assert enough.status_code == 201


def test_a_pending_refund_counts_against_the_balance(as_user):
    contract = paid_contract(as_user, amount="1000.00")
    staff = as_user("institution_staff")
    assert _refund(staff, contract["id"], "600.00").status_code == 201

    second = _refund(staff, contract["id"], "400.01")

    assert second.status_code == 422


def test_a_voided_refund_can_be_asked_for_again(as_user):
    contract = paid_contract(as_user, amount="1000.00")
    staff = as_user("institution_staff")
    transfer = _refund(staff, contract["id"], "1000.00").json()["transfer_id"]

    as_user("bank_gateway").post(
        f"/api/v1/market/transfers/{transfer}/settlement", {"outcome": "voided"}
    )

    assert balance(staff, contract["id"])["refundable"] == "1000.00"
    assert _refund(staff, contract["id"], "1000.00").status_code == 201


def test_paid_always_equals_released_plus_refunded_plus_unconsumed(as_user):
    contract = paid_contract(as_user, amount="1000.00", class_hours=10)
    staff, bank = as_user("institution_staff"), as_user("bank_gateway")
    release = staff.post(
        f"/api/v1/market/contracts/{contract['id']}/consumptions", {"hours": 4}
    ).json()["release"]
    bank.post(f"/api/v1/market/transfers/{release['id']}/settlement", {"outcome": "posted"})
    refund = _refund(staff, contract["id"], "200.00").json()
    bank.post(f"/api/v1/market/transfers/{refund['transfer_id']}/settlement", {"outcome": "posted"})

    f = balance(staff, contract["id"])

    assert (f["paid"], f["released"], f["refunded"], f["unconsumed"]) == (
        "1000.00",
        "400.00",
        "200.00",
        "400.00",
    )


def test_the_guardian_asks_for_a_refund_of_the_childs_contract(as_user):
    piano = Contract.objects.get(learner_name="陈小雨")
    parent = as_user("parent")
    refundable = balance(parent, piano.pk)["refundable"]

    response = _refund(parent, piano.pk, refundable)

    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "guardian"
    assert balance(parent, piano.pk)["refundable"] == "0.00"


def test_someone_else_cannot_see_or_refund_the_childs_contract(as_user):
    piano = Contract.objects.get(learner_name="陈小雨")

    assert _refund(as_user("citizen"), piano.pk, "1.00").status_code == 404
    assert as_user("citizen").get(f"/api/v1/market/contracts/{piano.pk}/balance").status_code == 404


def test_the_banks_confirmation_of_a_refund_notifies_the_family(
    as_user, django_capture_on_commit_callbacks
):
    piano = Contract.objects.get(learner_name="陈小雨")
    refund = _refund(as_user("parent"), piano.pk, "100.00").json()
    notifications.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        as_user("bank_gateway").post(
            f"/api/v1/market/transfers/{refund['transfer_id']}/settlement", {"outcome": "posted"}
        )

    sent = [e.message for e in notifications.outbox if e.message.template == "refund_processed"]
    assert sent and sent[0].recipient_id == str(piano.guardian_person_id)
    refunds = as_user("parent").get(f"/api/v1/market/contracts/{piano.pk}/refunds").json()
    assert refunds["items"][0]["status"] == "paid"
