"""Reading humanities-walk routes and their stops."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from lifelong.learning_map.models import Route, RouteStop, WalkingCircle
from lifelong.shared.errors import NotFound


def _with_stops(rows: QuerySet[Route]) -> QuerySet[Route]:
    stops = RouteStop.objects.select_related("place").order_by("position")
    return rows.select_related("district", "circle").prefetch_related(
        Prefetch("stops", queryset=stops)
    )


def list_routes(
    *,
    district: str | None = None,
    theme: str | None = None,
    audience: str | None = None,
    circle_id: int | None = None,
) -> list[Route]:
    rows = Route.objects.filter(active=True)
    if district:
        rows = rows.filter(district_id=district)
    if theme:
        rows = rows.filter(theme=theme)
    if audience:
        rows = rows.filter(audience__in=[audience, "all"])
    if circle_id:
        rows = rows.filter(circle_id=circle_id)
    return list(_with_stops(rows))


def get_route(route_id: int) -> Route:
    try:
        return _with_stops(Route.objects.filter(active=True)).get(pk=route_id)
    except (Route.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该路线 / No such route") from None


def list_circles() -> list[WalkingCircle]:
    return list(WalkingCircle.objects.select_related("district"))
