"""Use cases of real-name verification and of signing in without a password: SMS one-time
codes (to verify, to log in, to recover an account), staff's in-person document checks, and
TOTP second factors for staff.

A typed ID number never proves identity: a person becomes `sms`-verified only when the
verification gateway says the phone is registered to their ID number and they echo the code
sent to it; `in_person` when staff in scope saw the document. A level never goes down.

Whether a phone belongs to an account is never revealed: asking for a login or recovery code
answers the same, writes a challenge and throttles the same for any well-formed number; only
the SMS itself is skipped when no account uses the number.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from lifelong.identity.access import (
    PEOPLE_MANAGER_ROLES,
    STAFF_ROLES,
    Actor,
    access_person_by_id,
    require_role,
)
from lifelong.identity.gateways import verification_gateway
from lifelong.identity.models import (
    ApiToken,
    LoginFailure,
    Person,
    SmsChallenge,
    TotpDevice,
    VerificationLevel,
)
from lifelong.identity.services import (
    ID_CONTEXT,
    PHONE_CONTEXT,
    create_api_token_for,
    phone_index,
)
from lifelong.shared import clock, pii
from lifelong.shared.api import record_audit
from lifelong.shared.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Throttled,
    Unauthenticated,
)
from lifelong.shared.ids import InvalidIdentifier, validate_mobile

# The order the levels are declared in is their strength: the city's unified identity (backed
# by the public-security real-name database) ranks above a staff document check, which ranks
# above an SMS code to a carrier-bound phone.
LEVEL_RANK = {level: rank for rank, level in enumerate(VerificationLevel.values)}

CHALLENGE_PHONE_CONTEXT = "identity.sms_challenge.phone"
TOTP_CONTEXT = "identity.totp.secret"
TOTP_ROLES = STAFF_ROLES
Purpose = SmsChallenge.Purpose


@dataclass(frozen=True)
class CodeSent:
    expires_in: int
    resend_after: int
    message: str


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str


# ---- levels ----------------------------------------------------------------------------------


def raise_level(person: Person, level: str) -> bool:
    """Set `level` unless the person already holds it or a stronger one; True if raised."""
    if LEVEL_RANK[level] <= LEVEL_RANK[person.verification_level]:
        return False
    person.verification_level = level
    person.verified_at = clock.now()
    return True


# ---- SMS challenges --------------------------------------------------------------------------


def _normalise_phone(raw: str) -> str:
    try:
        return validate_mobile(raw)
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={"phone": str(exc)}) from None


def _code_hash(salt: str, code: str) -> str:
    # Keyed by the secret key: six digits are too few to survive an offline guess otherwise.
    return salted_hmac(f"lifelong.identity.sms_code.{salt}", code, algorithm="sha256").hexdigest()


def _refuse_if_too_soon(index: str) -> None:
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


def _code_sent(*, neutral: bool) -> CodeSent:
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


def _issue_challenge(*, purpose: str, phone: str, user, seal_phone: bool = False) -> None:
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


def _open_challenge(**filters) -> SmsChallenge | None:
    """The newest live challenge matching the filters; a newer code supersedes older ones."""
    return (
        SmsChallenge.objects.filter(consumed_at__isnull=True, expires_at__gt=clock.now(), **filters)
        .select_related("user")
        .order_by("-created_at", "-pk")
        .first()
    )


def _code_matches(challenge: SmsChallenge, code: str) -> bool:
    """Count one attempt (committed even if the caller then fails) and compare the code."""
    with transaction.atomic():
        counted = SmsChallenge.objects.filter(
            pk=challenge.pk,
            consumed_at__isnull=True,
            attempts__lt=settings.SMS_CODE_MAX_ATTEMPTS,
        ).update(attempts=F("attempts") + 1)
    expected = _code_hash(challenge.code_salt, (code or "").strip())
    return bool(counted) and hmac.compare_digest(challenge.code_hash, expected)


def _consume(challenge: SmsChallenge) -> bool:
    """Use the code up; False if a concurrent request already did."""
    return bool(
        SmsChallenge.objects.filter(pk=challenge.pk, consumed_at__isnull=True).update(
            consumed_at=clock.now()
        )
    )


def _account_for_phone(phone: str):
    """The one active account whose person has this phone, else None (also when several
    accounts share the number: a code must never open an account chosen by guesswork)."""
    users = [
        p.user
        for p in Person.objects.filter(
            phone_index=phone_index(phone), user__isnull=False, user__is_active=True
        ).select_related("user")[:2]
    ]
    return users[0] if len(users) == 1 else None


def _wrong_code_message() -> str:
    return "验证码错误或已过期 / The code is wrong or has expired"


# ---- SMS verification of a signed-in person --------------------------------------------------


def _own_person(actor: Actor) -> Person:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    person = Person.objects.filter(user_id=actor.user_id).first()
    if person is None or not person.id_number_sealed:
        raise Conflict(
            "您的账号没有登记身份证号，请到社区学校现场核验 / "
            "Your account has no ID number on record; verify in person at a community school",
            code="no_id_number",
        )
    return person


def _mismatch_key(actor: Actor) -> str:
    return f"verify-mismatch:{actor.user_id}"


def _recent_failures(key: str) -> int:
    since = clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(key=key, at__gte=since).count()


def start_sms_verification(*, actor: Actor, phone: str) -> CodeSent:
    """Send a code to `phone` if the gateway says it is registered to the actor's ID number."""
    person = _own_person(actor)
    number = _normalise_phone(phone)
    if _recent_failures(_mismatch_key(actor)) >= settings.LOGIN_MAX_FAILURES:
        raise Throttled(
            "号码核对失败次数过多，请稍后再试 / Too many numbers did not match; try again later"
        )
    _refuse_if_too_soon(phone_index(number))
    id_number = pii.unseal(person.id_number_sealed, context=ID_CONTEXT)
    if not verification_gateway().phone_matches_id(number, id_number):
        LoginFailure.objects.create(key=_mismatch_key(actor))
        record_audit(
            action="person.verify_sms_mismatch",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            outcome="denied",
            detail={"phone_masked": pii.mask_phone(number)},
        )
        message = "该手机号未登记在您的身份证名下 / This number is not registered to your ID number"
        raise Invalid(message, fields={"phone": message}, code="phone_mismatch")
    with transaction.atomic():
        _issue_challenge(purpose=Purpose.VERIFY, phone=number, user=person.user, seal_phone=True)
        record_audit(
            action="person.verify_sms_code_sent",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            detail={"phone_masked": pii.mask_phone(number)},
        )
    return _code_sent(neutral=False)


