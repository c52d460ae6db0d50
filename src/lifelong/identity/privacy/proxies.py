"""Proxy relations: an agent acts for a principal only while a recorded, consented,
unrevoked relation is valid; every act through one is audited with `on_behalf_of`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from lifelong.identity.access import (
    PEOPLE_MANAGER_ROLES,
    Actor,
    access_person_by_id,
    people_visible_to,
)
from lifelong.identity.models import (
    Membership,
    Person,
    ProxyKind,
    ProxyRelation,
)
from lifelong.identity.privacy.common import (
    ADULT_AGE,
    COMMUNITY_STAFF_ROLES,
    NO_PERSON,
    SENIOR_AGE,
    Subject,
    _audit,
    _signed_in,
    acting_for,
    adulthood_starts,
    age_on,
)
from lifelong.identity.services import id_number_index
from lifelong.shared import clock
from lifelong.shared.errors import Conflict, Forbidden, Invalid, NotFound
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id


def _agent_by_id_number(id_number: str, name: str) -> Person:
    wrong = Invalid(
        "找不到与该身份证号和姓名相符的人员 / No person matches that ID number and name",
        fields={"agent_id_number": "身份证号与姓名不符 / ID number and name do not match"},
    )
    try:
        number = parse_resident_id(id_number).number
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={"agent_id_number": str(exc)}) from None
    agent = Person.objects.filter(id_number_index=id_number_index(number)).first()
    if agent is None or agent.name != (name or "").strip():
        raise wrong
    return agent


def _check_kind_rules(*, kind: str, principal: Person, agent: Person, by_staff: bool) -> None:
    if principal.birth_date is None:
        raise Invalid(
            "被代理人没有出生日期，无法确认年龄 / The principal's age is unknown",
            fields={"principal_person_id": "缺少出生日期 / no birth date"},
        )
    age = age_on(principal.birth_date, clock.today())
    if kind == ProxyKind.GUARDIAN_OF_MINOR:
        if age >= ADULT_AGE:
            raise Invalid(
                "被代理人已年满18周岁，不能登记监护关系 / The principal is an adult: no guardian",
                fields={"kind": "被代理人已成年 / the principal is an adult"},
            )
        if by_staff and principal.user_id is not None:
            raise Forbidden(
                "该未成年人已有账户，须由本人授权 / This minor has an account and grants it "
                "themself"
            )
        return
    if age < SENIOR_AGE:
        raise Invalid(
            "老年人代办关系要求被代理人年满60周岁 / A senior relation needs a principal aged 60+",
            fields={"kind": "被代理人未满60周岁 / the principal is under 60"},
        )
    if kind == ProxyKind.COMMUNITY_STAFF_FOR_SENIOR and not (
        agent.user_id
        and Membership.objects.filter(
            user_id=agent.user_id, role__in=COMMUNITY_STAFF_ROLES, active=True
        ).exists()
    ):
        raise Invalid(
            "代理人不是社区工作人员 / The agent is not community staff",
            fields={"agent_id_number": "不是社区工作人员 / not community staff"},
        )


@transaction.atomic
def grant_proxy(
    *,
    actor: Actor,
    kind: str,
    agent_id_number: str,
    agent_name: str,
    consent_evidence: str,
    principal_person_id=None,
    valid_until: dt.datetime | None = None,
) -> ProxyRelation:
    """The principal grants an agent; or staff in scope record it for a senior, or for a minor
    who has no account. A guardianship ends by itself on the minor's 18th birthday."""
    user_id = _signed_in(actor)
    if kind not in ProxyKind.values:
        raise Invalid(
            "未知的代理类型 / Unknown proxy kind",
            fields={"kind": f"可选 / one of: {', '.join(ProxyKind.values)}"},
        )
    evidence = (consent_evidence or "").strip()
    if not evidence:
        raise Invalid(
            "请说明同意依据 / Say how consent was given",
            fields={"consent_evidence": "必填 / required"},
        )
    by_staff = principal_person_id is not None and str(principal_person_id) != actor.person_id
    principal_id: object
    if by_staff:
        principal_id = access_person_by_id(actor, principal_person_id, PEOPLE_MANAGER_ROLES).pk
    elif actor.person_id is None:
        raise Forbidden(NO_PERSON)
    else:
        principal_id = actor.person_id
    # Locking the principal serialises grants for one person, so two overlapping requests
    # cannot both pass the duplicate check below.
    principal = Person.objects.select_for_update().get(pk=principal_id)
    agent = _agent_by_id_number(agent_id_number, agent_name)
    if agent.pk == principal.pk:
        raise Invalid(
            "不能代理自己 / One cannot be one's own agent",
            fields={"agent_id_number": "不能是本人 / not yourself"},
        )
    _check_kind_rules(kind=kind, principal=principal, agent=agent, by_staff=by_staff)
    now = clock.now()
    if valid_until is not None and valid_until <= now:
        raise Invalid(
            "失效时间必须晚于现在 / valid_until must be in the future",
            fields={"valid_until": "已过去 / in the past"},
        )
    if kind == ProxyKind.GUARDIAN_OF_MINOR:
        assert principal.birth_date is not None  # checked in _check_kind_rules
        ends = adulthood_starts(principal.birth_date)
        valid_until = min(valid_until, ends) if valid_until else ends
    duplicate = ProxyRelation.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        principal=principal,
        agent=agent,
        kind=kind,
        revoked_at__isnull=True,
    )
    if duplicate.exists():
        raise Conflict(
            "已有相同的有效代理关系 / The same relation is already in force",
            fields={"agent_id_number": "已登记 / already recorded"},
        )
    proxy = ProxyRelation.objects.create(
        principal=principal,
        agent=agent,
        kind=kind,
        consent_evidence=evidence[:1000],
        recorded_by_id=user_id,
        valid_from=now,
        valid_until=valid_until,
    )
    _audit(
        actor,
        "proxy.grant",
        Subject(principal, None),
        proxy_id=proxy.pk,
        agent_id=str(agent.pk),
        kind=kind,
        recorded_by_staff=by_staff,
    )
    return proxy


