"""Records deposited for someone without an account wait in a dormant archive that is theirs
as soon as identity links a verified account to them."""

from __future__ import annotations

from lifelong.credit_bank.models import Archive
from lifelong.credit_bank.tests.helpers import id_number, link_verified_account
from lifelong.identity import api as identity
from lifelong.shared.models import AuditEntry


def test_a_deposit_for_an_unknown_person_opens_a_dormant_archive_claimed_on_verified_login(
    as_user,
):
    number = id_number("310110", "19661212")
    response = as_user("institution_staff").post(
        "/api/v1/credit-bank/outcomes",
        {
            "external_id": "YG-GH-1",
            "name": "郑国画",
            "id_number": number,
            "standard_code": "CL-GH",
            "achieved_on": "2022-10-10",
        },
    )
    assert response.status_code == 201, response.content
    person_id = identity.find_person_by_id_number(number)
    assert person_id is not None
    archive = Archive.objects.get(person_id=person_id)
    assert archive.opened_at is None  # dormant: nobody has looked yet

    link_verified_account(person_id, "zheng_guohua")
    mine = as_user("zheng_guohua").get("/api/v1/me/archive")

    assert mine.status_code == 200, mine.content
    assert [o["title"] for o in mine.json()["outcomes"]] == ["国画（花鸟）"]
    assert mine.json()["outcomes"][0]["credential_id"] == response.json()["credential_id"]
    archive.refresh_from_db()
    assert archive.opened_at is not None
    assert AuditEntry.objects.filter(action="credit_bank.archive_claim", object_id=person_id)


def test_a_second_deposit_for_the_same_id_number_uses_the_same_person(as_user):
    number = id_number("310112", "19750303")
    client = as_user("institution_staff")
    for external_id, code in (("A-1", "CL-SF"), ("A-2", "CL-SY")):
        client.post(
            "/api/v1/credit-bank/outcomes",
            {
                "external_id": external_id,
                "name": "冯一",
                "id_number": number,
                "standard_code": code,
                "achieved_on": "2021-01-05",
            },
        )
    person_id = identity.find_person_by_id_number(number)
    archive = Archive.objects.get(person_id=person_id)
    assert archive.outcomes.count() == 2
    assert archive.head_seq == 2
