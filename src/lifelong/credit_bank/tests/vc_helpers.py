"""Helpers for the verifiable-credential tests: issue a badge for a demo learner, build a
partner-signed credential."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from lifelong.credit_bank.credentials import dataintegrity, documents, multibase
from lifelong.credit_bank.credentials.issue import issue_outcome_credential
from lifelong.identity import api as identity

CONFORMANCE = Path(settings.BASE_DIR).parent / "shared" / "conformance"
VECTOR = CONFORMANCE / "eddsa-rdfc-2022"

ACHIEVEMENT = {
    "code": "SH-CB-PY-001",
    "name": "Python 程序设计",
    "type": "degree_course",
    "level": "本科",
    "credits": "2.50",
    "criteria": "课程考试合格（60分及以上）",
    "awarding_body": "上海交通大学",
    "description": "学历教育课程学分",
}


def demo_person(username: str = "citizen") -> tuple[str, str]:
    """(person id, ID number) of a demo account."""
    user = get_user_model().objects.get(username=username)
    person_id = identity.person_for_user(user.pk)
    assert person_id
    number = identity.id_number_for_credential(person_id)
    assert number
    return person_id, number


def issuer_org(name: str = "上海交通大学") -> identity.OrganisationBrief:
    org = identity.find_organisation(name)
    assert org is not None
    return org


def issue_badge(
    username: str = "citizen", achievement: dict | None = None, outcome_id: str | None = None
) -> str:
    person_id, number = demo_person(username)
    org = issuer_org()
    return issue_outcome_credential(
        outcome_id=outcome_id or str(uuid.uuid4()),
        issuer_organisation_id=org.id,
        issuer_name=org.name,
        learner_person_id=person_id,
        learner_id_number=number,
        achievement=achievement or ACHIEVEMENT,
        issued_on=dt.date(2025, 3, 1),
    )


def fetch(api, credential_id: str) -> dict:
    response = api.get(f"/api/v1/credentials/{credential_id}")
    assert response.status_code == 200, response.content
    return response.json()


def verify(api, document) -> dict:
    response = api.post("/api/v1/credentials/verify", {"verifiableCredential": document})
    assert response.status_code == 200, response.content
    return response.json()


PARTNER_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")


def partner_keys(seed: bytes = PARTNER_SEED) -> tuple[str, str, bytes]:
    """(did, verification method, seed) of a test partner credit bank."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public = (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return multibase.did_key(public), multibase.did_key_verification_method(public), seed


def partner_badge(
    id_number: str,
    *,
    code: str = "JS-KF-11001",
    credits: float = 3.0,
    seed: bytes = PARTNER_SEED,
    credential_id: str | None = None,
) -> dict:
    """An Open Badge signed by the test partner (江苏) for the holder of `id_number`."""
    did, method, seed = partner_keys(seed)
    document = {
        "@context": list(documents.OB_CONTEXT),
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "计算机应用基础",
        "issuer": {"id": did, "type": ["Profile"], "name": "江苏省终身教育学分银行"},
        "validFrom": "2024-06-01T00:00:00+08:00",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [documents.identity_object(id_number)],
            "creditsEarned": credits,
            "achievement": {
                "id": "urn:uuid:0b9a3f7e-5a51-4c39-9d8c-0d3f1c2b4a01",
                "type": ["Achievement"],
                "name": "计算机应用基础",
                "description": "江苏开放大学计算机应用基础课程",
                "criteria": {"narrative": "考试合格"},
                "humanCode": code,
                "creditsAvailable": credits,
            },
        },
    }
    return dataintegrity.sign(
        document, seed=seed, verification_method=method, created="2024-06-01T08:00:00Z"
    )


def register_partner(as_user, code: str = "jiangsu", seed: bytes = PARTNER_SEED) -> dict:
    did, _, _ = partner_keys(seed)
    response = as_user("credit_bank_officer").post(
        "/api/v1/credentials/partners",
        {"code": code, "name": "江苏省终身教育学分银行", "province": "江苏省", "did": did},
    )
    assert response.status_code == 201, response.content
    return response.json()


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
