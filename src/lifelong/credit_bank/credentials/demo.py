"""Demo data of the Yangtze River Delta exchange: the three partner credit banks (their demo
keys are derived from fixed seeds, so a demo partner credential can be signed with
`lifelong credentials sign`) and a few rows of the mutual recognition table. Idempotent."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction

from lifelong.credit_bank.credentials import multibase
from lifelong.credit_bank.models import Partner, RecognitionRule

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


@transaction.atomic
def load_demo() -> dict[str, int]:
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
