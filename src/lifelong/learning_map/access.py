"""Who may manage what in the learning map. Places, routes and sessions are public to read;
managing a session (its bookings list, attendance, volunteers) and a volunteer's record are
scoped like everything else: a district officer acts in their district, school staff for
their own organisation's activities and the places in their street, city-wide roles
everywhere, and a guide for the sessions they lead."""

from __future__ import annotations

from django.db.models import Q

from lifelong.identity import api as identity
from lifelong.learning_map.models import ActivitySession, Place, Route, Volunteer
from lifelong.shared.errors import Forbidden, NotFound, Unauthenticated

MANAGER_ROLES = frozenset({"school_staff", "district_officer", "commission_officer"})


def require_signed_in(actor: identity.Actor) -> None:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")


def require_person(actor: identity.Actor) -> str:
    require_signed_in(actor)
    if not actor.person_id:
        raise Forbidden("账号未关联个人信息，不能报名 / This account has no person to book for")
    return actor.person_id


def sessions_managed_by(actor: identity.Actor) -> Q:
    """Filter on ActivitySession: the sessions this actor may manage."""
    q = Q(guide__person_id=actor.person_id) if actor.person_id else Q(pk__in=[])
    for grant in actor.grants_for(MANAGER_ROLES):
        if grant.city_wide:
            return Q()
        if grant.scope != "subtree":
            continue
        q |= Q(activity__organiser_id=grant.organisation_id)
        if grant.region_prefix:
            q |= Q(activity__district__code__startswith=grant.region_prefix)
            q |= Q(activity__place__street__code__startswith=grant.region_prefix)
    return q


def access_session_for_management(actor: identity.Actor, session_id) -> ActivitySession:
    """The session, if the actor may manage it; NotFound otherwise, as if it did not exist."""
    require_signed_in(actor)
    try:
        return (
            ActivitySession.objects.filter(sessions_managed_by(actor))
            .select_related("activity")
            .get(pk=session_id)
        )
    except (ActivitySession.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该场次 / No such session") from None


def volunteers_managed_by(actor: identity.Actor) -> Q:
    """Filter on Volunteer: those whose records the actor may keep (hours, assignments)."""
    q = Q(pk__in=[])
    for grant in actor.grants_for(MANAGER_ROLES):
        if grant.city_wide:
            return Q()
        if grant.scope == "subtree" and grant.region_prefix:
            q |= Q(district__code__startswith=grant.region_prefix[:6])
    return q


def access_volunteer_for_management(actor: identity.Actor, volunteer_id) -> Volunteer:
    require_signed_in(actor)
    if not actor.grants_for(MANAGER_ROLES):
        raise Forbidden("您的角色不能管理志愿者 / Your role may not manage volunteers")
    try:
        return Volunteer.objects.filter(volunteers_managed_by(actor)).get(pk=volunteer_id)
    except (Volunteer.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该志愿者 / No such volunteer") from None


PLACE_CREATOR_ROLES = frozenset({"district_officer", "commission_officer"})


def places_managed_by(actor: identity.Actor) -> Q:
    """Filter on Place: what the actor may correct. A district officer: the places of their
    district; school staff: those of their organisation and their street; city-wide roles:
    all."""
    q = Q(pk__in=[])
    for grant in actor.grants_for(MANAGER_ROLES):
        if grant.city_wide:
            return Q()
        if grant.scope != "subtree":
            continue
        q |= Q(organisation_id=grant.organisation_id)
        if grant.region_prefix:
            q |= Q(district__code__startswith=grant.region_prefix)
            q |= Q(street__code__startswith=grant.region_prefix)
    return q


def require_place_in_scope(
    actor: identity.Actor, *, district: str | None, street: str | None, roles=MANAGER_ROLES
) -> None:
    """Refuse a place whose district and street both lie outside the actor's grants."""
    require_signed_in(actor)
    grants = actor.grants_for(roles)
    if not grants:
        raise Forbidden("您的角色不能管理学习场所 / Your role may not manage learning places")
    for grant in grants:
        if grant.city_wide:
            return
        if grant.scope != "subtree" or not grant.region_prefix:
            continue
        if any(code and code.startswith(grant.region_prefix) for code in (district, street)):
            return
    raise Forbidden(
        "该场所不在您的管辖范围内 / This place is outside your area",
        fields={"district": "outside your area"},
    )


def access_place_for_management(actor: identity.Actor, place_id) -> Place:
    """The place (active or not), if the actor may correct it; NotFound otherwise."""
    require_signed_in(actor)
    try:
        return Place.objects.filter(places_managed_by(actor)).get(pk=place_id)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该场所 / No such place") from None


def routes_managed_by(actor: identity.Actor) -> Q:
    """Filter on Route: the routes of the actor's district (city-wide roles: all)."""
    q = Q(pk__in=[])
    for grant in actor.grants_for(MANAGER_ROLES):
        if grant.city_wide:
            return Q()
        if grant.scope == "subtree" and grant.region_prefix:
            q |= Q(district__code__startswith=grant.region_prefix[:6])
    return q


def access_route_for_management(actor: identity.Actor, route_id) -> Route:
    require_signed_in(actor)
    if not actor.grants_for(PLACE_CREATOR_ROLES):
        raise Forbidden("您的角色不能管理路线 / Your role may not manage routes")
    try:
        return Route.objects.filter(routes_managed_by(actor)).get(pk=route_id)
    except (Route.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该路线 / No such route") from None
