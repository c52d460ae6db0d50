"""Coordinates: WGS-84 ⇄ GCJ-02, great-circle distances, and bounding boxes for "within N
metres" pre-filters.

Coordinates are stored in WGS-84 (what GPS and the browser's geolocation give). Chinese
basemaps (Amap, Tencent) draw in GCJ-02, the officially obfuscated datum, so points are
converted only on their way to such a map and back from a click on it.

GCJ-02 is the published offset formula on the Krasovsky 1940 ellipsoid. It has no closed-form
inverse; `gcj02_to_wgs84` solves it by fixed-point iteration, which converges to well under a
centimetre because the offset changes by only millimetres per metre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from lifelong.shared.errors import Invalid

# Krasovsky 1940: the ellipsoid the GCJ-02 formula is defined on.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323

# Mean radius R1 = (2a + b) / 3 of the WGS-84 ellipsoid (IUGG): the sphere that best fits it
# for haversine distances (error below 0.5 %).
EARTH_MEAN_RADIUS_M = 6_371_008.8

# Where the GCJ-02 offset applies: the coarse rectangles Chinese map providers' published
# "is in China" test uses, minus the rectangles that cut away Taiwan and the neighbouring
# countries they would otherwise catch. (north, west, south, east) in degrees.
_CHINA_REGIONS = (
    (49.220400, 79.446200, 42.889900, 96.330000),
    (54.141500, 109.687200, 39.374200, 135.000200),
    (42.889900, 73.124600, 29.529700, 124.143255),
    (29.529700, 82.968400, 26.718600, 97.035200),
    (29.529700, 97.025300, 20.414096, 124.367395),
    (20.414096, 107.975793, 17.871542, 111.744104),
)
_CHINA_EXCLUDED = (
    (25.398623, 119.921265, 21.785006, 122.497559),
    (22.284000, 101.865200, 20.098800, 106.665000),
    (21.542200, 106.452500, 20.487800, 108.051000),
    (55.817500, 109.032300, 50.325700, 119.127000),
    (55.817500, 127.456800, 49.557400, 137.022700),
    (44.892200, 131.266200, 42.569200, 137.022700),
)

_INVERSE_TOLERANCE_DEG = 1e-10  # about 0.01 mm
_INVERSE_MAX_ITERATIONS = 20


@dataclass(frozen=True)
class Point:
    """A position in decimal degrees; which datum it is in is the caller's to know (WGS-84
    unless a name says otherwise)."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        lat = _coordinate(self.lat, "lat", 90.0, "纬度", "Latitude")
        lon = _coordinate(self.lon, "lon", 180.0, "经度", "Longitude")
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)


def _coordinate(value: object, field: str, limit: float, name_zh: str, name_en: str) -> float:
    # Decimal comes from DecimalField columns; bool is an int subclass, and True as a latitude
    # is always a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise Invalid(
            f"{name_zh}必须是数字 / {name_en} must be a number",
            fields={field: f"{name_zh}必须是数字 / {name_en} must be a number"},
        )
    number = float(value)
    if not math.isfinite(number) or not -limit <= number <= limit:
        message = (
            f"{name_zh}必须在 -{limit:g} 到 {limit:g} 度之间 / "
            f"{name_en} must be between -{limit:g} and {limit:g} degrees"
        )
        raise Invalid(message, fields={field: message})
    return number


@dataclass(frozen=True)
class BoundingBox:
    """A lat/lon rectangle, inclusive on every side."""

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, point: Point) -> bool:
        return (
            self.min_lat <= point.lat <= self.max_lat and self.min_lon <= point.lon <= self.max_lon
        )


# ---- GCJ-02 ----------------------------------------------------------------------------------


