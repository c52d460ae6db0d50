"""identity's public interface, part: the signed-in person's own account — what "my page"
shows, signing in by SMS code or the city's unified login, account recovery, the staff second
factor, and real-name verification by SMS. Import these from `lifelong.identity.api`."""

from __future__ import annotations

from dataclasses import dataclass

from lifelong.identity import oidc, sign_in, totp, verification
from lifelong.identity.access import Actor, actor_for_user
from lifelong.identity.models import Person, Role, TotpDevice, VerificationLevel
from lifelong.identity.sms_codes import CodeSent


@dataclass(frozen=True)
class Profile:
    username: str
    name: str | None
    id_number_masked: str | None
    phone_masked: str | None
    verification_level: str
    district_name: str | None
    roles: list[tuple[str, str]]


def prefers_elder_mode(user) -> bool:
    """Whether this account asked for the elder-friendly display."""
    return Person.objects.filter(user=user, prefers_elder_mode=True).exists()


def profile_for_user(user) -> Profile:
    """What "my page" shows of the signed-in user, masked."""
    actor = actor_for_user(user)
    person = Person.objects.filter(user=user).select_related("district").first()
    return Profile(
        username=user.get_username(),
        name=person.name if person else None,
        id_number_masked=person.id_number_masked if person else None,
        phone_masked=person.phone_masked if person else None,
        verification_level=person.get_verification_level_display() if person else "未实名",
        district_name=person.district.name if person and person.district else None,
        roles=[(g.role, g.organisation_name) for g in actor.grants],
    )


def role_label(role: str) -> str:
    """The human name of a role code in the active language ("citizen" → "市民" / "Citizen");
    an unknown code comes back unchanged."""
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def request_login_code(phone: str) -> CodeSent:
    """Send an SMS login code to the account using this phone. The answer is the same whether
    or not an account uses it; 429 (`Throttled`) within a minute of the last code."""
    return sign_in.request_login_code(phone=phone)


def login_with_sms_code(phone: str, code: str, otp: str | None = None):
    """The user a phone and its SMS login code sign in (pass it to `django.contrib.auth.login`
    for a session); raises `Unauthenticated` with code `code_invalid`, `otp_required` or
    `otp_invalid`."""
    return sign_in.login_with_sms_code(phone=phone, code=code, otp=otp)


def request_recovery_code(phone: str) -> CodeSent:
    """Send an account-recovery code to the phone; the same answer if no account uses it."""
    return sign_in.request_recovery_code(phone=phone)


def recover_account(phone: str, code: str, new_password: str) -> None:
    """Set a new password with a recovery code (Django's password validators apply); every API
    token of the account is revoked and its sessions end."""
    sign_in.recover_account(phone=phone, code=code, new_password=new_password)


def oidc_enabled() -> bool:
    """Whether the city's unified login is configured, so a page can offer it."""
    return oidc.oidc_config() is not None


def oidc_authorization_url(request) -> str:
    """Start a city-login sign-in for this request's session and return the provider URL to
    redirect to; `NotFound` when the city login is not configured. A `next` query parameter is
    remembered only if it points at this site."""
    return oidc.authorization_url(
        request.session, next_url=oidc.safe_next_url(request, request.GET.get("next", ""))
    )


def oidc_complete(request, params):
    """Finish a city-login sign-in from the callback's query parameters: the user to log in
    (linked or created, and raised to verification level `oidc`). Raises `Unauthenticated`
    (code `oidc_failed`) for a bad state, token, signature, audience, expiry or nonce."""
    return oidc.complete(request.session, params).user


def has_second_factor(user) -> bool:
    """Whether signing in as this account also needs a code from its authenticator app (an
    active TOTP device): a page asks for it in a second step and checks it with
    `check_second_factor`."""
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def check_second_factor(user, otp: str | None) -> None:
    """Nothing for an account without an active authenticator; otherwise `otp` must be a fresh
    code from it: raises `Unauthenticated` (`otp_required`, `otp_invalid`) or `Throttled`
    after repeated wrong codes. A code is never accepted twice."""
    totp.check_second_factor(user, otp)


def totp_enrolment_required(user) -> bool:
    """Whether an administrator reset this account's lost authenticator and no new one has
    been confirmed yet: a sign-in page should ask the user to enrol one now."""
    return totp.enrolment_required(user)


@dataclass(frozen=True)
class VerificationStatus:
    level: str
    label: str
    verified: bool
    can_verify_by_sms: bool


def verification_status(actor: Actor) -> VerificationStatus:
    """The actor's verification level (code and label in the active language), and whether
    they can verify themself by SMS now: not yet verified, with an ID number on record."""
    person = (
        Person.objects.filter(pk=actor.person_id)
        .only("verification_level", "id_number_sealed")
        .first()
        if actor.person_id
        else None
    )
    level = person.verification_level if person else VerificationLevel.UNVERIFIED
    verified = level != VerificationLevel.UNVERIFIED
    return VerificationStatus(
        level=level,
        label=str(VerificationLevel(level).label),
        verified=verified,
        can_verify_by_sms=person is not None and not verified and bool(person.id_number_sealed),
    )


def start_sms_verification(actor: Actor, phone: str) -> CodeSent:
    """Send a verification code to `phone` if the verification gateway says it is registered
    to the actor's ID number. Raises `Invalid` (bad number, or `phone_mismatch`), `Conflict`
    (`no_id_number`) or `Throttled`."""
    return verification.start_sms_verification(actor=actor, phone=phone)


def confirm_sms_verification(actor: Actor, code: str) -> str:
    """Echo the code sent by `start_sms_verification`: the phone is bound to the actor's
    person, who becomes SMS-verified (or keeps a stronger level). Returns the level code;
    raises `Invalid` (`code_invalid`) for a wrong or expired code."""
    return verification.confirm_sms_verification(actor=actor, code=code).verification_level
