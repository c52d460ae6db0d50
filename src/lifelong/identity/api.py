"""Public interface of identity for the domains above it."""

from __future__ import annotations

from dataclasses import dataclass

from lifelong.identity import oidc, privacy, verification
from lifelong.identity.access import Actor, actor_for_user
from lifelong.identity.auth import BearerAuth, optional_actor
from lifelong.identity.demo import load_demo
from lifelong.identity.models import Person, Role
from lifelong.identity.privacy import RetentionHold, RetentionRule
from lifelong.identity.services import check_credentials
from lifelong.identity.verification import CodeSent, check_second_factor
from lifelong.shared.api import RegionInfo, list_districts

__all__ = [
    "Actor",
    "BearerAuth",
    "CodeSent",
    "Profile",
    "RetentionHold",
    "RetentionRule",
    "acting_for",
    "actor_for_user",
    "check_credentials",
    "check_second_factor",
    "districts",
    "has_consent",
    "load_demo",
    "login_with_sms_code",
    "oidc_authorization_url",
    "oidc_complete",
    "oidc_enabled",
    "PersonBrief",
    "person_briefs",
    "OrganisationBrief",
    "find_organisation",
    "ensure_demo_organisation",
    "optional_actor",
    "prefers_elder_mode",
    "profile_for_user",
    "recover_account",
    "register_retention_rule",
    "request_login_code",
    "request_recovery_code",
    "role_label",
]


@dataclass(frozen=True)
class Profile:
    username: str
    name: str | None
    id_number_masked: str | None
    phone_masked: str | None
    verification_level: str
    district_name: str | None
    roles: list[tuple[str, str]]


def districts() -> list[RegionInfo]:
    """Shanghai's districts, for pickers and the home page."""
    return list_districts()


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
    return verification.request_login_code(phone=phone)


def login_with_sms_code(phone: str, code: str, otp: str | None = None):
    """The user a phone and its SMS login code sign in (pass it to `django.contrib.auth.login`
    for a session); raises `Unauthenticated` with code `code_invalid`, `otp_required` or
    `otp_invalid`."""
    return verification.login_with_sms_code(phone=phone, code=code, otp=otp)


def request_recovery_code(phone: str) -> CodeSent:
    """Send an account-recovery code to the phone; the same answer if no account uses it."""
    return verification.request_recovery_code(phone=phone)


def recover_account(phone: str, code: str, new_password: str) -> None:
    """Set a new password with a recovery code (Django's password validators apply); every API
    token of the account is revoked and its sessions end."""
    verification.recover_account(phone=phone, code=code, new_password=new_password)


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


def acting_for(actor: Actor, principal_person_id) -> int:
    """The id of the proxy relation, valid now, through which `actor` may act for the person
    `principal_person_id` (a guardian for a minor; family or community staff for a senior).
    Raises `NotFound` otherwise, as if the person did not exist: expired and revoked relations
    grant nothing. Every act done this way must be audited with `on_behalf_of` set to the
    principal's person id and the proxy id in the detail."""
    return privacy.acting_for(actor, principal_person_id)


def has_consent(person_id, purpose: str) -> bool:
    """Whether the person currently consents to `purpose` ("learning_records", "credit_bank",
    "recommendations", "marketing_sms"): their latest record for it is a grant."""
    return privacy.has_consent(person_id, purpose)


def register_retention_rule(name: str, fn: RetentionRule) -> None:
    """Declare data that must survive a deletion request (PIPL art. 47: records that carry
    rights, legal retention periods). `fn(person_id)` returns a `RetentionHold` naming what it
    keeps and why (Chinese first), or None. Held items of `privacy.ERASABLE_DATA` ("name",
    "id_number", "phone", …) are not erased; every hold is listed in the processing result.
    Call it from your `AppConfig.ready()`; registering a name again replaces its rule."""
    privacy.register_retention_rule(name, fn)


@dataclass(frozen=True)
class PersonBrief:
    id: str
    name: str
    name_masked: str
    district_code: str | None


def person_briefs(person_ids) -> dict[str, PersonBrief]:
    """Name (also masked, 王** ) and home district of each person, keyed by the person id as a
    string; unknown ids are left out. For certificates and opt-in leaderboards."""
    from lifelong.shared.pii import mask_name

    ids = [str(p) for p in person_ids]
    return {
        str(p.pk): PersonBrief(str(p.pk), p.name, mask_name(p.name), p.district_id)
        for p in Person.objects.filter(pk__in=ids)
    }


@dataclass(frozen=True)
class OrganisationBrief:
    id: int
    name: str
    kind: str
    path: str
    region_code: str | None


def find_organisation(name: str) -> OrganisationBrief | None:
    """The active organisation of that exact name (the first registered), or None. For demo
    loaders and imports that name organisations."""
    from lifelong.identity.models import Organisation

    org = Organisation.objects.filter(name=name, active=True).order_by("pk").first()
    if org is None:
        return None
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)


def ensure_demo_organisation(
    name: str, kind: str, region_code: str | None = None
) -> OrganisationBrief:
    """The organisation of that name and kind, created top-level if missing (idempotent). For
    the demo loaders of higher domains only (e.g. the learning map's experience bases); it
    checks no actor, so never call it from a request."""
    from lifelong.identity.demo import _org

    org = _org(name, kind, None, region_code)
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)
