"""Multibase (base58btc `z…`, base64url `u…`), multicodec key prefixes and did:key for Ed25519.

A did:key for Ed25519 is `did:key:z` + base58btc(0xed 0x01 ‖ 32-byte public key); its one
verification method is `did:key:z…#z…` (the same multibase string after the `#`).
"""

from __future__ import annotations

import base64

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


class MultibaseError(ValueError):
    """A value that is not the multibase, multicodec or DID it claims to be."""


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, rest = divmod(number, 58)
        chars.append(_ALPHABET[rest])
    return "1" * zeros + "".join(reversed(chars))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        try:
            number = number * 58 + _INDEX[char]
        except KeyError:
            raise MultibaseError(f"not base58btc: {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_base58btc(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise MultibaseError("expected a base58btc multibase value (starting with 'z')")
    return b58decode(value[1:])


def encode_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("u"):
        raise MultibaseError("expected a base64url multibase value (starting with 'u')")
    body = value[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        raise MultibaseError("not base64url") from None


def public_key_multibase(public_key: bytes) -> str:
    """Multikey `publicKeyMultibase` of a raw 32-byte Ed25519 public key."""
    return encode_base58btc(ED25519_PUB + public_key)


def secret_key_multibase(seed: bytes) -> str:
    return encode_base58btc(ED25519_PRIV + seed)


def decode_public_key(multibase: str) -> bytes:
    raw = decode_base58btc(multibase)
    if raw[:2] != ED25519_PUB or len(raw) != 34:
        raise MultibaseError("not an Ed25519 public key (multicodec 0xed01, 32 bytes)")
    return raw[2:]


def decode_secret_key(multibase: str) -> bytes:
    """The 32-byte Ed25519 seed of a `secretKeyMultibase` (multicodec 0x8026)."""
    raw = decode_base58btc(multibase)
    if raw[:2] != ED25519_PRIV or len(raw) != 34:
        raise MultibaseError("not an Ed25519 secret key (multicodec 0x8026, 32 bytes)")
    return raw[2:]


def did_key(public_key: bytes) -> str:
    return "did:key:" + public_key_multibase(public_key)


def did_key_verification_method(public_key: bytes) -> str:
    multibase = public_key_multibase(public_key)
    return f"did:key:{multibase}#{multibase}"


def public_key_of_did_key(did_or_method: str) -> bytes:
    """The Ed25519 public key named by a did:key or its verification method id."""
    if not isinstance(did_or_method, str) or not did_or_method.startswith("did:key:"):
        raise MultibaseError("not a did:key")
    did, _, fragment = did_or_method.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise MultibaseError("a did:key verification method must repeat the key after '#'")
    return decode_public_key(multibase)
