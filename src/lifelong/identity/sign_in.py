"""Signing in without a password: a login code by SMS (and a bearer token for it), and
recovering an account with a code to its phone."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lifelong.identity.models import ApiToken
from lifelong.identity.services import IssuedToken, issue_token_to, phone_index
from lifelong.identity.sms_codes import (
    CodeSent,
    Purpose,
    account_for_phone,
    code_matches,
    code_sent,
    consume,
    issue_challenge,
    normalise_phone,
    open_challenge,
    refuse_if_too_soon,
    wrong_code_message,
)
from lifelong.identity.totp import check_second_factor
from lifelong.shared import clock, pii
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Invalid, Unauthenticated


def _request_code(*, purpose: str, phone: str) -> CodeSent:
    number = normalise_phone(phone)
    user = account_for_phone(number)
    with transaction.atomic():
        refuse_if_too_soon(phone_index(number))
        issue_challenge(purpose=purpose, phone=number, user=user)
        record_audit(
            action=f"auth.sms_{purpose}_code_requested",
            actor_id=user.pk if user else "",
            actor_label=pii.mask_phone(number),
            outcome="ok" if user else "denied",
        )
    return code_sent(neutral=True)


# ---- login by SMS code -----------------------------------------------------------------------


def request_login_code(*, phone: str) -> CodeSent:
    """Send a login code to the account using this phone; the same answer if there is none."""
    return _request_code(purpose=Purpose.LOGIN, phone=phone)


def login_with_sms_code(*, phone: str, code: str, otp: str | None = None):
    """The user this phone and code sign in (a staff account with TOTP also needs `otp`)."""
    number = normalise_phone(phone)
    challenge = open_challenge(purpose=Purpose.LOGIN, phone_index=phone_index(number))
    user = challenge.user if challenge is not None else None
    if challenge is None or not code_matches(challenge, code) or user is None or not user.is_active:
        record_audit(
            action="auth.sms_login_failed", actor_label=pii.mask_phone(number), outcome="denied"
        )
        raise Unauthenticated(wrong_code_message(), code="code_invalid")
    check_second_factor(user, otp)
    if not consume(challenge):
        raise Unauthenticated(wrong_code_message(), code="code_invalid")
    record_audit(action="auth.sms_login", actor_id=user.pk, actor_label=user.get_username())
    return user


def issue_api_token_by_sms(*, phone: str, code: str, otp: str | None = None) -> IssuedToken:
    """A bearer token for the account this phone and code sign in."""
    user = login_with_sms_code(phone=phone, code=code, otp=otp)
    return issue_token_to(user, name="sms")


# ---- account recovery ------------------------------------------------------------------------


def request_recovery_code(*, phone: str) -> CodeSent:
    """Send a recovery code to the account bound to this phone; the same answer if none is."""
    return _request_code(purpose=Purpose.RECOVERY, phone=phone)


def _check_new_password(password: str, user=None) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        detail = " ".join(exc.messages)
        raise Invalid(
            f"新密码不符合要求 / The new password is too weak: {detail}",
            fields={"new_password": detail},
        ) from None


def recover_account(*, phone: str, code: str, new_password: str) -> None:
    """Set a new password with a recovery code; every API token of the account is revoked
    (sessions end by themselves, as they carry a hash of the old password)."""
    number = normalise_phone(phone)
    _check_new_password(new_password)
    challenge = open_challenge(purpose=Purpose.RECOVERY, phone_index=phone_index(number))
    user = challenge.user if challenge is not None else None
    if challenge is None or not code_matches(challenge, code) or user is None or not user.is_active:
        record_audit(
            action="auth.recovery_failed", actor_label=pii.mask_phone(number), outcome="denied"
        )
        raise Invalid(
            wrong_code_message(), fields={"code": wrong_code_message()}, code="code_invalid"
        )
    with transaction.atomic():
        if not consume(challenge):
            raise Invalid(
                wrong_code_message(), fields={"code": wrong_code_message()}, code="code_invalid"
            )
        _check_new_password(new_password, user)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
        record_audit(
            action="auth.password_recovered",
            actor_id=user.pk,
            actor_label=user.get_username(),
            object_type="user",
            object_id=str(user.pk),
            detail={"tokens_revoked": revoked},
        )
