"""Lessons taught release their value: paid ÷ hours × hours taught, rounded down to the fen,
the last lesson releasing the remainder; a release is pending until the bank transfers it."""

from __future__ import annotations

from lifelong.training_market.tests.helpers import balance, paid_contract


def _teach(client, contract_id, hours: int):
    return client.post(f"/api/v1/market/contracts/{contract_id}/consumptions", {"hours": hours})


def test_lessons_release_their_value_rounded_down_to_the_fen(as_user):
    contract = paid_contract(as_user, amount="1000.00", class_hours=3)
    staff = as_user("institution_staff")

    response = _teach(staff, contract["id"], 1)

    assert response.status_code == 201, response.content
    assert response.json()["release"]["amount"] == "333.33"
    assert response.json()["release"]["status"] == "pending"
    assert response.json()["balance"]["pending"] == "333.33"


def test_the_last_lesson_releases_the_remainder_so_nothing_is_left(as_user):
    contract = paid_contract(as_user, amount="1000.00", class_hours=3)
    staff = as_user("institution_staff")

    amounts = [_teach(staff, contract["id"], 1).json()["release"]["amount"] for _ in range(3)]

    assert amounts == ["333.33", "333.33", "333.34"]
    figures = balance(staff, contract["id"])
    assert figures["refundable"] == "0.00" and figures["releasable"] == "0.00"
    assert figures["hours_left"] == 0


def test_the_bank_posting_a_release_moves_it_from_pending_to_released(as_user):
    contract = paid_contract(as_user, amount="900.00", class_hours=9)
    release = _teach(as_user("institution_staff"), contract["id"], 3).json()["release"]
    bank = as_user("bank_gateway")

    response = bank.post(
        f"/api/v1/market/transfers/{release['id']}/settlement",
        {"outcome": "posted", "bank_reference": "B-77"},
    )

    assert response.status_code == 201, response.content
    figures = balance(bank, contract["id"])
    assert (figures["released"], figures["pending"], figures["unconsumed"]) == (
        "300.00",
        "0.00",
        "600.00",
    )


def test_a_voided_release_goes_back_and_is_released_again_with_the_next_lesson(as_user):
    contract = paid_contract(as_user, amount="900.00", class_hours=9)
    staff, bank = as_user("institution_staff"), as_user("bank_gateway")
    first = _teach(staff, contract["id"], 1).json()["release"]

    voided = bank.post(f"/api/v1/market/transfers/{first['id']}/settlement", {"outcome": "voided"})
    assert voided.status_code == 201
    assert balance(staff, contract["id"])["releasable"] == "100.00"
    second = _teach(staff, contract["id"], 1).json()["release"]

    assert second["amount"] == "200.00"


def test_a_transfer_is_settled_once(as_user):
    contract = paid_contract(as_user, amount="900.00", class_hours=9)
    release = _teach(as_user("institution_staff"), contract["id"], 1).json()["release"]
    bank = as_user("bank_gateway")
    url = f"/api/v1/market/transfers/{release['id']}/settlement"

    first = bank.post(url, {"outcome": "posted"})
    same = bank.post(url, {"outcome": "posted"})
    other = bank.post(url, {"outcome": "voided"})

    assert (first.status_code, same.status_code, other.status_code) == (201, 200, 409)
    assert same.json()["settlement_id"] == first.json()["settlement_id"]


def test_more_hours_than_contracted_are_refused(as_user):
    contract = paid_contract(as_user, amount="900.00", class_hours=9)

    response = _teach(as_user("institution_staff"), contract["id"], 10)

    assert response.status_code == 422
    assert "hours_exceeded" in response.json()["error"]["fields"]["hours"]


def test_only_the_institution_records_lessons(as_user):
    contract = paid_contract(as_user, amount="900.00", class_hours=9)

    assert _teach(as_user("regulator"), contract["id"], 1).status_code == 403
    assert _teach(as_user("district_officer_huangpu"), contract["id"], 1).status_code == 403


def test_the_bank_lists_transfers_awaiting_it(as_user):
    contract = paid_contract(as_user, amount="900.00", class_hours=9)
    release = _teach(as_user("institution_staff"), contract["id"], 2).json()["release"]

    items = as_user("bank_gateway").get("/api/v1/market/transfers").json()["items"]

    assert release["id"] in {t["id"] for t in items}
    assert as_user("institution_staff").get("/api/v1/market/transfers").status_code == 403
