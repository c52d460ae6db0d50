"""Yangtze River Delta exchange: the registry of trusted partner credit banks, the mutual
recognition table, and importing a partner-signed credential with its provenance."""

from __future__ import annotations

import copy

from lifelong.credit_bank.tests.vc_helpers import (
    demo_person,
    partner_badge,
    partner_keys,
    register_partner,
    verify,
)


def _recognise(as_user, code="JS-KF-11001", ours="SOU-11001"):
    response = as_user("credit_bank_officer").post(
        "/api/v1/credentials/recognitions",
        {
            "partner": "jiangsu",
            "partner_standard_code": code,
            "partner_standard_name": "计算机应用基础（江苏开放大学）",
            "standard_code": ours,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def _import(as_user, person_id, document, role="credit_bank_officer"):
    return as_user(role).post(
        "/api/v1/credentials/import", {"person_id": person_id, "verifiableCredential": document}
    )


def test_registered_partner_is_listed_publicly_with_its_key(api, as_user):
    did, method, _ = partner_keys()

    register_partner(as_user)
    listed = api.get("/api/v1/credentials/partners").json()

    [jiangsu] = [p for p in listed["items"] if p["code"] == "jiangsu"]
    assert jiangsu["did"] == did
    assert jiangsu["verification_method"] == method
    assert jiangsu["public_key_multibase"] == did[len("did:key:") :]


def test_only_officers_register_partners_and_keys_are_checked(api, as_user):
    body = {"code": "zhejiang", "name": "浙江", "province": "浙江省", "did": "did:key:zBad"}

    assert api.post("/api/v1/credentials/partners", body).status_code == 401
    assert as_user("citizen").post("/api/v1/credentials/partners", body).status_code == 403
    bad = as_user("credit_bank_officer").post("/api/v1/credentials/partners", body)
    assert bad.status_code == 422
    assert "did" in bad.json()["error"]["fields"]


def test_partner_credential_verifies_once_the_partner_is_registered(api, as_user):
    _, number = demo_person()
    document = partner_badge(number)

    before = verify(api, document)
    register_partner(as_user)
    after = verify(api, document)

    assert any("registered partner" in w for w in before["warnings"])
    assert after["verified"] is True
    assert not any("registered partner" in w for w in after["warnings"])


def test_import_deposits_the_recognised_outcome_in_the_archive_with_provenance(as_user):
    from lifelong.credit_bank.api import archive_summary

    person_id, number = demo_person()
    register_partner(as_user)
    _recognise(as_user)
    before = archive_summary(person_id)
    document = partner_badge(number, credits=3.0)

    response = _import(as_user, person_id, document)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partner"] == "jiangsu"
    assert body["credential_id"] == document["id"]
    assert body["achievement_code"] == "JS-KF-11001"
    assert body["credits"] == "3.00"
    assert body["standard_code"] == "SOU-11001"
    assert body["recognised_credits"] == "4.00"  # our standard's credits
    assert body["outcome_id"]
    after = archive_summary(person_id)
    assert after.certified == before.certified + 1
    assert after.credits == before.credits + 4
    listed = (
        as_user("credit_bank_officer")
        .get("/api/v1/credentials/imports", person_id=person_id)
        .json()
    )
    assert body["id"] in {item["id"] for item in listed["items"]}


def test_import_without_a_recognition_rule_keeps_the_credential_but_deposits_nothing(as_user):
    from lifelong.credit_bank.api import archive_summary

    person_id, number = demo_person()
    register_partner(as_user)
    before = archive_summary(person_id)

    response = _import(as_user, person_id, partner_badge(number, code="JS-UNMAPPED-1"))

    assert response.status_code == 201, response.content
    assert response.json()["standard_code"] is None
    assert response.json()["outcome_id"] == ""
    assert archive_summary(person_id) == before


def test_importing_the_same_credential_again_is_idempotent(as_user):
    person_id, number = demo_person()
    register_partner(as_user)
    document = partner_badge(number)

    first = _import(as_user, person_id, document)
    second = _import(as_user, person_id, document)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_tampered_or_foreign_or_mismatched_credentials_are_refused(as_user):
    person_id, number = demo_person()
    other_person, other_number = demo_person("senior_citizen")
    register_partner(as_user)
    tampered = copy.deepcopy(partner_badge(number))
    tampered["credentialSubject"]["creditsEarned"] = 30.0
    unregistered = partner_badge(number, seed=bytes(range(32)))

    bad_signature = _import(as_user, person_id, tampered)
    not_partner = _import(as_user, person_id, unregistered)
    wrong_person = _import(as_user, other_person, partner_badge(number))

    assert bad_signature.status_code == 422
    assert bad_signature.json()["error"]["code"] == "not_verified"
    assert not_partner.status_code == 422
    assert "not a registered partner" in str(not_partner.json()["error"]["fields"])
    assert wrong_person.status_code == 422
    assert wrong_person.json()["error"]["code"] == "identity_mismatch"
    assert other_number != number


def test_citizens_cannot_import(as_user):
    person_id, number = demo_person()
    register_partner(as_user)

    response = _import(as_user, person_id, partner_badge(number), role="citizen")

    assert response.status_code == 403


def test_recognition_table_is_public_and_names_only_our_active_standards(api, as_user):
    register_partner(as_user)
    _recognise(as_user)

    table = api.get("/api/v1/credentials/recognitions", partner="jiangsu").json()
    unknown = as_user("credit_bank_officer").post(
        "/api/v1/credentials/recognitions",
        {
            "partner": "jiangsu",
            "partner_standard_code": "X",
            "partner_standard_name": "X",
            "standard_code": "NO-SUCH-STANDARD",
        },
    )

    [row] = [r for r in table["items"] if r["partner_standard_code"] == "JS-KF-11001"]
    assert row["standard_code"] == "SOU-11001"
    assert row["standard_name"] == "计算机应用基础"
    assert row["standard_credits"] == "4.00"
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"] == {"standard_code": "unknown"}
