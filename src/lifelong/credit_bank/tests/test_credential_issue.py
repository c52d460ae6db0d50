"""Issuing an Open Badges 3.0 credential for a certified outcome (the agreed entry point
`issue_outcome_credential`)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import transaction

from lifelong.credit_bank.credentials import jsonld, multibase
from lifelong.credit_bank.credentials.issue import issue_outcome_credential
from lifelong.credit_bank.tests.vc_helpers import (
    ACHIEVEMENT,
    demo_person,
    fetch,
    issue_badge,
    issuer_org,
)
from lifelong.shared.errors import Invalid


def test_badge_has_the_open_badges_3_structure(api):
    document = fetch(api, issue_badge())

    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"].startswith("urn:uuid:")
    assert document["issuer"]["type"] == ["Profile"]
    assert document["issuer"]["name"] == "上海交通大学"
    assert document["issuer"]["id"].startswith("did:key:z6Mk")
    assert document["validFrom"] == "2025-03-01T00:00:00+08:00"
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["creditsEarned"] == 2.5
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Python 程序设计"
    assert achievement["humanCode"] == "SH-CB-PY-001"
    assert achievement["achievementType"] == "Course"
    assert achievement["criteria"] == {"narrative": "课程考试合格（60分及以上）"}
    assert achievement["creditsAvailable"] == 2.5
    proof = document["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == (
        document["issuer"]["id"] + "#" + document["issuer"]["id"][len("did:key:") :]
    )


def test_learner_is_named_only_by_a_salted_hash_of_the_id_number(api):
    _, number = demo_person()
    document = fetch(api, issue_badge())

    identity = document["credentialSubject"]["identifier"][0]
    import hashlib

    assert identity["type"] == "IdentityObject"
    assert identity["identityType"] == "nationalIdentityNumber"
    assert identity["hashed"] is True
    assert len(identity["salt"]) == 32
    expected = hashlib.sha256((number + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    text = json.dumps(document, ensure_ascii=False)
    assert number not in text
    assert number[-8:] not in text


def test_each_badge_gets_its_own_salt(api):
    first = fetch(api, issue_badge())["credentialSubject"]["identifier"][0]
    second = fetch(api, issue_badge())["credentialSubject"]["identifier"][0]

    assert first["salt"] != second["salt"]
    assert first["identityHash"] != second["identityHash"]


def test_revocation_entry_points_at_our_status_list(api):
    document = fetch(api, issue_badge())

    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"].isdigit()
    assert "/api/v1/credentials/status/" in status["statusListCredential"]
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"


def test_one_key_per_organisation_generated_once_and_sealed(api):
    first = fetch(api, issue_badge())
    second = fetch(api, issue_badge())

    assert first["issuer"]["id"] == second["issuer"]["id"]
    keys = api.get("/api/v1/credentials/issuers").json()
    org = issuer_org()
    [ours] = [k for k in keys["items"] if k["organisation_id"] == org.id]
    assert ours["did"] == first["issuer"]["id"]
    from lifelong.credit_bank.credentials import keys as signing
    from lifelong.shared import pii

    stored = signing.signing_key_for(org.id)
    assert "z3u" not in stored.private_key_sealed
    assert multibase.decode_secret_key(
        pii.unseal(stored.private_key_sealed, context="credit_bank.signing_key")
    )


def test_issuing_twice_for_one_outcome_returns_the_same_credential(db):
    outcome = str(uuid.uuid4())

    assert issue_badge(outcome_id=outcome) == issue_badge(outcome_id=outcome)


def test_issue_joins_the_callers_transaction(api):
    outcome = str(uuid.uuid4())

    with pytest.raises(RuntimeError), transaction.atomic():
        credential_id = issue_badge(outcome_id=outcome)
        raise RuntimeError("the caller's certification failed")

    assert api.get(f"/api/v1/credentials/{credential_id}").status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "achievement"),
        ({"code": ""}, "achievement"),
        ({"credits": "abc"}, "achievement.credits"),
        ({"credits": "-1"}, "achievement.credits"),
    ],
)
def test_incomplete_achievement_is_refused(db, change, field):
    person_id, number = demo_person()
    org = issuer_org()

    with pytest.raises(Invalid) as caught:
        issue_outcome_credential(
            outcome_id=str(uuid.uuid4()),
            issuer_organisation_id=org.id,
            issuer_name=org.name,
            learner_person_id=person_id,
            learner_id_number=number,
            achievement={**ACHIEVEMENT, **change},
            issued_on=__import__("datetime").date(2025, 3, 1),
        )

    assert field in caught.value.fields


def test_badge_canonicalises_with_every_term_defined(api):
    document = fetch(api, issue_badge())
    document.pop("proof")

    nquads = jsonld.canonicalize(document)

    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#IdentityObject" in nquads
    assert '"2.5E0"^^<https://www.w3.org/2001/XMLSchema#float>' in nquads
