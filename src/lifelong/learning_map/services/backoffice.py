"""Staff corrections to places and routes (the back office calls these): each checks the
caller's scope, then writes through `services.places`, so a place's grid key and a route's
length always follow its coordinates and stops."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from lifelong.identity import api as identity
from lifelong.learning_map.access import (
    PLACE_CREATOR_ROLES,
    access_place_for_management,
    access_route_for_management,
    require_place_in_scope,
)
from lifelong.learning_map.models import Place, Route
from lifelong.learning_map.services.places import create_place, move_place, set_route_stops
from lifelong.shared.errors import Forbidden, Invalid

# What staff may correct on a place besides its position.
PLACE_FACTS = frozenset(
    {
        "name",
        "name_en",
        "kind",
        "audience",
        "organisation_id",
        "province",
        "district_id",
        "street_id",
        "city",
        "address",
        "opening_hours",
        "step_free",
        "seating",
        "accessible_toilet",
        "phone",
        "website",
        "description",
        "active",
    }
)
ROUTE_FACTS = frozenset(
    {
        "name",
        "theme",
        "audience",
        "district_id",
        "circle_id",
        "description",
        "duration_minutes",
        "active",
    }
)


def _only(facts: dict, allowed: frozenset[str]) -> None:
    unknown = sorted(set(facts) - allowed)
    if unknown:
        raise Invalid(
            "不能修改这些字段 / These fields cannot be changed",
            fields={name: "read-only" for name in unknown},
        )


def _validated(obj, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise Invalid(
            "内容有误 / Invalid input",
            fields={k: "; ".join(str(m) for m in v) for k, v in exc.message_dict.items()},
        ) from None


@transaction.atomic
def register_place(
    *, actor: identity.Actor, name: str, kind: str, lat: float, lng: float, **facts
) -> Place:
    """A new place in the actor's area (district officers in their district, the
    commission anywhere)."""
    _only(facts, PLACE_FACTS)
    require_place_in_scope(
        actor,
        district=facts.get("district_id"),
        street=facts.get("street_id"),
        roles=PLACE_CREATOR_ROLES,
    )
    return create_place(name=name, kind=kind, lat=lat, lng=lng, **facts)


@transaction.atomic
def update_place(*, actor: identity.Actor, place_id: int, lat: float, lng: float, **facts) -> Place:
    """Correct a place's facts and, if it moved, its position (the routes through it are
    re-measured). A place may not be moved out of the actor's area."""
    _only(facts, PLACE_FACTS)
    place = access_place_for_management(actor, place_id)
    district = facts.get("district_id", place.district_id)
    street = facts.get("street_id", place.street_id)
    if (district, street) != (place.district_id, place.street_id):
        require_place_in_scope(actor, district=district, street=street)
    for name, value in facts.items():
        setattr(place, name, value)
    place.name = (place.name or "").strip()
    _validated(place, exclude=["organisation", "district", "street", "cell", "checkin_code"])
    place.save()
    if (place.lat, place.lng) != (lat, lng):
        place = move_place(place_id=place.pk, lat=lat, lng=lng)
    return place


def district_allowed(actor: identity.Actor, district_id: str | None) -> bool:
    """Whether the actor may put a route in this district."""
    for grant in actor.grants_for(PLACE_CREATOR_ROLES):
        if grant.city_wide:
            return True
        if (
            grant.scope == "subtree"
            and grant.region_prefix
            and (district_id or "").startswith(grant.region_prefix[:6])
        ):
            return True
    return False


@transaction.atomic
def register_route(*, actor: identity.Actor, stop_place_ids: Sequence[int], **facts) -> Route:
    """A new humanities-walk route in the actor's district, with its stops in order."""
    _only(facts, ROUTE_FACTS)
    if not district_allowed(actor, facts.get("district_id")):
        raise Forbidden(
            "该区不在您的管辖范围内 / This district is outside your area",
            fields={"district": "outside your area"},
        )
    route = Route(**facts)
    _validated(route, exclude=["district", "circle", "length_m"])
    route.save()
    return set_route_stops(route=route, place_ids=list(stop_place_ids))


@transaction.atomic
def update_route(
    *,
    actor: identity.Actor,
    route_id: int,
    stop_place_ids: Sequence[int] | None = None,
    **facts,
) -> Route:
    """Correct a route's facts and, when given, replace its stops (its length follows)."""
    _only(facts, ROUTE_FACTS)
    route = access_route_for_management(actor, route_id)
    if "district_id" in facts and not district_allowed(actor, facts["district_id"]):
        raise Forbidden(
            "该区不在您的管辖范围内 / This district is outside your area",
            fields={"district": "outside your area"},
        )
    for name, value in facts.items():
        setattr(route, name, value)
    _validated(route, exclude=["district", "circle", "length_m"])
    route.save()
    if stop_place_ids is not None:
        current = list(route.stops.order_by("position").values_list("place_id", flat=True))
        if current != list(stop_place_ids):
            notes = dict(route.stops.values_list("place_id", "note"))
            set_route_stops(
                route=route,
                place_ids=list(stop_place_ids),
                notes=[notes.get(pid, "") for pid in stop_place_ids],
            )
    return route
