"""A deletion request (PIPL art. 47) keeps the training contracts a person is party to: they
carry rights and the supervised prepaid-funds ledger depends on them."""

from __future__ import annotations


def test_a_guardians_deletion_request_keeps_the_training_contracts(as_user):
    made = as_user("parent").post("/api/v1/me/deletion-request", {"reason": "不再使用"})
    assert made.status_code == 201, made.content

    done = as_user("commission_officer").post(
        f"/api/v1/deletion-requests/{made.json()['id']}/process"
    )

    assert done.status_code == 200, done.content
    retained = {r["rule"]: r["data"] for r in done.json()["retained"]}
    assert retained["training_market.contracts"] == ["training_contracts"]


def test_someone_without_contracts_has_nothing_kept_here(as_user):
    made = as_user("senior_citizen").post("/api/v1/me/deletion-request", {"reason": "不再使用"})

    done = as_user("commission_officer").post(
        f"/api/v1/deletion-requests/{made.json()['id']}/process"
    )

    assert "training_market.contracts" not in {r["rule"] for r in done.json()["retained"]}
