"""Who may talk to /xapi/: HTTP Basic credentials of a registered, active LRS client.

Secrets are stored as argon2 hashes. Checking argon2 on every request would cap ingestion at a
few dozen requests a second, so a successful check is remembered in this process for a few
minutes under an HMAC of (client, stored hash, secret): only the same secret for the same stored
hash finds it, and changing the secret (a new hash) forgets it at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import connection

from lifelong.learning_records.models import LrsClient
from lifelong.learning_records.validation import parse_json
from lifelong.shared.errors import Forbidden, Unauthenticated

WWW_AUTHENTICATE = 'Basic realm="Lifelong xAPI", charset="UTF-8"'
_REMEMBER_SECONDS = 300
_REMEMBER_MAX = 1024
_verified: OrderedDict[str, float] = OrderedDict()
_verified_lock = threading.Lock()
_DUMMY_HASH: list[str] = []


def _fingerprint(client: LrsClient, secret: str) -> str:
    message = f"{client.pk}\x1f{client.secret_hash}\x1f{secret}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _remembered(fingerprint: str) -> bool:
    with _verified_lock:
        until = _verified.get(fingerprint)
        if until is None:
            return False
        if until < time.monotonic():
            del _verified[fingerprint]
            return False
        _verified.move_to_end(fingerprint)
        return True


def _remember(fingerprint: str) -> None:
    with _verified_lock:
        _verified[fingerprint] = time.monotonic() + _REMEMBER_SECONDS
        while len(_verified) > _REMEMBER_MAX:
            _verified.popitem(last=False)


def _refuse() -> Unauthenticated:
    return Unauthenticated(
        "需要有效的学习记录客户端凭据 / Valid LRS client credentials are required",
        code="unauthenticated",
    )


def parse_basic(authorization: str | None) -> tuple[str, str]:
    """(key, secret) from an `Authorization: Basic …` header; raises Unauthenticated."""
    scheme, _, encoded = (authorization or "").strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise _refuse()
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _refuse() from None
    key, colon, secret = decoded.partition(":")
    if not colon:
        raise _refuse()
    return key, secret


# Every xAPI request reads its client, so the read is one plain query (the ORM's version of it
# costs several times the CPU): no cache, so a changed secret or a deactivation counts at once.
_CLIENT_SQL = (
    'SELECT "id", "name", "secret_hash", "authority", "scope" '
    'FROM "{table}" WHERE "key" = %s AND "active"'
)


def active_client(key: str) -> LrsClient | None:
    """The active client registered under `key`, if any (with the fields authentication and
    the store use: not `created_at`)."""
    with connection.cursor() as cursor:
        cursor.execute(_CLIENT_SQL.format(table=LrsClient._meta.db_table), [key])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, name, secret_hash, authority, scope = row
    return LrsClient(
        id=pk,
        key=key,
        name=name,
        secret_hash=secret_hash,
        authority=parse_json(authority) if isinstance(authority, str) else authority,
        scope=scope,
        active=True,
    )


def authenticate_client(authorization: str | None) -> LrsClient:
    """The active client whose Basic credentials these are; raises Unauthenticated."""
    key, secret = parse_basic(authorization)
    client = active_client(key)
    if client is None:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(make_password("lifelong-no-such-client"))
        check_password(secret, _DUMMY_HASH[0])  # the same time as a wrong secret
        raise _refuse()
    fingerprint = _fingerprint(client, secret)
    if _remembered(fingerprint):
        return client
    if not check_password(secret, client.secret_hash):
        raise _refuse()
    _remember(fingerprint)
    return client


def require_read(client: LrsClient) -> None:
    if not client.can_read:
        raise Forbidden("该客户端无权读取语句 / This client may not read statements")


def require_write(client: LrsClient) -> None:
    if not client.can_write:
        raise Forbidden("该客户端无权写入语句 / This client may not write statements")
