"""Verifying a credential: proof (`eddsa-rdfc-2022`), who signed it, validity period and
revocation status. The answer is always a result, never an exception: whatever is wrong with
the document becomes a reason in `errors` (Chinese / English)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lifelong.credit_bank.credentials import dataintegrity, multibase
from lifelong.credit_bank.credentials.documents import public_base_url
from lifelong.credit_bank.credentials.jsonld import CREDENTIALS_V1, CREDENTIALS_V2
from lifelong.credit_bank.models import Partner, Revocation, SigningKey, StatusList
from lifelong.shared import clock

MAX_DOCUMENT_CHARS = 1_000_000
MAX_EMBEDDED = 200
_STATUS_PATH = re.compile(r"^/api/v1/credentials/status/(\d{1,12})$")


@dataclass
class Result:
    verified: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    issuer_kind: str = ""  # "ours", "partner", "did:key" (unregistered) or ""
    issuer_name: str = ""
    partner_code: str = ""


@dataclass(frozen=True)
class _Key:
    public_key: bytes
    kind: str
    name: str
    partner_code: str = ""
    organisation_id: int | None = None


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def _issuer_name(document: dict[str, Any]) -> str:
    issuer = document.get("issuer")
    if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
        return issuer["name"]
    return ""


def resolve_verification_method(method: str) -> _Key | None:
    """Our own issuers' keys, then the trusted partners', then any did:key decoded locally."""
    ours = SigningKey.objects.filter(verification_method=method).first()
    if ours is not None:
        return _Key(
            multibase.decode_public_key(ours.public_key_multibase),
            "ours",
            "",
            organisation_id=ours.organisation_id,
        )
    partner = Partner.objects.filter(verification_method=method, active=True).first()
    if partner is not None:
        return _Key(
            multibase.decode_public_key(partner.public_key_multibase),
            "partner",
            partner.name,
            partner_code=partner.code,
        )
    if method.startswith("did:key:"):
        try:
            return _Key(multibase.public_key_of_did_key(method), "did:key", "")
        except multibase.MultibaseError:
            return None
    return None


def _check_shape(document: Any, errors: list[str]) -> bool:
    if not isinstance(document, dict):
        errors.append("凭证必须是 JSON 对象 / A credential must be a JSON object")
        return False
    context = document.get("@context")
    if (
        not isinstance(context, list)
        or not context
        or context[0]
        not in (
            CREDENTIALS_V2,
            CREDENTIALS_V1,
        )
    ):
        errors.append(
            "@context 的第一项必须是 W3C 可验证凭证上下文 / "
            "The first @context must be the W3C Verifiable Credentials context"
        )
        return False
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        errors.append("type 必须包含 VerifiableCredential / type must include VerifiableCredential")
        return False
    if _issuer_id(document) is None:
        errors.append("凭证缺少签发者 / The credential names no issuer")
        return False
    return True


def _check_dates(document: dict[str, Any], errors: list[str], checks: list[str]) -> None:
    now = clock.now()
    for name in ("validFrom", "validUntil"):
        value = document.get(name)
        if value is None:
            continue
        try:
            moment = dataintegrity.parse_datetime(value)
        except (ValueError, TypeError):
            errors.append(f"{name} 不是合法时间 / {name} is not a valid dateTime")
            continue
        if name == "validFrom" and moment > now:
            errors.append("凭证尚未生效 / The credential is not valid yet (validFrom)")
        if name == "validUntil" and moment < now:
            errors.append("凭证已过期 / The credential has expired (validUntil)")
    checks.append("validity")


def _status_entries(document: dict[str, Any]) -> list[Any]:
    status = document.get("credentialStatus")
    if status is None:
        return []
    return status if isinstance(status, list) else [status]


def _check_status(
    document: dict[str, Any], key: _Key, errors: list[str], warnings: list[str], checks: list[str]
) -> None:
    base = public_base_url()
    for entry in _status_entries(document):
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            warnings.append(
                "未识别的状态条目，未检查撤销状态 / Unrecognised credentialStatus; not checked"
            )
            continue
        url = entry.get("statusListCredential")
        index_text = entry.get("statusListIndex")
        if not isinstance(url, str) or not isinstance(index_text, str) or not index_text.isdigit():
            errors.append("状态条目不完整 / The status entry is malformed")
            continue
        match = _STATUS_PATH.match(url[len(base) :]) if url.startswith(base) else None
        if match is None:
            warnings.append(
                f"状态列表 {url} 不在本平台，离线无法检查撤销状态 / "
                f"Status list {url} is not ours and cannot be checked offline"
            )
            continue
        status_list = StatusList.objects.filter(pk=int(match.group(1))).first()
        index = int(index_text)
        if (
            status_list is None
            or key.kind != "ours"
            or status_list.organisation_id != key.organisation_id
            or index >= status_list.size
        ):
            errors.append("状态列表与签发者不符 / The status list does not belong to this issuer")
            continue
        if entry.get("statusPurpose") != "revocation":
            errors.append("状态用途必须是 revocation / statusPurpose must be revocation")
            continue
        revoked = Revocation.objects.filter(
            credential__status_list=status_list, credential__status_index=index
        ).exists()
        checks.append("status")
        if revoked:
            errors.append("凭证已被撤销 / The credential has been revoked")


def verify_credential(document: Any, *, _depth: int = 0) -> Result:
    """Verify one credential (a ClrCredential's embedded credentials too)."""
    errors: list[str] = []
    warnings: list[str] = []
    checks: list[str] = []
    if _depth == 0:
        try:
            size = len(json.dumps(document, ensure_ascii=False))
        except (TypeError, ValueError, RecursionError):
            size = MAX_DOCUMENT_CHARS + 1
        if size > MAX_DOCUMENT_CHARS:
            return Result(False, ["凭证过大 / The credential is too large"])
    if not _check_shape(document, errors):
        return Result(False, errors)
    try:
        proof = dataintegrity.proof_of(document)
    except dataintegrity.ProofError as exc:
        return Result(False, [str(exc)])
    method = proof["verificationMethod"]
    key = resolve_verification_method(method)
    if key is None:
        return Result(
            False,
            [f"未知的验证方法 / unknown verification method: {method[:200]}"],
        )
    controller = method.partition("#")[0]
    if controller != _issuer_id(document):
        return Result(
            False,
            [
                "签名密钥不属于凭证的签发者 / "
                "The signing key does not belong to the credential's issuer"
            ],
        )
    try:
        dataintegrity.verify(document, key.public_key)
        checks.append("proof")
    except dataintegrity.ProofError as exc:
        errors.append(str(exc))
    _check_dates(document, errors, checks)
    _check_status(document, key, errors, warnings, checks)
    if key.kind == "did:key":
        warnings.append(
            "签发者不在本平台或合作学分银行名录中 / "
            "The issuer is neither ours nor a registered partner credit bank"
        )
    if "ClrCredential" in document.get("type", []):
        subject = document.get("credentialSubject")
        embedded = subject.get("verifiableCredential", []) if isinstance(subject, dict) else []
        if not isinstance(embedded, list) or len(embedded) > MAX_EMBEDDED or _depth > 1:
            errors.append("内嵌凭证格式错误 / The embedded credentials are malformed")
        else:
            for position, inner in enumerate(embedded):
                result = verify_credential(inner, _depth=_depth + 1)
                errors.extend(f"verifiableCredential[{position}]: {e}" for e in result.errors)
                warnings.extend(f"verifiableCredential[{position}]: {w}" for w in result.warnings)
            checks.append("embedded")
    name = key.name or _issuer_name(document)
    return Result(
        verified=not errors,
        errors=errors,
        warnings=warnings,
        checks=checks,
        issuer_kind=key.kind,
        issuer_name=name,
        partner_code=key.partner_code,
    )
