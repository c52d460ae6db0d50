"""Writing places and routes: the grid key and a route's length are computed here, nowhere
else, so they always match the coordinates and the stops."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import transaction

from lifelong.learning_map import grid
from lifelong.learning_map.models import Place, Route, RouteStop
from lifelong.learning_map.selectors.places import checked_coordinate
from lifelong.shared.errors import Invalid
from lifelong.shared.geo import Point, distance_m


def new_checkin_code() -> str:
    return secrets.token_urlsafe(16)


def place_position_fields(lat: float, lng: float) -> dict:
    """The stored position of a place: checked WGS-84 coordinates and their grid key."""
    lat = checked_coordinate(lat, "lat", 90.0)
    lng = checked_coordinate(lng, "lng", 180.0)
    return {"lat": lat, "lng": lng, "cell": grid.cell_for(lat, lng)}


def build_place(*, name: str, kind: str, lat: float, lng: float, **fields) -> Place:
    """An unsaved place with its grid key and check-in code (for `bulk_create`)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid(
            "名称不能为空且不超过200字 / Name is required (≤200 characters)",
            fields={"name": "必填 / required"},
        )
    return Place(
        name=name,
        kind=kind,
        checkin_code=new_checkin_code(),
        **place_position_fields(lat, lng),
        **fields,
    )


@transaction.atomic
def create_place(*, name: str, kind: str, lat: float, lng: float, **fields) -> Place:
    place = build_place(name=name, kind=kind, lat=lat, lng=lng, **fields)
    place.full_clean(exclude=["organisation", "district", "street"])
    place.save()
    return place


@transaction.atomic
def move_place(*, place_id: int, lat: float, lng: float) -> Place:
    """New coordinates for a place; the lengths of the routes through it follow."""
    place = Place.objects.select_for_update().get(pk=place_id)
    for name, value in place_position_fields(lat, lng).items():
        setattr(place, name, value)
    place.save(update_fields=["lat", "lng", "cell"])
    for route_id in RouteStop.objects.filter(place=place).values_list("route_id", flat=True):
        _recompute_length(Route.objects.get(pk=route_id))
    return place


def route_length_m(points: Sequence[tuple[float, float]]) -> int:
    """Sum of the great-circle legs between consecutive (lat, lng) points, in whole metres."""
    total = 0.0
    for (lat1, lng1), (lat2, lng2) in zip(points, points[1:], strict=False):
        total += distance_m(Point(lat1, lng1), Point(lat2, lng2))
    return round(total)


def _recompute_length(route: Route) -> None:
    points = list(route.stops.order_by("position").values_list("place__lat", "place__lng"))
    route.length_m = route_length_m(points)
    route.save(update_fields=["length_m"])


def check_route_stops(place_ids: Sequence[int]) -> None:
    """Raise `Invalid` unless these are two or more distinct existing places."""
    if len(place_ids) < 2:
        raise Invalid(
            "路线至少需要两个站点 / A route needs at least two stops",
            fields={"place_ids": "≥ 2"},
        )
    if len(set(place_ids)) != len(place_ids):
        raise Invalid(
            "同一站点不能出现两次 / A stop may appear only once",
            fields={"place_ids": "duplicate"},
        )
    found = set(Place.objects.filter(pk__in=place_ids).values_list("pk", flat=True))
    if found != set(place_ids):
        raise Invalid("站点不存在 / Unknown place", fields={"place_ids": "unknown place"})


@transaction.atomic
def set_route_stops(
    *, route: Route, place_ids: Sequence[int], notes: Sequence[str] | None = None
) -> Route:
    """Replace the route's stops with these places in this order; recompute its length."""
    check_route_stops(place_ids)
    notes = list(notes or [])
    RouteStop.objects.filter(route=route).delete()
    RouteStop.objects.bulk_create(
        RouteStop(
            route=route,
            place_id=pid,
            position=i + 1,
            note=notes[i] if i < len(notes) else "",
        )
        for i, pid in enumerate(place_ids)
    )
    _recompute_length(route)
    return route
