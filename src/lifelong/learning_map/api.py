"""Public interface of learning_map for the domains above it."""

from __future__ import annotations

from dataclasses import dataclass

from lifelong.learning_map.demo import load_demo
from lifelong.learning_map.selectors.places import nearest_places

__all__ = ["NearbyPlace", "load_demo", "places_near"]


@dataclass(frozen=True)
class NearbyPlace:
    id: int
    name: str
    kind: str
    lat: float
    lng: float
    distance_m: float


def places_near(
    lat: float, lng: float, k: int = 10, kinds: tuple[str, ...] = ()
) -> list[NearbyPlace]:
    """The k learning places nearest to a WGS-84 position, nearest first (e.g. for
    recommendations near a person's home). Raises `Invalid` for bad coordinates."""
    return [
        NearbyPlace(h.id, h.name, h.kind, h.lat, h.lng, h.distance_m)
        for h in nearest_places(lat=lat, lng=lng, k=k, kinds=kinds)
    ]
