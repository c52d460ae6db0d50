"""SMS one-time codes, the machinery behind real-name verification, login by code and account
recovery: issuing a code (throttled per number), finding the live challenge, counting attempts
and using a code up.

Whether a phone belongs to an account is never revealed: asking for a login or recovery code
answers the same, writes a challenge and throttles the same for any well-formed number; only
the SMS itself is skipped when no account uses the number.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from lifelong.identity.gateways import verification_gateway
from lifelong.identity.models import LoginFailure, Person, SmsChallenge
from lifelong.identity.services import phone_index
from lifelong.shared import clock, pii
from lifelong.shared.errors import Invalid, Throttled
from lifelong.shared.ids import InvalidIdentifier, validate_mobile

CHALLENGE_PHONE_CONTEXT = "identity.sms_challenge.phone"
Purpose = SmsChallenge.Purpose


@dataclass(frozen=True)
class CodeSent:
    expires_in: int
    resend_after: int
    message: str


def normalise_phone(raw: str) -> str:
    try:
        return validate_mobile(raw)
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={"phone": str(exc)}) from None


def _code_hash(salt: str, code: str) -> str:
    # Keyed by the secret key: six digits are too few to survive an offline guess otherwise.
    return salted_hmac(f"lifelong.identity.sms_code.{salt}", code, algorithm="sha256").hexdigest()


def recent_failures(key: str) -> int:
    """Failures counted under `key` within the lockout window."""
    since = clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(key=key, at__gte=since).count()


def refuse_if_too_soon(index: str) -> None:
    now = clock.now()
    sent = SmsChallenge.objects.filter(phone_index=index)
    if sent.filter(created_at__gt=now - dt.timedelta(seconds=settings.SMS_RESEND_SECONDS)).exists():
        raise Throttled(
            f"请{settings.SMS_RESEND_SECONDS}秒后再获取验证码 / "
            f"Wait {settings.SMS_RESEND_SECONDS} seconds before asking for another code"
        )
    if sent.filter(created_at__gt=now - dt.timedelta(days=1)).count() >= settings.SMS_DAILY_LIMIT:
        raise Throttled(
            "该号码今日获取验证码次数已达上限 / Too many codes to this number today; try tomorrow"
        )


def code_sent(*, neutral: bool) -> CodeSent:
    minutes = max(1, settings.SMS_CODE_TTL_SECONDS // 60)
    if neutral:
        message = (
            f"如该手机号已绑定账号，验证码已发送，{minutes}分钟内有效 / If this number belongs "
            f"to an account, a code has been sent; it is valid for {minutes} minutes"
        )
    else:
        message = (
            f"验证码已发送，{minutes}分钟内有效 / "
            f"A code has been sent; it is valid for {minutes} minutes"
        )
    return CodeSent(
        expires_in=settings.SMS_CODE_TTL_SECONDS,
        resend_after=settings.SMS_RESEND_SECONDS,
        message=message,
    )


def issue_challenge(*, purpose: str, phone: str, user, seal_phone: bool = False) -> None:
    """Write a challenge and, when an account is behind it, send its code."""
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    now = clock.now()
    # Challenges are needed for a day at most (the daily limit); the audit log keeps the rest.
    SmsChallenge.objects.filter(created_at__lt=now - dt.timedelta(days=2)).delete()
    SmsChallenge.objects.create(
        purpose=purpose,
        phone_index=phone_index(phone),
        phone_sealed=pii.seal(phone, context=CHALLENGE_PHONE_CONTEXT) if seal_phone else "",
        user=user,
        code_salt=salt,
        code_hash=_code_hash(salt, code),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
    )
    if user is not None:
        verification_gateway().send_code(phone, code)


def open_challenge(**filters) -> SmsChallenge | None:
    """The newest live challenge matching the filters; a newer code supersedes older ones."""
    return (
        SmsChallenge.objects.filter(consumed_at__isnull=True, expires_at__gt=clock.now(), **filters)
        .select_related("user")
        .order_by("-created_at", "-pk")
        .first()
    )


def code_matches(challenge: SmsChallenge, code: str) -> bool:
    """Count one attempt (committed even if the caller then fails) and compare the code."""
    with transaction.atomic():
        counted = SmsChallenge.objects.filter(
            pk=challenge.pk,
            consumed_at__isnull=True,
            attempts__lt=settings.SMS_CODE_MAX_ATTEMPTS,
        ).update(attempts=F("attempts") + 1)
    expected = _code_hash(challenge.code_salt, (code or "").strip())
    return bool(counted) and hmac.compare_digest(challenge.code_hash, expected)


def consume(challenge: SmsChallenge) -> bool:
    """Use the code up; False if a concurrent request already did."""
    return bool(
        SmsChallenge.objects.filter(pk=challenge.pk, consumed_at__isnull=True).update(
            consumed_at=clock.now()
        )
    )


def account_for_phone(phone: str):
    """The one active account whose person has this phone, else None (also when several
    accounts share the number: a code must never open an account chosen by guesswork)."""
    users = [
        p.user
        for p in Person.objects.filter(
            phone_index=phone_index(phone), user__isnull=False, user__is_active=True
        ).select_related("user")[:2]
    ]
    return users[0] if len(users) == 1 else None


def wrong_code_message() -> str:
    return "验证码错误或已过期 / The code is wrong or has expired"
