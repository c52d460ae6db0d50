"""Reading places: nearest k, inside a box, one place, filtered lists for the map page."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Q, QuerySet

from lifelong.catalog import api as catalog
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
_FIELD_NAMES = ("id", "name", "kind", "lat", "lng", "district", "audience", "address")


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
        rows = rows.filter(audience__in=[_checked_audience(audience), Audience.ALL])
    return rows


def _checked_audience(audience: str) -> str:
    if audience not in Audience.values:
        raise Invalid(
            _message("未知的对象", "Unknown audience"),
            fields={"audience": ", ".join(Audience.values)},
        )
    return audience


def _in_square(rows: QuerySet[Place], square: grid.Square) -> QuerySet[Place]:
    q = Q()
    for low, high in square.key_ranges():
        q |= Q(cell__gte=low, cell__lte=high)
    # No ORDER BY: sorting by id would tempt the planner into a primary-key scan of every
    # place instead of the cell-index range reads.
    return rows.filter(q).order_by()


@functools.lru_cache(maxsize=512)
def _square_sql(alias: str, ranges: int, kinds: int, district: bool, audience: bool) -> str:
    """The SQL of the grid read: active places in `ranges` key ranges, filtered. Written
    out rather than built by the ORM because building the query cost more than running it
    (about 0.6 ms of Python per search against 0.2 ms in PostgreSQL); cached per shape."""
    quote = connections[alias].ops.quote_name
    columns_of = {f.name: f.column for f in Place._meta.concrete_fields}

    def column(name: str) -> str:
        return quote(columns_of[name])

    where = [f"{column('active')} = %s"]
    cell = column("cell")
    where.append("(" + " OR ".join([f"{cell} BETWEEN %s AND %s"] * ranges) + ")")
    if kinds:
        where.append(f"{column('kind')} IN ({', '.join(['%s'] * kinds)})")
    if district:
        where.append(f"{column('district')} = %s")
    if audience:
        where.append(f"{column('audience')} IN (%s, %s)")
    # No ORDER BY: sorting would tempt the planner into a primary-key scan of every place
    # instead of the cell-index range reads; the ranking happens in Python.
    columns = ", ".join(column(name) for name in _FIELD_NAMES)
    # Only quoted names from the model and %s placeholders go into the text.
    return f"SELECT {columns} FROM {quote(Place._meta.db_table)} WHERE {' AND '.join(where)}"  # noqa: S608


def _square_rows(
    square: grid.Square, kinds: tuple[str, ...], district: str | None, audience: str | None
) -> list[tuple]:
    """(id, name, kind, lat, lng, district, audience, address) of the active places in the
    square's cells that pass the filters: one indexed read."""
    alias = router.db_for_read(Place)
    ranges = square.key_ranges()
    sql = _square_sql(alias, len(ranges), len(kinds), bool(district), bool(audience))
    params: list = [True]
    for low, high in ranges:
        params += [low, high]
    params += kinds
    if district:
        params.append(district)
    if audience:
        params += [audience, Audience.ALL]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ranked(center: Point, rows: Iterable[tuple], limit: int | None = None) -> list[PlaceHit]:
    """The rows nearest first (ties by id), the first `limit` of them as hits."""
    # The haversine of `lifelong.shared.geo.distance_m`, term for term in the same order (so
    # the same floats come out; a test holds them equal), with the centre's terms computed
    # once: this loop is the hot path of every nearest-place search. Hits are built only for
    # the rows kept.
    phi1 = math.radians(center.lat)
    cos_phi1 = math.cos(phi1)
    lon1 = center.lon
    radians, sin, cos = math.radians, math.sin, math.cos
    scored = []
    for row in rows:
        phi2 = radians(row[3])
        h = (
            sin((phi2 - phi1) / 2) ** 2
            + cos_phi1 * cos(phi2) * sin(radians(row[4] - lon1) / 2) ** 2
        )
        scored.append((2 * EARTH_MEAN_RADIUS_M * math.asin(math.sqrt(min(1.0, h))), row[0], row))
    # Ids are unique, so the row itself is never compared.
    scored.sort()
    if limit is not None:
        del scored[limit:]
    return [
        PlaceHit(
            id=pk,
            name=row[1],
            kind=row[2],
            lat=row[3],
            lng=row[4],
            distance_m=distance,
            district_code=row[5],
            audience=row[6],
            address=row[7],
        )
        for distance, pk, row in scored
    ]


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
    if audience:
        _checked_audience(audience)
    center = Point(lat, lng)
    for rings in _RINGS:
        square = grid.square_around(lat, lng, rings)
        if square.clipped:
            break
        hits = _ranked(center, _square_rows(square, kinds, district, audience), limit=k)
        if len(hits) == k and hits[k - 1].distance_m <= grid.safe_radius_m(lat, lng, square):
            return hits
    rows = _filtered(kinds, district, audience).order_by().values_list(*_FIELDS)
    return _ranked(center, rows, limit=k)


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


def courses_at(place: Place, *, limit: int = 10) -> list[catalog.PlaceOffering]:
    """The catalog's courses held at the place that have not ended, soonest first: those that
    name the place, and a school's or base's own offline courses."""
    return catalog.offerings_at_place(
        place_ref=str(place.pk), organisation_id=place.organisation_id, limit=limit
    )


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
