"""Signed bank callbacks. In production every request of the escrow bank's system account
carries `X-Lifelong-Signature`: the hex HMAC-SHA256 of the raw body under the bank's secret
(`LIFELONG_BANK_CALLBACK_SECRET`, or a file named by `LIFELONG_BANK_CALLBACK_SECRET_FILE`). In
demo mode the bearer token suffices, but a signature that is present must still be right."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from lifelong.shared.errors import Unauthenticated

SIGNATURE_HEADER = "X-Lifelong-Signature"


def callback_secret() -> str:
    """The shared secret (`BANK_CALLBACK_SECRET`, read from the environment by the settings)."""
    return str(getattr(settings, "BANK_CALLBACK_SECRET", "") or "")


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def check_signature(request) -> None:
    """Refuse (401) a callback whose signature is missing in production or wrong anywhere."""
    given = request.headers.get(SIGNATURE_HEADER)
    if given is None:
        if getattr(settings, "DEMO", False):
            return
        raise Unauthenticated(
            "银行回调缺少签名 / The bank callback is not signed", code="signature_required"
        )
    secret = callback_secret()
    if not secret or not hmac.compare_digest(sign(request.body, secret), given.strip().lower()):
        raise Unauthenticated(
            "银行回调签名无效 / The bank callback's signature is wrong", code="signature_invalid"
        )
