"""TOTP second factor for staff: enrolment (the secret shown once, stored sealed), the check at
sign-in, replacing or switching off one's own device after proving password and a current
code, and an account administrator's reset when the device is lost.

A device is in one of these states:
- enrolling: a secret, not yet confirmed; sign-in is unchanged;
- active (`confirmed_at`): sign-in needs a fresh code; a replacement may be enrolling
  (`pending_secret_sealed`) while the active secret stays in force until it is confirmed;
- reset (`reset_at`, no secret): an administrator removed a lost device; sign-in is by
  password alone and answers that a new device must be enrolled, until one is confirmed.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from lifelong.identity.access import (
    ACCOUNT_ADMIN_ROLES,
    STAFF_ROLES,
    Actor,
    access_staff_account,
    require_role,
)
from lifelong.identity.models import LoginFailure, Person, TotpDevice
from lifelong.identity.services import check_credentials
from lifelong.identity.sms_codes import recent_failures
from lifelong.shared import clock, context, notifications, pii
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Invalid, Throttled, Unauthenticated

TOTP_CONTEXT = "identity.totp.secret"
TOTP_ROLES = STAFF_ROLES

WRONG_OTP = "动态口令错误 / Wrong one-time password"
ALREADY_ACTIVE = "动态口令已启用 / A one-time-password device is already active"


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str


# ---- checking a code -------------------------------------------------------------------------


def _otp_failure_key(user_id) -> str:
    return f"otp:{user_id}"


def _refuse_if_otp_locked(user_id) -> None:
    if recent_failures(_otp_failure_key(user_id)) >= settings.LOGIN_MAX_FAILURES:
        raise Throttled(
            "动态口令错误次数过多，请15分钟后再试 / Too many wrong one-time passwords; "
            "try again in 15 minutes"
        )


def _matching_step(sealed_secret: str, last_used_step: int, code: str | None) -> int | None:
    """The time step `code` belongs to (now, or one step either side for clock drift), if it
    is newer than the last step accepted: a code is never accepted twice."""
    code = (code or "").strip()
    if not code or not sealed_secret:
        return None
    totp = pyotp.TOTP(pii.unseal(sealed_secret, context=TOTP_CONTEXT))
    now = clock.now()
    for offset in (0, -1, 1):
        at = now + dt.timedelta(seconds=offset * totp.interval)
        step = totp.timecode(at)
        if step > last_used_step and hmac.compare_digest(totp.at(at), code):
            return step
    return None


def _record_otp_failure(user) -> None:
    LoginFailure.objects.create(key=_otp_failure_key(user.pk))
    record_audit(
        action="auth.otp_failed",
        actor_id=user.pk,
        actor_label=user.get_username(),
        outcome="denied",
    )


def _accept_code(user, device: TotpDevice, code: str | None) -> bool:
    """Whether `code` is a fresh code of the active device; the step is used up if so (a
    concurrent request with the same code loses), a failure counted if not."""
    step = _matching_step(device.secret_sealed, device.last_used_step, code)
    accepted = step is not None and bool(
        TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(last_used_step=step)
    )
    if not accepted:
        _record_otp_failure(user)
    return accepted


def _active_device(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def check_second_factor(user, otp: str | None) -> None:
    """Nothing for an account without an active TOTP device; otherwise `otp` must be a fresh
    code from it (401 `otp_required` / `otp_invalid`, 429 after repeated failures)."""
    device = _active_device(user)
    if device is None:
        return
    _refuse_if_otp_locked(user.pk)
    if not (otp or "").strip():
        raise Unauthenticated(
            "该账号需要动态口令 / This account needs a one-time password (otp)",
            code="otp_required",
        )
    if not _accept_code(user, device, otp):
        raise Unauthenticated(WRONG_OTP, code="otp_invalid")


def enrolment_required(user) -> bool:
    """Whether an administrator reset this account's device and no new one is confirmed yet:
    the sign-in answers say so until the user enrols again."""
    return TotpDevice.objects.filter(
        user=user, reset_at__isnull=False, confirmed_at__isnull=True
    ).exists()


# ---- enrolling one's own device --------------------------------------------------------------


def _user_of(actor: Actor):
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    return get_user_model().objects.get(pk=actor.user_id)


def _new_enrolment(user) -> tuple[str, TotpEnrolment]:
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=user.get_username(), issuer_name=settings.TOTP_ISSUER
    )
    return pii.seal(secret, context=TOTP_CONTEXT), TotpEnrolment(secret=secret, otpauth_uri=uri)


@transaction.atomic
def enrol_totp(*, actor: Actor) -> TotpEnrolment:
    """A new TOTP secret for a staff account, shown once; it protects logins only after
    `confirm_totp`. Enrolling again before confirming replaces the secret."""
    require_role(actor, TOTP_ROLES)
    user = _user_of(actor)
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise Conflict(ALREADY_ACTIVE, code="totp_active")
    sealed, enrolment = _new_enrolment(user)
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={
            "secret_sealed": sealed,
            "pending_secret_sealed": "",
            "created_at": clock.now(),
            "confirmed_at": None,
            "last_used_step": 0,
        },
    )
    record_audit(
        action="auth.totp_enrolled",
        actor_id=user.pk,
        actor_label=user.get_username(),
        role=actor.primary_role,
    )
    return enrolment


def confirm_totp(*, actor: Actor, code: str) -> None:
    """Activate the enrolled device (or the replacement being enrolled) with a code from it."""
    require_role(actor, TOTP_ROLES)
    user = _user_of(actor)
    not_enrolled = Conflict("请先登记动态口令 / Enrol a device first", code="totp_not_enrolled")
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        raise not_enrolled
    replacing = device.confirmed_at is not None
    enrolling = device.pending_secret_sealed if replacing else device.secret_sealed
    if not enrolling:
        raise Conflict(ALREADY_ACTIVE, code="totp_active") if replacing else not_enrolled
    _refuse_if_otp_locked(user.pk)
    # A replacement's codes are new: the old device's last step does not bind them.
    step = _matching_step(enrolling, 0 if replacing else device.last_used_step, code)
    if step is None:
        _record_otp_failure(user)
        raise Invalid(WRONG_OTP, fields={"code": WRONG_OTP}, code="otp_invalid")
    with transaction.atomic():
        TotpDevice.objects.filter(pk=device.pk).update(
            secret_sealed=enrolling,
            pending_secret_sealed="",
            confirmed_at=clock.now(),
            last_used_step=step,
            reset_at=None,
        )
        record_audit(
            action="auth.totp_replaced" if replacing else "auth.totp_activated",
            actor_id=user.pk,
            actor_label=user.get_username(),
            role=actor.primary_role,
        )


# ---- replacing or switching off one's own device ---------------------------------------------


def _prove_owner(actor: Actor, *, password: str, code: str):
    """The actor's user, once their password and a fresh code of their active device check
    out (each failure counted towards the lockouts)."""
    require_role(actor, TOTP_ROLES)
    user = _user_of(actor)
    device = _active_device(user)
    if device is None:
        raise Conflict(
            "动态口令未启用 / No one-time-password device is active", code="totp_not_active"
        )
    try:
        check_credentials(username=user.get_username(), password=password, ip=context.client_ip())
    except Unauthenticated:
        message = "密码错误 / Wrong password"
        raise Invalid(message, fields={"password": message}, code="password_invalid") from None
    _refuse_if_otp_locked(user.pk)
    if not _accept_code(user, device, code):
        raise Invalid(WRONG_OTP, fields={"code": WRONG_OTP}, code="otp_invalid")
    return user


def reenrol_totp(*, actor: Actor, password: str, code: str) -> TotpEnrolment:
    """A new secret for a new phone, shown once. The current device keeps protecting sign-in
    until `confirm_totp` activates the new one with a code from it."""
    user = _prove_owner(actor, password=password, code=code)
    sealed, enrolment = _new_enrolment(user)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).update(pending_secret_sealed=sealed)
        record_audit(
            action="auth.totp_reenrol_started",
            actor_id=user.pk,
            actor_label=user.get_username(),
            role=actor.primary_role,
        )
    return enrolment


def disable_totp(*, actor: Actor, password: str, code: str) -> None:
    """Switch one's own second factor off: sign-in is by password (or SMS code) alone again.
    The account holder is told, in case it was not them."""
    user = _prove_owner(actor, password=password, code=code)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        record_audit(
            action="auth.totp_disabled",
            actor_id=user.pk,
            actor_label=user.get_username(),
            role=actor.primary_role,
            object_type="user",
            object_id=str(user.pk),
        )
        _notify(user, "totp_disabled", {})


# ---- an administrator's reset of a lost device -----------------------------------------------


@transaction.atomic
def reset_totp(*, actor: Actor, username: str, reason: str) -> None:
    """An account administrator (a district officer for accounts of their district, the
    commission for all) removes the device of a staff member who lost it. Their next sign-in
    asks them to enrol a new one; they are told, with the reason; it is audited."""
    require_role(actor, ACCOUNT_ADMIN_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "请说明重置原因 / State the reason for the reset", fields={"reason": "必填 / required"}
        )
    user = access_staff_account(actor, username)
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or not (device.confirmed_at or device.secret_sealed):
        raise Conflict(
            "该账号没有登记动态口令 / This account has no one-time-password device",
            code="totp_not_enrolled",
        )
    TotpDevice.objects.filter(pk=device.pk).update(
        secret_sealed="",
        pending_secret_sealed="",
        confirmed_at=None,
        last_used_step=0,
        reset_at=clock.now(),
    )
    # The lost device's wrong guesses should not lock the owner out of enrolling a new one.
    LoginFailure.objects.filter(key=_otp_failure_key(user.pk)).delete()
    record_audit(
        action="auth.totp_reset",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.grants_for(ACCOUNT_ADMIN_ROLES)[0].role,
        object_type="user",
        object_id=str(user.pk),
        detail={"username": user.get_username(), "reason": reason[:200]},
    )
    _notify(user, "totp_reset", {"reason": reason[:200]})


def notification_recipient(user) -> str:
    """Notifications go to the account's person; a staff account without one is addressed
    as `user:<id>`."""
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    return str(person_id) if person_id else f"user:{user.pk}"


def _notify(user, template: str, context: dict) -> None:
    notifications.notify(
        recipient_id=notification_recipient(user),
        template=template,
        context=context,
        channels=(notifications.IN_APP, notifications.SMS),
    )
