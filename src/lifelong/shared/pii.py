"""Personal data at rest: AES-GCM encryption with key ids, an HMAC blind index for exact
look-up, and masking for display.

A sealed value is `kid.` + base64(nonce || ciphertext+tag). The key id lets keys rotate: new
writes use the first key of `PII_KEYS`; older keys stay listed until `lifelong reseal_pii` has
rewritten their rows. That command knows a column only once its domain has declared it with
`register_sealed_column` (from `AppConfig.ready()`): the context a value was sealed under is not
stored with it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _keys() -> tuple[str, dict[str, AESGCM]]:
    keys: dict[str, AESGCM] = {}
    current = ""
    for item in settings.PII_KEYS.split(","):
        kid, _, b64 = item.strip().partition(":")
        raw = base64.b64decode(b64)
        if not kid or len(raw) != 32:
            raise ImproperlyConfigured("Each PII key is 'kid:base64 of 32 bytes'")
        keys[kid] = AESGCM(raw)
        current = current or kid
    return current, keys


@functools.cache
def _index_key() -> bytes:
    raw = base64.b64decode(settings.PII_BLIND_INDEX_KEY)
    if len(raw) < 32:
        raise ImproperlyConfigured("LIFELONG_PII_BLIND_INDEX_KEY must hold at least 32 bytes")
    return raw


def seal(plaintext: str, *, context: str) -> str:
    """Encrypt; `context` (e.g. "person.id_number") is bound as associated data so a value
    cannot be moved into another column unnoticed."""
    kid, keys = _keys()
    nonce = os.urandom(12)
    ct = keys[kid].encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{kid}.{base64.b64encode(nonce + ct).decode('ascii')}"


def unseal(sealed: str, *, context: str) -> str:
    kid, _, b64 = sealed.partition(".")
    _, keys = _keys()
    blob = base64.b64decode(b64)
    return keys[kid].decrypt(blob[:12], blob[12:], context.encode("utf-8")).decode("utf-8")


def sealed_key_id(sealed: str) -> str:
    return sealed.partition(".")[0]


def current_key_id() -> str:
    return _keys()[0]


def configured_key_ids() -> list[str]:
    """The key ids of `PII_KEYS`, newest (the one new writes use) first."""
    return list(_keys()[1])


def reseal(sealed: str, *, context: str) -> str:
    """The same plaintext sealed under the newest key; a value already under it is returned
    unchanged. Raises KeyError for a key id no longer configured, InvalidTag for a value that
    was altered or sealed under another context."""
    if sealed_key_id(sealed) == current_key_id():
        return sealed
    return seal(unseal(sealed, context=context), context=context)


@dataclass(frozen=True)
class SealedColumn:
    """A model field holding `seal(…, context=context)` values."""

    model: str  # "app_label.ModelName"
    field: str
    context: str

    @property
    def label(self) -> str:
        return f"{self.model}.{self.field}"


_SEALED_COLUMNS: dict[str, SealedColumn] = {}


def register_sealed_column(model: str, field: str, *, context: str) -> None:
    """Declare that `model` ("app_label.ModelName") keeps values sealed under `context` in
    `field`, so that key rotation (`lifelong reseal_pii`) can re-encrypt them. Call it from the
    domain's `AppConfig.ready()`; declaring the same column again is harmless, with another
    context a mistake."""
    column = SealedColumn(model, field, context)
    existing = _SEALED_COLUMNS.setdefault(column.label, column)
    if existing != column:
        raise ImproperlyConfigured(f"{column.label} is already registered with another context")


def sealed_columns() -> list[SealedColumn]:
    """Every declared sealed column, in the order they were declared."""
    return list(_SEALED_COLUMNS.values())


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed digest for equality look-up without storing the value."""
    msg = f"{context}\x00{value}".encode()
    return hmac.new(_index_key(), msg, hashlib.sha256).hexdigest()


def mask_id_number(number: str) -> str:
    """`310104195001011234` → `310***********1234`: area prefix and last four kept."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(number: str) -> str:
    """`13812345678` → `138****5678`."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    """`张三丰` → `张**`."""
    return name[:1] + "*" * (len(name) - 1) if name else name
