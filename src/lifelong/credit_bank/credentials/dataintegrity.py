"""W3C Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (VC Data Integrity EdDSA
Cryptosuites v1.0, §3.3).

Signing: canonicalise the document without its proof (RDFC-1.0) and the proof options with the
document's `@context`; hash each with SHA-256; sign `hash(proof options) ‖ hash(document)` with
Ed25519; the signature, base58btc-encoded, is the `proofValue`. Ed25519 is deterministic, so
the same key, document and options always give the same `proofValue`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lifelong.credit_bank.credentials import multibase
from lifelong.credit_bank.credentials.jsonld import JsonLdFailure, canonicalize

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"

# XML Schema dateTime with a time zone, as Data Integrity requires for `created`.
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class ProofError(ValueError):
    """A proof that cannot be made or checked; the message is Chinese / English."""


@dataclass(frozen=True)
class Steps:
    """Every intermediate value of one signing, for conformance tests and debugging."""

    canonical_document: str
    canonical_proof_config: str
    document_hash: bytes
    proof_config_hash: bytes
    hash_data: bytes
    signature: bytes
    proof: dict[str, Any]


def format_created(moment: dt.datetime) -> str:
    """`created` as XML Schema dateTime in UTC, whole seconds."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_datetime(value: Any) -> bool:
    return isinstance(value, str) and bool(_DATETIME.match(value))


def parse_datetime(value: str) -> dt.datetime:
    if not is_datetime(value):
        raise ValueError(value)
    text = value.replace("Z", "+00:00")
    if "." in text:
        head, _, tail = text.partition(".")
        digits = re.match(r"\d+", tail)
        frac = digits.group(0) if digits else ""
        text = f"{head}.{frac[:6].ljust(6, '0')}{tail[len(frac) :]}"
    return dt.datetime.fromisoformat(text)


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def proof_configuration(options: dict[str, Any], context: Any) -> dict[str, Any]:
    """The proof options without `proofValue`, carrying the document's `@context`."""
    config = {k: v for k, v in options.items() if k not in ("proofValue", "@context")}
    config["@context"] = context
    return config


def hash_data(canonical_proof_config: str, canonical_document: str) -> bytes:
    return (
        hashlib.sha256(canonical_proof_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def sign_steps(
    document: dict[str, Any],
    *,
    seed: bytes,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> Steps:
    """Sign `document` (its existing proof, if any, is replaced) and return every step."""
    if not is_datetime(created):
        raise ProofError(
            "created 必须是带时区的 XML Schema dateTime / "
            "created must be an XML Schema dateTime with a time zone"
        )
    if "@context" not in document:
        raise ProofError("文档缺少 @context / The document has no @context")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    body = unsecured(document)
    canonical_document = canonicalize(body)
    canonical_config = canonicalize(proof_configuration(options, document["@context"]))
    data = hash_data(canonical_config, canonical_document)
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(data)
    proof = {**options, "proofValue": multibase.encode_base58btc(signature)}
    return Steps(
        canonical_document=canonical_document,
        canonical_proof_config=canonical_config,
        document_hash=data[32:],
        proof_config_hash=data[:32],
        hash_data=data,
        signature=signature,
        proof=proof,
    )


def sign(
    document: dict[str, Any],
    *,
    seed: bytes,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The document with a new `eddsa-rdfc-2022` proof."""
    steps = sign_steps(
        document,
        seed=seed,
        verification_method=verification_method,
        created=created,
        proof_purpose=proof_purpose,
    )
    return {**unsecured(document), "proof": steps.proof}


def proof_of(document: Any) -> dict[str, Any]:
    """The one proof of a secured document, checked for shape; ProofError otherwise."""
    if not isinstance(document, dict):
        raise ProofError("凭证必须是 JSON 对象 / A credential must be a JSON object")
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError(
                "只支持恰好一个证明 / Exactly one proof is supported (no proof sets or chains)"
            )
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("凭证没有证明 / The credential has no proof")
    if proof.get("type") != PROOF_TYPE:
        raise ProofError(f"证明类型必须是 {PROOF_TYPE} / The proof type must be {PROOF_TYPE}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            f"不支持的密码套件，只接受 {CRYPTOSUITE} / Unsupported cryptosuite; only {CRYPTOSUITE}"
        )
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError(
            "证明目的必须是 assertionMethod / The proof purpose must be assertionMethod"
        )
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("证明缺少验证方法 / The proof has no verificationMethod")
    if "created" in proof and not is_datetime(proof["created"]):
        raise ProofError("证明的 created 不是合法时间 / The proof's created is not a dateTime")
    if not isinstance(proof.get("proofValue"), str):
        raise ProofError("证明缺少 proofValue / The proof has no proofValue")
    return proof


def verify(document: dict[str, Any], public_key: bytes) -> None:
    """Check the document's proof against an Ed25519 public key; ProofError if it fails."""
    proof = proof_of(document)
    try:
        signature = multibase.decode_base58btc(proof["proofValue"])
    except multibase.MultibaseError:
        raise ProofError("proofValue 不是 base58btc / proofValue is not base58btc") from None
    if len(signature) != 64:
        raise ProofError("签名长度错误 / The signature has the wrong length")
    try:
        canonical_document = canonicalize(unsecured(document))
        canonical_config = canonicalize(proof_configuration(proof, document.get("@context")))
    except JsonLdFailure as exc:
        raise ProofError(str(exc)) from None
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, hash_data(canonical_config, canonical_document)
        )
    except (InvalidSignature, ValueError):
        raise ProofError(
            "签名不符：凭证在签发后被改动，或不是该密钥签发 / "
            "The signature does not match: the credential was changed or not signed by this key"
        ) from None
