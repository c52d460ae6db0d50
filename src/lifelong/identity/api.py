"""Public interface of identity for the domains above it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lifelong.identity import oidc, privacy, verification
from lifelong.identity.access import Actor, actor_for_user
from lifelong.identity.auth import BearerAuth, optional_actor
from lifelong.identity.demo import load_demo
from lifelong.identity.models import Person, ProxyKind, Role, TotpDevice, VerificationLevel
from lifelong.identity.privacy import RetentionHold, RetentionRule
from lifelong.identity.services import check_credentials
from lifelong.identity.verification import CodeSent, check_second_factor
from lifelong.shared.api import RegionInfo, list_districts

__all__ = [
    "DATA_EXPORT_JOB_KIND",
    "Actor",
    "BearerAuth",
    "CodeSent",
    "ConsentItem",
    "ProxyItem",
    "ProxyRelations",
    "VerificationStatus",
    "Profile",
    "RetentionHold",
    "RetentionRule",
    "acting_for",
    "actor_for_user",
    "check_credentials",
    "check_second_factor",
    "confirm_sms_verification",
    "consents_of",
    "districts",
    "has_consent",
    "has_second_factor",
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
    "organisation_by_id",
    "organisation_names",
    "organisation_uscc",
    "person_for_user",
    "person_is_verified",
    "find_person_by_id_number",
    "find_people_by_id_numbers",
    "ensure_dormant_person",
    "ensure_dormant_people",
    "id_number_for_credential",
    "optional_actor",
    "prefers_elder_mode",
    "profile_for_user",
    "proxy_relations_of",
    "recover_account",
    "register_retention_rule",
    "request_login_code",
    "request_recovery_code",
    "revoke_proxy_relation",
    "role_label",
    "set_consent",
    "start_data_export",
    "start_sms_verification",
    "verification_status",
    "demo_uscc",
    "ensure_organisation",
    "ensure_organisations",
    "register_organisation",
    "principal_ids_of",
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


# ---- look-ups for the credit bank (dormant archives, bulk imports, credentials) --------------


def organisation_by_id(organisation_id) -> OrganisationBrief | None:
    """The organisation with that id (active or not), or None."""
    from lifelong.identity.models import Organisation

    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None:
        return None
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)


def organisation_names(organisation_ids) -> dict[int, str]:
    """The names of these organisations, keyed by id (unknown ids are left out). One query."""
    from lifelong.identity.models import Organisation

    ids = [int(i) for i in organisation_ids]
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def organisation_uscc(organisation_id) -> str | None:
    """The unified social credit code registered for the organisation, or None."""
    from lifelong.identity.models import Organisation

    return Organisation.objects.filter(pk=organisation_id).values_list("uscc", flat=True).first()


def person_for_user(user_id) -> str | None:
    """The id (as a string) of the person an account belongs to, or None. Domains that keep
    data per person look it up person-first, so data deposited before the person had an
    account (a dormant record) becomes theirs as soon as identity links the account."""
    person_id = Person.objects.filter(user_id=user_id).values_list("id", flat=True).first()
    return str(person_id) if person_id else None


def person_is_verified(person_id) -> bool:
    """Whether the person's identity is real-name verified (SMS, in person or city login)."""
    from lifelong.identity.models import VerificationLevel

    return (
        Person.objects.filter(pk=person_id)
        .exclude(verification_level=VerificationLevel.UNVERIFIED)
        .exists()
    )


def _id_index(number: str) -> str:
    from lifelong.identity.services import id_number_index

    return id_number_index(number)


def find_person_by_id_number(id_number: str) -> str | None:
    """The id of the person registered with this resident ID number (exact look-up through
    the blind index; the number is never stored in clear), or None. Raises `Invalid` if the
    number is not a valid GB 11643 number."""
    return find_people_by_id_numbers([id_number]).get(_normalised_id(id_number))


def _normalised_id(raw: str) -> str:
    from lifelong.shared.errors import Invalid
    from lifelong.shared.ids import InvalidIdentifier, validate_resident_id

    try:
        return validate_resident_id(raw)
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={"id_number": str(exc)}) from None


def find_people_by_id_numbers(id_numbers) -> dict[str, str]:
    """For many already-validated, normalised ID numbers at once (bulk imports): a dict from
    each number that belongs to a registered person to that person's id. One query."""
    by_index = {_id_index(n): n for n in id_numbers}
    found: dict[str, str] = {}
    rows = Person.objects.filter(id_number_index__in=list(by_index)).values_list(
        "id_number_index", "id"
    )
    for index, pk in rows:
        if index is not None:
            found[by_index[index]] = str(pk)
    return found


