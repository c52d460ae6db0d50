"""The basemap settings this domain reads, with their defaults.

`LIFELONG_MAP_TILE_URL` is a Leaflet tile URL template (`https://…/{z}/{x}/{y}.png`); empty means
no tile server, and the map draws places and routes on a plain background with a notice.
`LIFELONG_MAP_TILE_CRS` says which datum the tiles are drawn in: "wgs84" (OpenStreetMap and
most international servers) or "gcj02" (Amap, Tencent and other Chinese basemaps), in which case
points are converted before they are drawn. `LIFELONG_MAP_TILE_ATTRIBUTION` is the credit line
the tile provider requires.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WGS84 = "wgs84"
GCJ02 = "gcj02"
CRS_CHOICES = (WGS84, GCJ02)


@dataclass(frozen=True)
class MapSettings:
    tile_url: str
    tile_crs: str
    attribution: str

    @property
    def has_tiles(self) -> bool:
        return bool(self.tile_url)


def map_settings() -> MapSettings:
    url = (getattr(settings, "LIFELONG_MAP_TILE_URL", "") or "").strip()
    crs = (getattr(settings, "LIFELONG_MAP_TILE_CRS", "") or WGS84).strip().lower()
    if crs not in CRS_CHOICES:
        raise ImproperlyConfigured(
            f"LIFELONG_MAP_TILE_CRS must be one of {', '.join(CRS_CHOICES)}, not {crs!r}"
        )
    if url and not url.startswith(("https://", "http://", "/")):
        raise ImproperlyConfigured("LIFELONG_MAP_TILE_URL must be an http(s) URL or a path")
    attribution = (getattr(settings, "LIFELONG_MAP_TILE_ATTRIBUTION", "") or "").strip()
    return MapSettings(tile_url=url, tile_crs=crs, attribution=attribution)
