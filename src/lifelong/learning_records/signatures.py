"""Signed statements (Part 2, 2.6): a JWS in an attachment whose usageType is the signature
IRI. The store refuses malformed signatures: the JWS must be in compact serialisation, use
RS256, RS384 or RS512, carry the statement (without its signature) as payload, and, when its
header holds an X.509 chain (`x5c`), verify against the first certificate."""

from __future__ import annotations

import base64
import binascii
import copy
import json
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from lifelong.learning_records.formats import same_statement
from lifelong.learning_records.validation import StatementInvalid

if TYPE_CHECKING:
    from lifelong.learning_records.services import AttachmentPart

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}


def _bad(en: str, zh: str) -> StatementInvalid:
    return StatementInvalid("statement.attachments.signature", zh, en)


def _b64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise _bad("is not base64url", "不是 base64url 编码") from None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise _bad("does not hold JSON", "不是 JSON") from None


def _unsigned(statement: dict) -> dict:
    """The statement as it was before its signature attachment was added."""
    original = copy.deepcopy(statement)
    kept = [a for a in original.get("attachments", []) if a.get("usageType") != SIGNATURE_USAGE]
    if kept:
        original["attachments"] = kept
    else:
        original.pop("attachments", None)
    return original


def check_signature(statement: dict, attachment: dict, part: AttachmentPart | None) -> None:
    """Raise StatementInvalid unless the signature attachment is well formed (2.6.s5.b3)."""
    if part is None:
        raise _bad("must be sent as an attachment part", "签名须作为附件部分发送")
    if attachment["contentType"].split(";")[0].strip() != "application/octet-stream":
        raise _bad("must have contentType application/octet-stream", "签名的类型须为八位字节流")
    try:
        compact = part.data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _bad("is not a compact JWS", "不是紧凑序列化的 JWS") from None
    pieces = compact.split(".")
    if len(pieces) != 3:
        raise _bad("is not a compact JWS", "不是紧凑序列化的 JWS")
    header = _json(_b64url(pieces[0]))
    if not isinstance(header, dict) or header.get("alg") not in _HASHES:
        raise _bad("must use RS256, RS384 or RS512", "签名算法须为 RS256、RS384 或 RS512")
    signed = _json(_b64url(pieces[1]))
    if not isinstance(signed, dict) or not same_statement(signed, _unsigned(statement)):
        raise _bad("does not sign this statement", "签名内容与语句不一致")
    if "id" in signed and str(signed["id"]).lower() != str(statement.get("id", "")).lower():
        raise _bad("signs a statement of another id", "签名的语句 id 不同")
    chain = header.get("x5c")
    if chain is None:
        return
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
        key = certificate.public_key()
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error):
        raise _bad("has an unreadable x5c certificate", "x5c 证书无法读取") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise _bad("x5c certificate is not an RSA key", "x5c 证书不是 RSA 公钥")
    try:
        key.verify(
            _b64url(pieces[2]),
            f"{pieces[0]}.{pieces[1]}".encode("ascii"),
            padding.PKCS1v15(),
            _HASHES[header["alg"]](),
        )
    except InvalidSignature:
        raise _bad("does not verify with its x5c certificate", "签名无法用 x5c 证书验证") from None