def ensure_dormant_person(name: str, id_number: str) -> str:
    """The id of the person with this ID number, registering them without an account (a
    dormant person) if nobody has it yet. The name is used only when registering. When the
    person later verifies and logs in (e.g. through the city login, which links by ID
    number), the account is linked to this same person."""
    number = _normalised_id(id_number)
    name = (name or "").strip()[:100]
    if not name:
        from lifelong.shared.errors import Invalid

        raise Invalid("姓名不能为空 / Name is required", fields={"name": "必填 / required"})
    return ensure_dormant_people([(name, number)])[number]


def ensure_dormant_people(people) -> dict[str, str]:
    """Bulk `ensure_dormant_person` for already-validated, normalised (name, ID number)
    pairs: a dict from each ID number to its person's id. Existing people are found by the
    blind index; the others are inserted in one statement. Safe against a concurrent
    import registering the same number (the unique index decides, the winner is returned)."""
    from lifelong.identity.services import ID_CONTEXT
    from lifelong.shared import pii
    from lifelong.shared.ids import parse_resident_id

    names: dict[str, str] = {}
    for name, number in people:
        names.setdefault(number, name)
    found = find_people_by_id_numbers(names)
    missing = [n for n in names if n not in found]
    if missing:
        new = []
        for number in missing:
            rid = parse_resident_id(number)
            new.append(
                Person(
                    name=names[number][:100],
                    id_number_sealed=pii.seal(rid.number, context=ID_CONTEXT),
                    id_number_index=_id_index(rid.number),
                    id_number_masked=pii.mask_id_number(rid.number),
                    gender=rid.gender,
                    birth_date=rid.birth_date,
                )
            )
        Person.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        found.update(find_people_by_id_numbers(missing))
    return found


def id_number_for_credential(person_id) -> str | None:
    """The person's resident ID number in clear, for issuing a verifiable credential that
    carries only a salted hash of it (never for display or export), or None if the person has
    none on record."""
    from lifelong.identity.services import ID_CONTEXT
    from lifelong.shared import pii

    sealed = Person.objects.filter(pk=person_id).values_list("id_number_sealed", flat=True).first()
    if not sealed:
        return None
    return pii.unseal(sealed, context=ID_CONTEXT)


# ---- the signed-in person's own sign-in, verification and privacy pages ---------------------


def has_second_factor(user) -> bool:
    """Whether signing in as this account also needs a code from its authenticator app (an
    active TOTP device): a page asks for it in a second step and checks it with
    `check_second_factor`."""
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


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


@dataclass(frozen=True)
class ConsentItem:
    purpose: str
    label: str
    granted: bool
    granted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


def consents_of(actor: Actor) -> list[ConsentItem]:
    """The actor's current consent to each purpose, in the purposes' fixed order (labels read
    "中文 / English" in Chinese, English alone in English). `Forbidden` for an account that
    is not linked to a person."""
    overview = privacy.consent_overview(actor=actor)
    return [
        ConsentItem(s.purpose, s.label, s.granted, s.granted_at, s.withdrawn_at)
        for s in overview.items
    ]


def set_consent(actor: Actor, purpose: str, granted: bool) -> bool:
    """Grant or withdraw the actor's own consent to `purpose` (recorded as a new row, never an
    edit); True if anything changed. `Invalid` for an unknown purpose, `Forbidden` for a child
    under 14, whose guardian decides."""
    _state, changed = privacy.record_consent(actor=actor, purpose=purpose, granted=granted)
    return changed


DATA_EXPORT_JOB_KIND = privacy.EXPORT_KIND


def start_data_export(actor: Actor) -> str:
    """Start building a ZIP of the actor's own data ("download my data"); returns the id of
    the background job (kind `DATA_EXPORT_JOB_KIND`, owned by the actor's user), to watch with
    `lifelong.shared.jobs`. `Forbidden` (`verification_required`) for unverified accounts."""
    return str(privacy.request_data_export(actor=actor).pk)


@dataclass(frozen=True)
class ProxyItem:
    id: int
    kind: str
    kind_label: str
    principal_name: str
    agent_name: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str  # "active", "pending" (starts later), "expired" or "revoked"

    @property
    def revocable(self) -> bool:
        return self.status in ("active", "pending")


@dataclass(frozen=True)
class ProxyRelations:
    as_principal: list[ProxyItem]
    as_agent: list[ProxyItem]


def _proxy_item(proxy) -> ProxyItem:
    return ProxyItem(
        id=proxy.pk,
        kind=proxy.kind,
        kind_label=str(ProxyKind(proxy.kind).label),
        principal_name=proxy.principal.name,
        agent_name=proxy.agent.name,
        valid_from=proxy.valid_from,
        valid_until=proxy.valid_until,
        revoked_at=proxy.revoked_at,
        status=privacy.proxy_status(proxy),
    )