def _in_rectangle(rect: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    north, west, south, east = rect
    return south <= lat <= north and west <= lon <= east


def in_mainland_china(point: Point) -> bool:
    """Whether the GCJ-02 offset applies at this point. The test is coarse near borders (Hong
    Kong and Macau fall inside its rectangles) but certain for Shanghai and its neighbours."""
    return any(_in_rectangle(r, point.lat, point.lon) for r in _CHINA_REGIONS) and not any(
        _in_rectangle(r, point.lat, point.lon) for r in _CHINA_EXCLUDED
    )


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj02_offset(lat: float, lon: float) -> tuple[float, float]:
    """The offset in degrees that GCJ-02 adds to a WGS-84 position inside China."""
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / (
        (_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi
    )
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(point: Point) -> Point:
    """For drawing a stored position on a Chinese basemap. Identity outside mainland China."""
    if not in_mainland_china(point):
        return point
    d_lat, d_lon = _gcj02_offset(point.lat, point.lon)
    return Point(point.lat + d_lat, point.lon + d_lon)


def gcj02_to_wgs84(point: Point) -> Point:
    """For storing a position picked on a Chinese basemap. Identity outside mainland China.

    Solves wgs84_to_gcj02(w) = point for w: start at the GCJ-02 position and move by the
    remaining error until it is below a hundredth of a millimetre.
    """
    if not in_mainland_china(point):
        return point
    lat, lon = point.lat, point.lon
    for _ in range(_INVERSE_MAX_ITERATIONS):
        d_lat, d_lon = _gcj02_offset(lat, lon)
        err_lat = lat + d_lat - point.lat
        err_lon = lon + d_lon - point.lon
        lat -= err_lat
        lon -= err_lon
        if abs(err_lat) < _INVERSE_TOLERANCE_DEG and abs(err_lon) < _INVERSE_TOLERANCE_DEG:
            break
    return Point(lat, lon)


# ---- Distances and pre-filters ---------------------------------------------------------------


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine on the WGS-84 mean sphere)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    d_phi = phi2 - phi1
    d_lambda = math.radians(b.lon - a.lon)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # Rounding can push h a hair past 1 for antipodal points; asin would then fail.
    return 2 * EARTH_MEAN_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def bounding_box(center: Point, radius_m: float) -> BoundingBox:
    """The smallest lat/lon rectangle holding every point within `radius_m` of `center`.

    Meant for a cheap indexed `lat BETWEEN … AND lon BETWEEN …` pre-filter followed by an
    exact `distance_m` check. Near a pole, or where the circle crosses the 180° meridian, the
    rectangle widens to every longitude rather than wrap around.
    """
    if isinstance(radius_m, bool) or not isinstance(radius_m, int | float):
        raise Invalid(
            "距离必须是数字 / The distance must be a number",
            fields={"radius_m": "距离必须是数字 / The distance must be a number"},
        )
    if not math.isfinite(radius_m) or radius_m < 0:
        raise Invalid(
            "距离必须是非负的有限数 / The distance must be a finite number ≥ 0",
            fields={
                "radius_m": "距离必须是非负的有限数 / The distance must be a finite number ≥ 0"
            },
        )
    angular = radius_m / EARTH_MEAN_RADIUS_M
    lat = math.radians(center.lat)
    min_lat = lat - angular
    max_lat = lat + angular
    half_pi = math.pi / 2
    if min_lat > -half_pi and max_lat < half_pi:
        # The widest longitude span of a small circle is at its tangent meridians, whose
        # half-width is asin(sin r / cos φ) (Matuschek, "Finding points within a distance").
        d_lon = math.asin(min(1.0, math.sin(angular) / math.cos(lat)))
        min_lon = math.radians(center.lon) - d_lon
        max_lon = math.radians(center.lon) + d_lon
        if min_lon < -math.pi or max_lon > math.pi:
            min_lon, max_lon = -math.pi, math.pi
    else:
        min_lat = max(min_lat, -half_pi)
        max_lat = min(max_lat, half_pi)
        min_lon, max_lon = -math.pi, math.pi
    return BoundingBox(
        min_lat=math.degrees(min_lat),
        min_lon=math.degrees(min_lon),
        max_lat=math.degrees(max_lat),
        max_lon=math.degrees(max_lon),
    )