def confirm_sms_verification(*, actor: Actor, code: str) -> Person:
    """Echo the code: the phone is bound to the person and they are `sms`-verified (or keep a
    stronger level)."""
    person = _own_person(actor)
    challenge = _open_challenge(purpose=Purpose.VERIFY, user_id=actor.user_id)
    if challenge is None or not _code_matches(challenge, code):
        record_audit(
            action="person.verify_sms",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            outcome="denied",
        )
        raise Invalid(
            _wrong_code_message(), fields={"code": _wrong_code_message()}, code="code_invalid"
        )
    with transaction.atomic():
        if not _consume(challenge):
            raise Invalid(
                _wrong_code_message(), fields={"code": _wrong_code_message()}, code="code_invalid"
            )
        phone = pii.unseal(challenge.phone_sealed, context=CHALLENGE_PHONE_CONTEXT)
        person = Person.objects.select_for_update().get(pk=person.pk)
        person.phone_sealed = pii.seal(phone, context=PHONE_CONTEXT)
        person.phone_index = phone_index(phone)
        person.phone_masked = pii.mask_phone(phone)
        raised = raise_level(person, VerificationLevel.SMS)
        person.save(
            update_fields=[
                "phone_sealed",
                "phone_index",
                "phone_masked",
                "verification_level",
                "verified_at",
            ]
        )
        record_audit(
            action="person.verify_sms",
            actor_id=actor.user_id or "",
            actor_label=actor.label,
            object_type="person",
            object_id=str(person.pk),
            detail={"level": person.verification_level, "raised": raised},
        )
    return person