def proxy_relations_of(actor: Actor) -> ProxyRelations:
    """The actor's proxy relations, newest first: who may act for them (`as_principal`) and
    for whom they may act (`as_agent`), in every state."""
    mine = privacy.list_my_proxies(actor)
    return ProxyRelations(
        [_proxy_item(p) for p in mine.as_principal], [_proxy_item(p) for p in mine.as_agent]
    )


def revoke_proxy_relation(actor: Actor, proxy_id: int) -> ProxyItem:
    """End a relation the actor is the principal or agent of (or staff in scope); it grants
    nothing after. `NotFound` for anyone else's, `Conflict` if it was already revoked."""
    return _proxy_item(privacy.revoke_proxy(actor=actor, proxy_id=proxy_id))


# ---- for the training market (institutions are organisations; guardians see contracts) ------


def demo_uscc(authority_and_kind: str, area: str, org_code8: str) -> str:
    """A unified social credit code with correct check characters, for demo data only:
    `demo_uscc("52", "310104", "MJ4926D1")`."""
    from lifelong.identity.demo import demo_uscc as _demo_uscc

    return _demo_uscc(authority_and_kind, area, org_code8)


def ensure_organisation(
    name: str,
    kind: str,
    uscc: str | None = None,
    region_code: str | None = None,
    parent_id: int | None = None,
) -> int:
    """The id of the organisation with this USCC (or, without one, this name and kind),
    created under `parent_id` if missing (idempotent). For demo loaders only: it checks no
    actor, so never call it from a request."""
    from lifelong.identity.demo import _org
    from lifelong.identity.models import Organisation

    if uscc:
        existing = Organisation.objects.filter(uscc=uscc).values_list("pk", flat=True).first()
        if existing is not None:
            return existing
    parent = Organisation.objects.get(pk=parent_id) if parent_id is not None else None
    return _org(name, kind, parent, region_code, uscc).pk


def register_organisation(
    actor: Actor,
    *,
    name: str,
    kind: str,
    uscc: str | None = None,
    region_code: str | None = None,
    parent_id: int | None = None,
    address: str = "",
) -> OrganisationBrief:
    """Register an organisation as `actor` (identity's own rules: organisation managers only,
    within their scope; regulators register training institutions only; a valid, unused USCC).
    Raises `Forbidden`, `Invalid` (naming `uscc`, `name`, `parent_id`, …) or `Conflict`. The
    caller's transaction covers it, so a higher domain can add its own data atomically."""
    from lifelong.identity.services import create_organisation

    org = create_organisation(
        actor=actor,
        name=name,
        kind=kind,
        uscc=uscc,
        parent_id=parent_id,
        region_code=region_code,
        address=address,
    )
    return OrganisationBrief(org.pk, org.name, org.kind, org.path, org.region_id)


def principal_ids_of(actor: Actor) -> list[str]:
    """The ids of the people `actor` may act for now (a guardian's children; seniors they
    help) through a valid, unrevoked proxy relation. Empty for an account without a person."""
    from lifelong.identity.models import ProxyRelation
    from lifelong.identity.privacy.common import _valid_at
    from lifelong.shared import clock

    if actor.person_id is None:
        return []
    rows = ProxyRelation.objects.filter(_valid_at(clock.now()), agent__pk=actor.person_id)
    return sorted({str(pk) for pk in rows.values_list("principal_id", flat=True)})


def ensure_organisations(specs) -> dict[str, int]:
    """Bulk `ensure_organisation` for demo loaders: `specs` are (name, kind, uscc, region_code,
    parent_id) with a USCC each; returns each USCC's organisation id. Existing organisations
    (by USCC) are kept; the others are inserted in one statement and their paths set in one
    more. Checks no actor: never call it from a request."""
    from lifelong.identity.models import Organisation

    specs = list(specs)
    found = dict(
        Organisation.objects.filter(uscc__in=[s[2] for s in specs]).values_list("uscc", "pk")
    )
    missing = [s for s in specs if s[2] not in found]
    if missing:
        parents = dict(
            Organisation.objects.filter(pk__in={s[4] for s in missing if s[4]}).values_list(
                "pk", "path"
            )
        )
        made = Organisation.objects.bulk_create(
            [
                Organisation(name=name, kind=kind, uscc=uscc, region_id=region, parent_id=parent)
                for name, kind, uscc, region, parent in missing
            ]
        )
        for org in made:
            if org.pk is None:  # a backend that cannot return ids: look them up
                org.pk = Organisation.objects.values_list("pk", flat=True).get(uscc=org.uscc)
            parent_path = parents.get(org.parent_id, "/") if org.parent_id else "/"
            org.path = f"{parent_path}{org.pk}/"
        Organisation.objects.bulk_update(made, ["path"], batch_size=1000)
        found.update({str(org.uscc): org.pk for org in made})
    return {str(uscc): pk for uscc, pk in found.items()}
