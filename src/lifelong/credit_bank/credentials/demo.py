"""Demo data of the Yangtze River Delta exchange: the three partner credit banks (their demo
keys are derived from fixed seeds, so a demo partner credential can be signed with
`lifelong credentials sign`), a few rows of the mutual recognition table, and records a partner
credit bank sent for a learner: Open Badges signed with the partner's demo key and imported
through the exchange like any other. Idempotent."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction

from lifelong.credit_bank.credentials import dataintegrity, documents, exchange, multibase
from lifelong.credit_bank.models import ImportedCredential, Partner, RecognitionRule
from lifelong.identity import api as identity

PARTNERS = [
    ("jiangsu", "江苏省终身教育学分银行", "江苏省"),
    ("zhejiang", "浙江省终身教育学分银行", "浙江省"),
    ("anhui", "安徽省终身教育学分银行", "安徽省"),
]
# Partner standard → our standard (codes of the credit bank's demo standards).
RECOGNITIONS = [
    ("jiangsu", "JS-KF-11001", "计算机应用基础（江苏开放大学）", "SOU-11001"),
    ("zhejiang", "ZJ-ZY-YLHL-4", "养老护理员（四级）", "VC-YLHL-4"),
    ("anhui", "AH-FX-RGZN", "人工智能通识", "ND-RGZN"),
]
# Records the Zhejiang credit bank holds for a learner who moved to Shanghai:
# (partner, achievement code, name, description, credits, awarded on). The first is in the
# recognition table and becomes an outcome of the archive; the second is kept with its
# provenance only, as no standard of ours recognises it.
PARTNER_RECORDS = [
    (
        "zhejiang",
        "ZJ-ZY-YLHL-4",
        "养老护理员（四级）",
        "浙江省养老护理员职业技能等级认定（四级/中级工）",
        6.0,
        "2022-11-18",
    ),
    (
        "zhejiang",
        "ZJ-WH-CY-1",
        "茶艺（初级）",
        "浙江省终身教育学分银行文化休闲类学习成果",
        1.0,
        "2023-04-22",
    ),
]


def demo_partner_secret(code: str) -> str:
    """The demo partner's secretKeyMultibase (demo only: a real partner keeps its own)."""
    seed = hashlib.sha256(f"lifelong-demo-partner:{code}".encode()).digest()
    return multibase.secret_key_multibase(seed)


def _public(code: str) -> bytes:
    seed = multibase.decode_secret_key(demo_partner_secret(code))
    return (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def demo_record_id(partner: str, achievement_code: str, id_number: str) -> str:
    """The id of a demo partner credential: the same learner and record always get the same
    one, which is what makes importing them idempotent."""
    name = f"lifelong-demo-partner:{partner}:{achievement_code}:{id_number}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def partner_record(
    partner: str,
    *,
    id_number: str,
    code: str,
    name: str,
    description: str,
    credits: float,
    awarded_on: str,
) -> dict[str, Any]:
    """An Open Badge the demo partner `partner` issued to the holder of `id_number`, signed
    with its demo key."""
    public = _public(partner)
    partner_name = next(n for c, n, _ in PARTNERS if c == partner)
    moment = f"{awarded_on}T00:00:00+08:00"
    document = {
        "@context": list(documents.OB_CONTEXT),
        "id": demo_record_id(partner, code, id_number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": documents.issuer_profile(multibase.did_key(public), partner_name),
        "validFrom": moment,
        "awardedDate": moment,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [documents.identity_object(id_number)],
            "creditsEarned": credits,
            "achievement": {
                "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{partner}:{code}')}",
                "type": ["Achievement"],
                "name": name,
                "description": description,
                "criteria": {"narrative": description},
                "humanCode": code,
                "creditsAvailable": credits,
            },
        },
    }
    return dataintegrity.sign(
        document,
        seed=multibase.decode_secret_key(demo_partner_secret(partner)),
        verification_method=multibase.did_key_verification_method(public),
        created=f"{awarded_on}T02:00:00Z",
    )


def import_partner_records(*, actor: identity.Actor, person_id: str, id_number: str) -> int:
    """Import the demo partner records of one learner through the exchange (which verifies
    each signature and deposits what the recognition table maps); records already imported
    are left alone. Returns how many were imported now."""
    imported = 0
    for partner, code, name, description, credits, awarded_on in PARTNER_RECORDS:
        credential_id = demo_record_id(partner, code, id_number)
        if ImportedCredential.objects.filter(
            partner__code=partner, credential_id=credential_id
        ).exists():
            continue
        document = partner_record(
            partner,
            id_number=id_number,
            code=code,
            name=name,
            description=description,
            credits=credits,
            awarded_on=awarded_on,
        )
        exchange.import_partner_credential(actor=actor, person_id=person_id, document=document)
        imported += 1
    return imported


@transaction.atomic
def load_demo() -> dict[str, int]:
    """The partner registry and the recognition table."""
    partners = 0
    for code, name, province in PARTNERS:
        public = _public(code)
        _, created = Partner.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "province": province,
                "did": multibase.did_key(public),
                "verification_method": multibase.did_key_verification_method(public),
                "public_key_multibase": multibase.public_key_multibase(public),
                "registered_by": "demo",
            },
        )
        partners += created
    rules = 0
    for code, theirs, their_name, ours in RECOGNITIONS:
        _, created = RecognitionRule.objects.get_or_create(
            partner=Partner.objects.get(code=code),
            partner_standard_code=theirs,
            defaults={
                "partner_standard_name": their_name,
                "standard_code": ours,
            },
        )
        rules += created
    return {"partners": partners, "recognition_rules": rules}
