"""Public interface of catalog for the domains above it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["PlaceOffering", "load_demo", "offerings_at_place"]


def load_demo() -> dict[str, int]:
    """Load the catalog's Shanghai demo data (idempotent): 2,000+ resources, live classes in
    the coming week, senior MOOCs, and the demo citizen's learning."""
    from lifelong.catalog.demo import load_demo as load

    return load()


# What is held at a learning-map place.


@dataclass(frozen=True)
class PlaceOffering:
    """A published course held at a place (offline course, or any resource naming the place)."""

    id: int
    title: str
    kind: str
    kind_label: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    capacity: int | None
    url: str


def offerings_at_place(
    *, place_ref: str, organisation_id: int | None = None, limit: int = 20
) -> list[PlaceOffering]:
    """Published courses held at a learning-map place that have not ended, soonest first:
    those whose `place_ref` names the place, and, when the place is an identity
    organisation (a school, a base), that organisation's offline courses. At most `limit`
    (1–100); one query."""
    from django.db.models import F, Q
    from django.urls import reverse

    from lifelong.catalog.models import Kind, Resource, Status
    from lifelong.shared import clock

    limit = max(1, min(100, limit))
    held_here = Q(place_ref=place_ref) if place_ref else Q(pk__in=[])
    if organisation_id is not None:
        held_here |= Q(provider_id=organisation_id, kind=Kind.OFFLINE)
    rows = (
        Resource.objects.filter(held_here, status=Status.PUBLISHED)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=clock.now()))
        .order_by(F("starts_at").asc(nulls_last=True), "id")
        .values_list("id", "title", "kind", "starts_at", "ends_at", "capacity")[:limit]
    )
    return [
        PlaceOffering(
            id=pk,
            title=title,
            kind=kind,
            kind_label=str(Kind(kind).label),
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            url=reverse("catalog:course", args=[pk]),
        )
        for pk, title, kind, starts_at, ends_at, capacity in rows
    ]
