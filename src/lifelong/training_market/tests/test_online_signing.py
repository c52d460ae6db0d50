"""A guardian signs a contract for their child online; nobody else can sign for the child."""

from __future__ import annotations

from lifelong.shared.ids import ric_check_character
from lifelong.training_market.tests.helpers import contract_body


def _demo_id(first17: str) -> str:
    return first17 + ric_check_character(first17)


CHILD = _demo_id("31010420150601024")  # 陈小雨
PARENT = _demo_id("31010419840102013")  # 陈立华, the demo `parent`


def test_the_guardian_signs_for_the_child_online(as_user):
    body = contract_body(learner_name="陈小雨", learner_id_number=CHILD, guardian_id_number=PARENT)

    response = as_user("parent").post("/api/v1/market/contracts", body)

    assert response.status_code == 201, response.content
    assert response.json()["signed_channel"] == "online"
    mine = as_user("parent").get("/api/v1/market/my/contracts").json()
    assert response.json()["id"] in {i["contract"]["id"] for i in mine["items"]}


def test_someone_else_cannot_sign_for_the_child(as_user):
    body = contract_body(learner_name="陈小雨", learner_id_number=CHILD, guardian_id_number=PARENT)

    assert as_user("citizen").post("/api/v1/market/contracts", body).status_code == 403


def test_the_guardian_must_be_the_one_signing(as_user):
    from lifelong.training_market.tests.helpers import adult_id

    body = contract_body(
        learner_name="陈小雨", learner_id_number=CHILD, guardian_id_number=adult_id()
    )

    assert as_user("parent").post("/api/v1/market/contracts", body).status_code == 403
