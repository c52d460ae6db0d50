"""Reading places: nearest k, inside a box, one place, filtered lists for the map page."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lifelong.learning_map import grid
from lifelong.learning_map.models import Audience, Place, PlaceKind
from lifelong.shared.errors import Invalid, NotFound
from lifelong.shared.geo import EARTH_MEAN_RADIUS_M, Point

# Rings of cells searched in turn around the query point before giving up on the grid and
# ranking every matching place (sparse kinds, a point far from any data).
_RINGS = (1, 2, 4, 8, 16, 32, 64)
MAX_K = 100
DEFAULT_BOX_LIMIT = 500
MAX_BOX_LIMIT = 5000
_FIELDS = ("id", "name", "kind", "lat", "lng", "district_id", "audience", "address")


@dataclass(frozen=True)
class PlaceHit:
    id: int
    name: str
    kind: str
    lat: float
    lng: float
    distance_m: float
    district_code: str | None
    audience: str
    address: str

    @property
    def kind_label(self) -> str:
        return str(PlaceKind(self.kind).label)


def _message(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def checked_coordinate(value: float, field: str, limit: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(
            _message("坐标必须是数字", "Coordinates must be numbers"),
            fields={field: _message("必须是数字", "must be a number")},
        )
    number = float(value)
    if not math.isfinite(number) or not -limit <= number <= limit:
        message = _message(
            f"必须在 -{limit:g} 到 {limit:g} 之间", f"must be between -{limit:g} and {limit:g}"
        )
        raise Invalid(_message("坐标无效", "Invalid coordinates"), fields={field: message})
    return number


def parse_kinds(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """`kind=walk_point,museum` → the kinds; unknown ones are a 422."""
    if raw is None:
        return ()
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    kinds = tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    unknown = [k for k in kinds if k not in PlaceKind.values]
    if unknown:
        raise Invalid(
            _message("未知的场所类型", "Unknown place kind"),
            fields={"kind": _message("可选", "one of") + ": " + ", ".join(PlaceKind.values)},
        )
    return kinds


def _filtered(
    kinds: tuple[str, ...] = (), district: str | None = None, audience: str | None = None
) -> QuerySet[Place]:
    rows = Place.objects.filter(active=True)
    if kinds:
        rows = rows.filter(kind__in=kinds) if len(kinds) > 1 else rows.filter(kind=kinds[0])
    if district:
        rows = rows.filter(district_id=district)
    if audience:
        if audience not in Audience.values:
            raise Invalid(
                _message("未知的对象", "Unknown audience"),
                fields={"audience": ", ".join(Audience.values)},
            )
        rows = rows.filter(audience__in=[audience, Audience.ALL])
    return rows


def _in_square(rows: QuerySet[Place], square: grid.Square) -> QuerySet[Place]:
    q = Q()
    for low, high in square.key_ranges():
        q |= Q(cell__gte=low, cell__lte=high)
    # No ORDER BY: sorting by id would tempt the planner into a primary-key scan of every
    # place instead of the cell-index range reads.
    return rows.filter(q).order_by()


def _ranked(center: Point, rows: Iterable[tuple]) -> list[PlaceHit]:
    # The haversine of `lifelong.shared.geo.distance_m`, term for term in the same order (so
    # the same floats come out; a test holds them equal), with the centre's terms computed
    # once: this loop is the hot path of every nearest-place search.
    phi1 = math.radians(center.lat)
    cos_phi1 = math.cos(phi1)
    lon1 = center.lon
    hits = []
    for pk, name, kind, lat, lng, district, audience, address in rows:
        phi2 = math.radians(lat)
        h = (
            math.sin((phi2 - phi1) / 2) ** 2
            + cos_phi1 * math.cos(phi2) * math.sin(math.radians(lng - lon1) / 2) ** 2
        )
        hits.append(
            PlaceHit(
                id=pk,
                name=name,
                kind=kind,
                lat=lat,
                lng=lng,
                distance_m=2 * EARTH_MEAN_RADIUS_M * math.asin(math.sqrt(min(1.0, h))),
                district_code=district,
                audience=audience,
                address=address,
            )
        )
    hits.sort(key=lambda h: (h.distance_m, h.id))
    return hits


def nearest_places(
    *,
    lat: float,
    lng: float,
    k: int = 10,
    kinds: tuple[str, ...] = (),
    district: str | None = None,
    audience: str | None = None,
) -> list[PlaceHit]:
    """The k active places nearest to (lat, lng) (WGS-84), nearest first (ties by id); the
    same answer as ranking every place by haversine distance, read through the grid index."""
    lat = checked_coordinate(lat, "lat", 90.0)
    lng = checked_coordinate(lng, "lng", 180.0)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise Invalid(
            _message("k 必须在 1 到 100 之间", "k must be between 1 and 100"),
            fields={"k": "1–100"},
        )
    center = Point(lat, lng)
    rows = _filtered(kinds, district, audience)
    for rings in _RINGS:
        square = grid.square_around(lat, lng, rings)
        if square.clipped:
            break
        hits = _ranked(center, _in_square(rows, square).values_list(*_FIELDS))
        if len(hits) >= k and hits[k - 1].distance_m <= grid.safe_radius_m(lat, lng, square):
            return hits[:k]
    return _ranked(center, rows.order_by().values_list(*_FIELDS))[:k]


def places_in_box(
    *,
    min_lng: float,
    min_lat: float,
    max_lng: float,
    max_lat: float,
    limit: int = DEFAULT_BOX_LIMIT,
    kinds: tuple[str, ...] = (),
    district: str | None = None,
    audience: str | None = None,
) -> list[PlaceHit]:
    """Active places inside the box (edges included), at most `limit`, listed in id order;
    each carries its distance from the box's centre. When more than `limit` places are inside,
    which ones come back follows the grid index (whole cells in key order), not the ids."""
    min_lng = checked_coordinate(min_lng, "bbox", 180.0)
    max_lng = checked_coordinate(max_lng, "bbox", 180.0)
    min_lat = checked_coordinate(min_lat, "bbox", 90.0)
    max_lat = checked_coordinate(max_lat, "bbox", 90.0)
    if min_lng > max_lng or min_lat > max_lat:
        raise Invalid(
            _message("范围的最小值不能大于最大值", "The box's minimum exceeds its maximum"),
            fields={"bbox": "minLng,minLat,maxLng,maxLat"},
        )
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_BOX_LIMIT:
        raise Invalid(
            _message("limit 必须在 1 到 5000 之间", "limit must be between 1 and 5000"),
            fields={"limit": "1–5000"},
        )
    rows = _filtered(kinds, district, audience).filter(
        lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng
    )
    square = grid.square_for_box(min_lat, min_lng, max_lat, max_lng)
    # A box over a few hundred rows of cells is a city or more: the lat/lng range is as good.
    if square.row1 - square.row0 < 200:
        rows = _in_square(rows, square)
    center = Point((min_lat + max_lat) / 2, (min_lng + max_lng) / 2)
    picked = rows.order_by().values_list(*_FIELDS)[:limit]
    return sorted(_ranked(center, picked), key=lambda h: h.id)


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """ "minLng,minLat,maxLng,maxLat" → four floats; anything else is a 422 on `bbox`."""
    parts = (raw or "").split(",")
    message = _message(
        "bbox 应为 minLng,minLat,maxLng,maxLat 四个数", "bbox must be minLng,minLat,maxLng,maxLat"
    )
    if len(parts) != 4:
        raise Invalid(message, fields={"bbox": message})
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise Invalid(message, fields={"bbox": message}) from None
    return values[0], values[1], values[2], values[3]


def get_place(place_id: int) -> Place:
    try:
        return Place.objects.select_related("district", "street").get(pk=place_id, active=True)
    except (Place.DoesNotExist, ValueError, TypeError):
        raise NotFound(_message("找不到该场所", "No such place")) from None


def list_places(
    *,
    kinds: tuple[str, ...] = (),
    district: str | None = None,
    audience: str | None = None,
    limit: int = 50,
) -> list[Place]:
    return list(_filtered(kinds, district, audience).select_related("district")[:limit])


def count_places(
    *, kinds: tuple[str, ...] = (), district: str | None = None, audience: str | None = None
) -> int:
    return _filtered(kinds, district, audience).count()


def place_by_checkin_code(code: str) -> Place:
    try:
        return Place.objects.get(checkin_code=code, active=True)
    except Place.DoesNotExist:
        raise NotFound(_message("二维码无效", "Unknown QR code")) from None


def centre_of(*, district: str | None = None, street: str | None = None) -> Point | None:
    """The mean position of the places in a street (or district): where "near me" starts for
    someone who typed their street instead of sharing their location."""
    rows = Place.objects.filter(active=True, province="310000")
    if street:
        rows = rows.filter(street_id=street)
    elif district:
        rows = rows.filter(district_id=district)
    else:
        return None
    coords = list(rows.values_list("lat", "lng")[:2000])
    if not coords:
        return None
    return Point(sum(c[0] for c in coords) / len(coords), sum(c[1] for c in coords) / len(coords))