def access_proxy_by_id(actor: Actor, proxy_id) -> ProxyRelation:
    """The relation, if the actor is its principal, its agent, or staff whose scope covers the
    principal; otherwise NotFound."""
    proxy = ProxyRelation.objects.select_related("principal", "agent").filter(pk=proxy_id).first()
    if proxy is None:
        raise NotFound("找不到该代理关系 / No such proxy relation")
    if actor.person_id and str(proxy.principal_id) == actor.person_id:
        return proxy
    if actor.person_id and str(proxy.agent_id) == actor.person_id:
        return proxy
    if (
        actor.grants_for(PEOPLE_MANAGER_ROLES)
        and Person.objects.filter(people_visible_to(actor), pk=proxy.principal_id).exists()
    ):
        return proxy
    raise NotFound("找不到该代理关系 / No such proxy relation")


@transaction.atomic
def revoke_proxy(*, actor: Actor, proxy_id: int) -> ProxyRelation:
    """The principal, the agent or staff in scope end a relation; it grants nothing after."""
    user_id = _signed_in(actor)
    proxy = access_proxy_by_id(actor, proxy_id)
    proxy = (
        ProxyRelation.objects.select_for_update(of=("self",))
        .select_related("principal", "agent")
        .get(pk=proxy.pk)
    )
    if proxy.revoked_at is not None:
        raise Conflict("该代理关系已撤销 / This relation was already revoked")
    proxy.revoked_at = clock.now()
    proxy.revoked_by_id = user_id
    proxy.save(update_fields=["revoked_at", "revoked_by"])
    _audit(actor, "proxy.revoke", Subject(proxy.principal, None), proxy_id=proxy.pk)
    return proxy


@dataclass(frozen=True)
class MyProxies:
    as_principal: list[ProxyRelation]
    as_agent: list[ProxyRelation]


def list_my_proxies(actor: Actor) -> MyProxies:
    """Relations where the actor is the principal, and where they are the agent."""
    if actor.person_id is None:
        return MyProxies([], [])
    rows = list(
        ProxyRelation.objects.filter(Q(principal_id=actor.person_id) | Q(agent_id=actor.person_id))
        .select_related("principal", "agent")
        .order_by("-valid_from", "-id")
    )
    return MyProxies(
        [p for p in rows if str(p.principal_id) == actor.person_id],
        [p for p in rows if str(p.agent_id) == actor.person_id],
    )


@dataclass(frozen=True)
class PrincipalProfile:
    person: Person
    proxy: ProxyRelation


def view_principal_profile(*, actor: Actor, person_id) -> PrincipalProfile:
    """What an agent may see of their principal (masked), only while the relation is valid."""
    proxy_id = acting_for(actor, person_id)
    proxy = ProxyRelation.objects.select_related("principal").get(pk=proxy_id)
    _audit(actor, "person.view_as_agent", Subject(proxy.principal, proxy.pk))
    return PrincipalProfile(proxy.principal, proxy)
