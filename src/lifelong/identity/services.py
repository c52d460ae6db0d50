"""Use cases that change identity data. Each takes the acting `Actor` and keyword arguments,
checks scope, writes in one transaction and audits what is sensitive."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction

from lifelong.identity.access import (
    ORGANISATION_MANAGER_ROLES,
    PEOPLE_MANAGER_ROLES,
    Actor,
    access_organisation_by_id,
    access_person_by_id,
    region_in_scope,
    require_role,
)
from lifelong.identity.models import ApiToken, LoginFailure, Organisation, OrgKind, Person, Role
from lifelong.shared import clock, pii
from lifelong.shared.api import get_region, record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound, Throttled, Unauthenticated
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id, validate_mobile, validate_uscc

ID_CONTEXT = "person.id_number"
PHONE_CONTEXT = "person.phone"


def _invalid(field: str, exc: InvalidIdentifier) -> Invalid:
    return Invalid(str(exc), fields={field: str(exc)})


def id_number_index(number: str) -> str:
    return pii.blind_index(number, context=ID_CONTEXT)


def phone_index(number: str) -> str:
    return pii.blind_index(number, context=PHONE_CONTEXT)


def _set_id_number(person: Person, raw: str) -> None:
    try:
        rid = parse_resident_id(raw)
    except InvalidIdentifier as exc:
        raise _invalid("id_number", exc) from None
    person.id_number_sealed = pii.seal(rid.number, context=ID_CONTEXT)
    person.id_number_index = id_number_index(rid.number)
    person.id_number_masked = pii.mask_id_number(rid.number)
    person.gender = rid.gender
    person.birth_date = rid.birth_date


def _set_phone(person: Person, raw: str) -> None:
    try:
        number = validate_mobile(raw)
    except InvalidIdentifier as exc:
        raise _invalid("phone", exc) from None
    person.phone_sealed = pii.seal(number, context=PHONE_CONTEXT)
    person.phone_index = phone_index(number)
    person.phone_masked = pii.mask_phone(number)


def _residence(district_code: str, street_code: str | None) -> tuple[str, str | None]:
    district = get_region(district_code or "")
    if district is None or district.level != "district":
        raise Invalid(
            "居住区代码无效 / Unknown district code",
            fields={"district_code": "未知的区代码 / unknown district"},
        )
    if street_code:
        street = get_region(street_code)
        if street is None or street.parent_code != district.code:
            raise Invalid(
                "街道不属于该区 / The street is not in that district",
                fields={"street_code": "街道不属于该区 / street not in district"},
            )
    return district.code, street_code or None


@transaction.atomic
def register_person(
    *,
    actor: Actor,
    name: str,
    id_number: str,
    phone: str = "",
    district_code: str,
    street_code: str | None = None,
) -> Person:
    """Staff register a person who lives inside their scope."""
    require_role(actor, PEOPLE_MANAGER_ROLES)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid(
            "姓名不能为空且不超过100字 / Name is required (≤100 characters)",
            fields={"name": "必填 / required"},
        )
    district, street = _residence(district_code, street_code)
    if not region_in_scope(actor, street or district, PEOPLE_MANAGER_ROLES):
        raise Invalid(
            "该区不在您的管辖范围内 / That district is outside your scope",
            fields={"district_code": "超出管辖范围 / outside your scope"},
        )
    person = Person(
        name=name, district_id=district, street_id=street, residence_code=street or district
    )
    _set_id_number(person, id_number)
    if phone:
        _set_phone(person, phone)
    if Person.objects.filter(id_number_index=person.id_number_index).exists():
        raise Conflict(
            "该身份证号已登记 / This ID number is already registered",
            fields={"id_number": "已登记 / already registered"},
        )
    grant = actor.grants_for(PEOPLE_MANAGER_ROLES)[0]
    person.registered_by_id = grant.organisation_id
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise Conflict(
            "该身份证号已登记 / This ID number is already registered",
            fields={"id_number": "已登记 / already registered"},
        ) from None
    record_audit(
        action="person.register",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=grant.role,
        object_type="person",
        object_id=str(person.pk),
    )
    return person


@transaction.atomic
def reveal_id_number(*, actor: Actor, person_id, purpose: str) -> str:
    """The clear ID number, for staff in scope or the person themself; always audited."""
    person = access_person_by_id(actor, person_id)
    if not (purpose or "").strip():
        raise Invalid("请说明查看目的 / State the purpose", fields={"purpose": "必填 / required"})
    record_audit(
        action="person.reveal_id_number",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        object_type="person",
        object_id=str(person.pk),
        detail={"purpose": purpose[:200]},
    )
    return pii.unseal(person.id_number_sealed, context=ID_CONTEXT)


def _org_path(org: Organisation) -> str:
    return f"{org.parent.path if org.parent else '/'}{org.pk}/"


@transaction.atomic
def create_organisation(
    *,
    actor: Actor,
    name: str,
    kind: str,
    uscc: str | None = None,
    parent_id: int | None = None,
    region_code: str | None = None,
    address: str = "",
) -> Organisation:
    require_role(actor, ORGANISATION_MANAGER_ROLES)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid(
            "名称不能为空且不超过200字 / Name is required (≤200 characters)",
            fields={"name": "必填 / required"},
        )
    if kind not in OrgKind.values:
        raise Invalid(
            "未知的组织类型 / Unknown organisation kind",
            fields={"kind": f"可选 / one of: {', '.join(OrgKind.values)}"},
        )
    roles_here = ORGANISATION_MANAGER_ROLES
    regulator_only = Role.REGULATOR in actor.roles and not actor.grants_for(
        frozenset({Role.DISTRICT_OFFICER, Role.COMMISSION_OFFICER})
    )
    if regulator_only and kind != OrgKind.TRAINING_INSTITUTION:
        raise Invalid(
            "监管人员只能登记培训机构 / Regulators register training institutions only",
            fields={"kind": "仅限培训机构 / training_institution only"},
        )
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except InvalidIdentifier as exc:
            raise _invalid("uscc", exc) from None
        if Organisation.objects.filter(uscc=uscc).exists():
            raise Conflict(
                "该统一社会信用代码已登记 / This USCC is already registered",
                fields={"uscc": "已登记 / already registered"},
            )
    parent = None
    if parent_id is not None:
        try:
            parent = access_organisation_by_id(actor, parent_id, roles_here)
        except NotFound:
            raise Invalid(
                "上级组织不存在或不在您的范围内 / Parent not found in your scope",
                fields={"parent_id": "无效 / not found"},
            ) from None
    elif not any(g.city_wide for g in actor.grants_for(roles_here)):
        raise Invalid(
            "只有全市管理人员可创建顶级组织 / Only city-wide staff create top-level organisations",
            fields={"parent_id": "必填 / required"},
        )
    region = None
    if region_code:
        info = get_region(region_code)
        if info is None:
            raise Invalid(
                "区划代码无效 / Unknown region code", fields={"region_code": "未知 / unknown"}
            )
        region = info.code
    elif parent is not None:
        region = parent.region_id
    org = Organisation(
        name=name, kind=kind, uscc=uscc or None, parent=parent, region_id=region, address=address
    )
    org.save()
    org.path = _org_path(org)
    org.save(update_fields=["path"])
    record_audit(
        action="organisation.create",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        object_type="organisation",
        object_id=str(org.pk),
    )
    return org


# ---- login, tokens, throttling ---------------------------------------------------------------


def _failure_keys(username: str, ip: str | None) -> list[str]:
    keys = [f"user:{(username or '').strip().lower()}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def _locked(keys: list[str]) -> bool:
    since = clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    for key in keys:
        if (
            LoginFailure.objects.filter(key=key, at__gte=since).count()
            >= settings.LOGIN_MAX_FAILURES
        ):
            return True
    return False


def check_credentials(*, username: str, password: str, ip: str | None = None):
    """The user for these credentials, counting failures; locked accounts are refused even
    with the right password until the window passes."""
    keys = _failure_keys(username, ip)
    if _locked(keys):
        record_audit(action="auth.locked", actor_label=(username or "")[:150], outcome="denied")
        raise Throttled(
            "登录失败次数过多，请15分钟后再试 / Too many failed logins; try again in 15 minutes"
        )
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        with transaction.atomic():
            LoginFailure.objects.bulk_create([LoginFailure(key=k) for k in keys])
        record_audit(
            action="auth.login_failed", actor_label=(username or "")[:150], outcome="denied"
        )
        raise Unauthenticated("用户名或密码错误 / Wrong username or password")
    LoginFailure.objects.filter(key=keys[0]).delete()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    # An administrator reset the account's lost authenticator: the client should have the
    # user enrol a new one now.
    totp_enrolment_required: bool


def issue_api_token(
    *, username: str, password: str, ip: str | None = None, name: str = "", otp: str | None = None
) -> IssuedToken:
    # Not one transaction: a failed attempt must stay recorded for the lockout count.
    from lifelong.identity import totp  # it imports this module

    user = check_credentials(username=username, password=password, ip=ip)
    totp.check_second_factor(user, otp)
    return issue_token_to(user, name=name)


def issue_token_to(user, *, name: str = "") -> IssuedToken:
    """A bearer token for a user who has just proved who they are, audited."""
    from lifelong.identity import totp  # it imports this module

    with transaction.atomic():
        token = create_api_token_for(user=user, name=name)
        record_audit(action="auth.token_issued", actor_id=user.pk, actor_label=user.get_username())
    return IssuedToken(token, totp.enrolment_required(user))


def create_api_token_for(*, user, name: str = "") -> str:
    """A new bearer token for an already authenticated user; only its digest is stored."""
    token = "ll_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        digest=_digest(token),
        user=user,
        name=name[:100],
        expires_at=clock.now() + dt.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS),
    )
    return token


def user_for_token(token: str):
    """The active user a live token belongs to, loaded with their person (if any) in the same
    query, so building the actor needs no second look-up."""
    row = (
        ApiToken.objects.select_related("user", "user__person")
        .filter(digest=_digest(token), revoked_at__isnull=True, expires_at__gt=clock.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    return row.user


@transaction.atomic
def revoke_api_token(*, token: str) -> None:
    ApiToken.objects.filter(digest=_digest(token), revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


def create_account(*, username: str, password: str, person: Person | None = None, email: str = ""):
    """Create a login for a person (used by demo data and staff onboarding)."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise Conflict("用户名已存在 / Username taken", fields={"username": "已存在 / taken"})
    user = user_model.objects.create_user(username=username, password=password, email=email)
    if person is not None:
        Person.objects.filter(pk=person.pk).update(user=user)
    return user