# ---- in person -------------------------------------------------------------------------------


@transaction.atomic
def verify_in_person(*, actor: Actor, person_id, document_checked: str) -> Person:
    """Staff in scope saw the person's identity document: the person is `in_person`-verified
    (or keeps a stronger level)."""
    require_role(actor, PEOPLE_MANAGER_ROLES)
    person = access_person_by_id(actor, person_id)
    if actor.person_id is not None and str(person.pk) == actor.person_id:
        raise Forbidden("不能为自己核验身份 / You cannot verify yourself")
    document = (document_checked or "").strip()
    if not document:
        raise Invalid(
            "请写明核验的证件 / Name the document you checked",
            fields={"document_checked": "必填 / required"},
        )
    if not person.id_number_sealed:
        raise Conflict(
            "该人员没有登记身份证号 / This person has no ID number on record",
            code="no_id_number",
        )
    person = Person.objects.select_for_update().get(pk=person.pk)
    raised = raise_level(person, VerificationLevel.IN_PERSON)
    person.save(update_fields=["verification_level", "verified_at"])
    record_audit(
        action="person.verify_in_person",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.grants_for(PEOPLE_MANAGER_ROLES)[0].role,
        object_type="person",
        object_id=str(person.pk),
        detail={"document_checked": document[:200], "raised": raised},
    )
    return person


# ---- login by SMS code -----------------------------------------------------------------------


def _request_code(*, purpose: str, phone: str) -> CodeSent:
    number = _normalise_phone(phone)
    user = _account_for_phone(number)
    with transaction.atomic():
        _refuse_if_too_soon(phone_index(number))
        _issue_challenge(purpose=purpose, phone=number, user=user)
        record_audit(
            action=f"auth.sms_{purpose}_code_requested",
            actor_id=user.pk if user else "",
            actor_label=pii.mask_phone(number),
            outcome="ok" if user else "denied",
        )
    return _code_sent(neutral=True)


def request_login_code(*, phone: str) -> CodeSent:
    """Send a login code to the account using this phone; the same answer if there is none."""
    return _request_code(purpose=Purpose.LOGIN, phone=phone)


def login_with_sms_code(*, phone: str, code: str, otp: str | None = None):
    """The user this phone and code sign in (a staff account with TOTP also needs `otp`)."""
    number = _normalise_phone(phone)
    challenge = _open_challenge(purpose=Purpose.LOGIN, phone_index=phone_index(number))
    user = challenge.user if challenge is not None else None
    if (
        challenge is None
        or not _code_matches(challenge, code)
        or user is None
        or not user.is_active
    ):
        record_audit(
            action="auth.sms_login_failed", actor_label=pii.mask_phone(number), outcome="denied"
        )
        raise Unauthenticated(_wrong_code_message(), code="code_invalid")
    check_second_factor(user, otp)
    if not _consume(challenge):
        raise Unauthenticated(_wrong_code_message(), code="code_invalid")
    record_audit(action="auth.sms_login", actor_id=user.pk, actor_label=user.get_username())
    return user


