"""Test data for the learning map, made through the domain's own services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.apps import apps

from lifelong.learning_map.models import Activity, ActivitySession, Route
from lifelong.learning_map.services.places import create_place, set_route_stops
from lifelong.shared import clock

_serial = itertools.count(1)


def place(*, lat: float = 31.2, lng: float = 121.45, kind: str = "walk_point", **fields):
    return create_place(
        name=fields.pop("name", f"测试学习点{next(_serial)}"), kind=kind, lat=lat, lng=lng, **fields
    )


def route(*, points=((31.20, 121.44), (31.21, 121.45), (31.22, 121.45)), **fields) -> Route:
    made = Route.objects.create(
        name=fields.pop("name", f"测试路线{next(_serial)}"),
        theme=fields.pop("theme", "red_culture"),
        duration_minutes=fields.pop("duration_minutes", 90),
        **fields,
    )
    stops = [place(lat=lat, lng=lng) for lat, lng in points]
    set_route_stops(route=made, place_ids=[p.pk for p in stops])
    made.refresh_from_db()
    return made


def session(*, capacity: int = 20, starts_in: dt.timedelta = dt.timedelta(days=3), **fields):
    walk = route()
    activity = Activity.objects.create(
        kind="guided_walk",
        title=fields.pop("title", f"测试导览{next(_serial)}"),
        route=walk,
        district_id=fields.pop("district_id", "310104"),
    )
    starts = clock.now() + starts_in
    return ActivitySession.objects.create(
        activity=activity,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=capacity,
        meeting_point="测试集合点",
        **fields,
    )


def person(name: str = "测试市民"):
    """A bare person (no account), for tests that need many distinct people."""
    return apps.get_model("identity", "Person").objects.create(name=name)