def issue_api_token_by_sms(*, phone: str, code: str, otp: str | None = None) -> str:
    """A bearer token for the account this phone and code sign in."""
    user = login_with_sms_code(phone=phone, code=code, otp=otp)
    with transaction.atomic():
        token = create_api_token_for(user=user, name="sms")
        record_audit(action="auth.token_issued", actor_id=user.pk, actor_label=user.get_username())
    return token


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
    number = _normalise_phone(phone)
    _check_new_password(new_password)
    challenge = _open_challenge(purpose=Purpose.RECOVERY, phone_index=phone_index(number))
    user = challenge.user if challenge is not None else None
    if (
        challenge is None
        or not _code_matches(challenge, code)
        or user is None
        or not user.is_active
    ):
        record_audit(
            action="auth.recovery_failed", actor_label=pii.mask_phone(number), outcome="denied"
        )
        raise Invalid(
            _wrong_code_message(), fields={"code": _wrong_code_message()}, code="code_invalid"
        )
    with transaction.atomic():
        if not _consume(challenge):
            raise Invalid(
                _wrong_code_message(), fields={"code": _wrong_code_message()}, code="code_invalid"
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


# ---- TOTP second factor ----------------------------------------------------------------------


def _otp_failure_key(user_id) -> str:
    return f"otp:{user_id}"


def _refuse_if_otp_locked(user_id) -> None:
    if _recent_failures(_otp_failure_key(user_id)) >= settings.LOGIN_MAX_FAILURES:
        raise Throttled(
            "动态口令错误次数过多，请15分钟后再试 / Too many wrong one-time passwords; "
            "try again in 15 minutes"
        )


def _matching_step(device: TotpDevice, code: str | None) -> int | None:
    """The time step `code` belongs to (now, or one step either side for clock drift), if it
    is newer than the last step accepted: a code is never accepted twice."""
    code = (code or "").strip()
    if not code:
        return None
    totp = pyotp.TOTP(pii.unseal(device.secret_sealed, context=TOTP_CONTEXT))
    now = clock.now()
    for offset in (0, -1, 1):
        at = now + dt.timedelta(seconds=offset * totp.interval)
        step = totp.timecode(at)
        if step > device.last_used_step and hmac.compare_digest(totp.at(at), code):
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


def check_second_factor(user, otp: str | None) -> None:
    """Nothing for an account without an active TOTP device; otherwise `otp` must be a fresh
    code from it (401 `otp_required` / `otp_invalid`, 429 after repeated failures)."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return
    _refuse_if_otp_locked(user.pk)
    if not (otp or "").strip():
        raise Unauthenticated(
            "该账号需要动态口令 / This account needs a one-time password (otp)",
            code="otp_required",
        )
    step = _matching_step(device, otp)
    accepted = step is not None and bool(
        TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(last_used_step=step)
    )
    if not accepted:
        _record_otp_failure(user)
        raise Unauthenticated("动态口令错误 / Wrong one-time password", code="otp_invalid")


def _user_of(actor: Actor):
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    return get_user_model().objects.get(pk=actor.user_id)


@transaction.atomic
def enrol_totp(*, actor: Actor) -> TotpEnrolment:
    """A new TOTP secret for a staff account, shown once; it protects logins only after
    `confirm_totp`. Enrolling again before confirming replaces the secret."""
    require_role(actor, TOTP_ROLES)
    user = _user_of(actor)
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise Conflict(
            "动态口令已启用 / A one-time-password device is already active",
            code="totp_active",
        )
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={
            "secret_sealed": pii.seal(secret, context=TOTP_CONTEXT),
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
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=user.get_username(), issuer_name=settings.TOTP_ISSUER
    )
    return TotpEnrolment(secret=secret, otpauth_uri=uri)


def confirm_totp(*, actor: Actor, code: str) -> None:
    """Activate the enrolled device with a code from it."""
    require_role(actor, TOTP_ROLES)
    user = _user_of(actor)
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        raise Conflict("请先登记动态口令 / Enrol a device first", code="totp_not_enrolled")
    if device.confirmed_at is not None:
        raise Conflict(
            "动态口令已启用 / A one-time-password device is already active",
            code="totp_active",
        )
    _refuse_if_otp_locked(user.pk)
    step = _matching_step(device, code)
    if step is None:
        _record_otp_failure(user)
        message = "动态口令错误 / Wrong one-time password"
        raise Invalid(message, fields={"code": message}, code="otp_invalid")
    with transaction.atomic():
        TotpDevice.objects.filter(pk=device.pk).update(
            confirmed_at=clock.now(), last_used_step=step
        )
        record_audit(
            action="auth.totp_activated",
            actor_id=user.pk,
            actor_label=user.get_username(),
            role=actor.primary_role,
        )
