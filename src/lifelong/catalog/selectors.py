"""Reads of catalog data: search and browse, course pages, my learning, points, live classes,
senior MOOCs, the review queue and delivery requests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from lifelong.catalog import access
from lifelong.catalog.models import (
    BadgeAward,
    Category,
    DeliveryRequest,
    Enrolment,
    Kind,
    LearningDay,
    PointsEntry,
    Resource,
    Status,
    Unit,
    UnitProgress,
)
from lifelong.catalog.search import reader, text
from lifelong.catalog.search.reader import Facets
from lifelong.identity.api import Actor
from lifelong.shared import clock

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 50
# What a result shows (the API's items, the /learn/ page): loading only these keeps the page
# query light; the query-count tests catch a template or endpoint that reaches for more.
RESULT_FIELDS = (
    "id",
    "search_slot",
    "title",
    "summary",
    "kind",
    "status",
    "fee",
    "is_senior_mooc",
    "starts_at",
    "ends_at",
    "for_seniors",
    "for_youth",
    "for_white_collar",
    "for_workers",
    "category__code",
    "category__name",
    "category__name_en",
    "provider__name",
    "district__code",
    "district__name",
    "district__name_en",
)


@dataclass
class SearchResult:
    items: list[Resource]
    count: int
    page: int
    page_size: int
    facets: Facets
    terms: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def search_resources(
    *,
    q: str = "",
    category: str | None = None,
    audience: str | None = None,
    district: str | None = None,
    format: str | None = None,
    senior_mooc: bool = False,
    upcoming: bool = False,
    page: int = 1,
    page_size: int = 20,
    with_facets: bool = True,
) -> SearchResult:
    """Published resources having every word of the query and passing the filters, with the
    exact total count and the exact facets of the whole result, on either database.

    Order: with a query, resources with every query word in the title first, then the rest;
    within each (and without a query), the most recently published first. Two queries when
    this process has the index's current postings decoded (the index generation, the page's
    rows), one more for words it has not seen yet, a few more after the index changed."""
    return _search(
        reader.snapshot(),
        q=q,
        category=category,
        audience=audience,
        district=district,
        format=format,
        senior_mooc=senior_mooc,
        upcoming=upcoming,
        page=page,
        page_size=page_size,
        with_facets=with_facets,
    )


def cached_search(params: dict[str, Any], render: Callable[[SearchResult], bytes]) -> bytes:
    """`render(search_resources(**params))`, kept in the cache (Django's; Redis where
    configured) per index generation and parameters, so a repeated search costs one query.

    Still exact: any change to the index gives it a new generation, hence new keys; an
    answer is kept only until the next live class ends (its upcoming count would change) and
    at most `CATALOG_SEARCH_CACHE_SECONDS` (60; 0 turns the cache off), which bounds how old
    a name from another domain (a provider renamed in identity) can be."""
    seconds = getattr(settings, "CATALOG_SEARCH_CACHE_SECONDS", 60)
    state = reader.snapshot()
    if seconds <= 0:
        return render(_search(state, **params))
    digest = hashlib.sha256(
        json.dumps([state.generation, params], sort_keys=True, default=str).encode()
    ).hexdigest()
    key = f"catalog:search:{digest}"
    now = clock.now()
    try:
        hit = cache.get(key)
    except Exception:  # a cache that is down must not take search down with it
        _cache_failed()
        hit = None
    if hit is not None and now.timestamp() < hit[0]:
        return hit[1]
    body = render(_search(state, **params))
    until = now + dt.timedelta(seconds=seconds)
    upcoming_until = reader.valid_until(state)
    if upcoming_until is not None:
        until = min(until, upcoming_until)
    try:
        cache.set(key, (until.timestamp(), body), timeout=seconds)
    except Exception:
        _cache_failed()
    return body


_cache_failures = 0


def _cache_failed() -> None:
    """Log the first failure of the cache in this process, then every thousandth, so that
    a cache that is down does not flood the log while search carries on without it."""
    global _cache_failures
    if _cache_failures % 1000 == 0:
        logger.warning("search answers cache unavailable", exc_info=True)
    _cache_failures += 1


def _search(
    state: reader.Snapshot,
    *,
    q: str = "",
    category: str | None = None,
    audience: str | None = None,
    district: str | None = None,
    format: str | None = None,
    senior_mooc: bool = False,
    upcoming: bool = False,
    page: int = 1,
    page_size: int = 20,
    with_facets: bool = True,
) -> SearchResult:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    terms = text.query_terms(q) if q and q.strip() else []
    outcome = reader.search(
        terms,
        reader.Filters(
            category=category,
            audience=audience,
            district=district,
            format=format,
            senior_mooc=senior_mooc,
            upcoming=upcoming,
        ),
        offset=(page - 1) * page_size,
        limit=page_size,
        with_facets=with_facets,
        state=state,
    )
    items: list[Resource] = []
    if outcome.slots:
        found = _result_rows(state, outcome.slots)
        items = [found[slot] for slot in outcome.slots if slot in found]
    for item in items:
        # Escaped text with <mark>s, for the page and the API to show.
        setattr(item, "title_html", text.highlight(item.title, terms))  # noqa: B010
        setattr(item, "summary_html", text.highlight(item.summary, terms))  # noqa: B010
    return SearchResult(items, outcome.count, page, page_size, outcome.facets, terms)


@dataclass(frozen=True)
class _Part:
    """One table of the page query: the relation from Resource ("" for Resource itself), its
    model, the selected fields in the model's field order (as `from_db` takes them), where
    its primary key is among them, and the converters of the database's values."""

    relation: str
    model: type[models.Model]
    fields: list[models.Field]
    attnames: list[str]
    pk_index: int
    converters: list[tuple[int, list, Any]]


# Relations of a result whose few fields come from what the search already read of the
# index's generation (category names) and of the regions (reference data), not from a join:
# each join costs PostgreSQL more to plan than to run. Fields: the primary key, then those
# of RESULT_FIELDS, in the order `reader.category_names` / `reader.district_names` give them.
_FROM_SEARCH = {
    "category": ("id", "code", "name", "name_en"),
    "district": ("code", "name", "name_en"),
}
# By database alias: the page query (SQL up to the slots) and its tables.
_result_queries: dict[str, tuple[str, list[_Part]]] = {}


def _result_query() -> tuple[str, list[_Part]]:
    """`Resource.objects.select_related(…).only(*RESULT_FIELDS)` written out once: compiling
    that query costs the ORM more than PostgreSQL spends running it. Without the model's
    ordering (the page is put in slot order afterwards)."""
    found = _result_queries.get(connection.alias)
    if found is not None:
        return found
    qn = connection.ops.quote_name
    wanted: dict[str, set[str]] = {"": set()}
    for name in RESULT_FIELDS:
        relation, _, attribute = name.rpartition("__")
        if relation not in _FROM_SEARCH:
            wanted.setdefault(relation, set()).add(attribute)
    meta = Resource._meta
    for relation, given in _FROM_SEARCH.items():
        order = [f.attname for f in _link(relation).related_model._meta.concrete_fields]
        shown = {n.rpartition("__")[2] for n in RESULT_FIELDS if n.startswith(f"{relation}__")}
        if sorted(given, key=order.index) != list(given) or not shown <= set(given):
            raise ImproperlyConfigured(f"_FROM_SEARCH[{relation!r}] does not fit the model")
    # The foreign keys themselves.
    wanted[""] |= {name for name in [*wanted, *_FROM_SEARCH] if name}
    parts: list[_Part] = []
    joins: list[str] = []
    for relation, names in wanted.items():
        alias = f"t{len(parts)}"
        model: type[models.Model] = Resource
        if relation:
            link = _link(relation)
            model = link.related_model
            joins.append(
                f"{'LEFT OUTER' if link.null else 'INNER'} JOIN {qn(model._meta.db_table)} {alias}"
                f" ON {alias}.{qn(link.target_field.column)} = t0.{qn(link.column)}"
            )
        pk = model._meta.pk
        fields: list[Any] = [f for f in model._meta.concrete_fields if f.name in names or f is pk]
        converters = []
        for i, f in enumerate(fields):
            col = f.get_col(alias)
            functions = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            if functions:
                converters.append((i, functions, col))
        parts.append(
            _Part(
                relation,
                model,
                fields,
                [f.attname for f in fields],
                fields.index(pk),
                converters,
            )
        )
    columns = ", ".join(f"t{n}.{qn(f.column)}" for n, p in enumerate(parts) for f in p.fields)
    # Fixed fragments from the models' metadata; the slots are parameters.
    sql = (
        f"SELECT {columns} FROM {qn(meta.db_table)} t0 {' '.join(joins)}"  # noqa: S608
        f" WHERE t0.{qn(meta.get_field('search_slot').column)} IN "
    )
    found = _result_queries[connection.alias] = (sql, parts)
    return found


def _link(relation: str) -> Any:
    """The foreign key of Resource named `relation`."""
    return Resource._meta.get_field(relation)


def _result_rows(state: reader.Snapshot, slots: list[int]) -> dict[int, Resource]:
    """The resources in `slots` by slot, in one query: instances with RESULT_FIELDS loaded
    and the others deferred, their category, provider and district attached, as the ORM's
    `select_related(…).only(*RESULT_FIELDS)` gives them."""
    sql, parts = _result_query()
    with connection.cursor() as cursor:
        cursor.execute(sql + f"({', '.join(['%s'] * len(slots))})", slots)
        rows = cursor.fetchall()
    db = connection.alias
    slot_index = parts[0].attnames.index("search_slot")
    links = [_link(p.relation) for p in parts[1:]]
    found: dict[int, Resource] = {}
    for row in rows:
        start = 0
        instances: list[models.Model | None] = []
        for part in parts:
            values = list(row[start : start + len(part.fields)])
            start += len(part.fields)
            if values[part.pk_index] is None:  # no related row (a nullable foreign key)
                instances.append(None)
                continue
            for i, functions, col in part.converters:
                for convert in functions:
                    values[i] = convert(values[i], col, connection)
            instances.append(part.model.from_db(db, part.attnames, values))
        resource = instances[0]
        assert isinstance(resource, Resource)
        for link, other in zip(links, instances[1:], strict=True):
            link.set_cached_value(resource, other)
        found[row[slot_index]] = resource
    if found:
        _attach_names(state, list(found.values()))
    return found


def _attach_names(state: reader.Snapshot, resources: list[Resource]) -> None:
    """Each resource's category and district, from the names the search read."""
    db = connection.alias
    categories = reader.category_names(state)
    if any(r.category_id not in categories for r in resources):  # added since it was read
        categories = reader.category_names(state, refresh=True)
    districts = reader.district_names({r.district_id for r in resources if r.district_id})
    category, district = (_link(name) for name in _FROM_SEARCH)
    category_model, district_model = category.related_model, district.related_model
    category_fields, district_fields = _FROM_SEARCH.values()
    for resource in resources:
        pk = resource.category_id
        category.set_cached_value(
            resource, category_model.from_db(db, category_fields, [pk, *categories[pk]])
        )
        code = resource.district_id
        district.set_cached_value(
            resource,
            district_model.from_db(db, district_fields, [code, *districts[code]]) if code else None,
        )


def list_categories() -> list[Category]:
    return list(Category.objects.filter(active=True).order_by("position", "code"))


def resource_units(resource: Resource) -> list[Unit]:
    return list(resource.units.order_by("position"))


def enrolment_of(actor: Actor, resource: Resource) -> Enrolment | None:
    if not actor.person_id:
        return None
    return Enrolment.objects.filter(person_id=actor.person_id, resource=resource).first()


def unit_progress_map(enrolment: Enrolment | None) -> dict[int, UnitProgress]:
    if enrolment is None:
        return {}
    return {p.unit_id: p for p in UnitProgress.objects.filter(enrolment=enrolment)}


def my_learning(actor: Actor, *, state: str | None = None) -> list[Enrolment]:
    """The actor's enrolments, most recently active first ("continue learning")."""
    person_id = access.require_person(actor)
    rows = Enrolment.objects.filter(person_id=person_id).select_related(
        "resource", "resource__category", "last_unit"
    )
    if state:
        rows = rows.filter(state=state)
    return list(rows.order_by("-last_activity_at", "-enrolled_at", "-id")[:200])


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    history: list[PointsEntry]
    count: int
    badges: list[BadgeAward]
    streak_days: int


def current_streak(person_id: str, today: dt.date | None = None) -> int:
    """Consecutive Shanghai days up to today (or yesterday, if nothing yet today) with
    learning."""
    today = today or clock.today()
    days = set(
        LearningDay.objects.filter(
            person_id=person_id, day__gte=today - dt.timedelta(days=400), day__lte=today
        ).values_list("day", flat=True)
    )
    day = today if today in days else today - dt.timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= dt.timedelta(days=1)
    return streak


def points_summary(actor: Actor, *, limit: int = 50, offset: int = 0) -> PointsSummary:
    person_id = access.require_person(actor)
    entries = PointsEntry.objects.filter(person_id=person_id)
    totals = entries.aggregate(balance=Sum("points"), count=Count("id"))
    history = list(
        entries.select_related("resource").order_by("-created_at", "-id")[offset : offset + limit]
    )
    badges = list(
        BadgeAward.objects.filter(person_id=person_id)
        .select_related("badge")
        .order_by("-awarded_at")
    )
    return PointsSummary(
        balance=totals["balance"] or 0,
        history=history,
        count=totals["count"],
        badges=badges,
        streak_days=current_streak(person_id),
    )


def upcoming_live(*, limit: int = 50) -> list[Resource]:
    now = clock.now()
    return list(
        Resource.objects.filter(status=Status.PUBLISHED, kind=Kind.LIVE, ends_at__gte=now)
        .select_related("category", "provider")
        .order_by("starts_at", "id")[:limit]
    )


def senior_mooc_counts() -> dict[int, int]:
    """Published senior MOOCs per year of publication (Shanghai time)."""
    rows = (
        Resource.objects.filter(status=Status.PUBLISHED, is_senior_mooc=True)
        .annotate(year=ExtractYear("published_at", tzinfo=clock.SHANGHAI))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    return {row["year"]: row["n"] for row in rows}


def review_queue(actor: Actor) -> list[Resource]:
    access.require_role(actor, access.REVIEWER_ROLES)
    return list(
        Resource.objects.filter(access.resources_reviewable_by(actor), status=Status.IN_REVIEW)
        .select_related("category", "provider")
        .order_by("submitted_at", "id")[:200]
    )


def managed_resources(actor: Actor, *, status: str | None = None) -> list[Resource]:
    access.require_role(actor, access.PROVIDER_ROLES)
    rows = Resource.objects.filter(access.resources_managed_by(actor)).select_related(
        "category", "provider"
    )
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-updated_at", "-id")[:200])


def list_deliveries(actor: Actor) -> list[DeliveryRequest]:
    access.require_role(actor, access.DELIVERY_REQUESTER_ROLES | access.DELIVERY_FULFILLER_ROLES)
    return list(
        DeliveryRequest.objects.filter(access.deliveries_visible_to(actor))
        .prefetch_related("items__resource", "events")
        .order_by("-created_at", "-id")[:200]
    )


def live_attendance_open(resource: Resource, now: dt.datetime | None = None) -> bool:
    from lifelong.catalog.services.learning import LIVE_EARLY_ENTRY

    now = now or clock.now()
    return bool(
        resource.kind == Kind.LIVE
        and resource.starts_at
        and resource.ends_at
        and resource.starts_at - LIVE_EARLY_ENTRY <= now <= resource.ends_at
    )


def has_enrolments(resource_ids: list[int], person_id: str | None) -> set[int]:
    if not person_id:
        return set()
    return set(
        Enrolment.objects.filter(person_id=person_id, resource_id__in=resource_ids).values_list(
            "resource_id", flat=True
        )
    )


def category_by_code(code: str) -> Category | None:
    return Category.objects.filter(code=code).first()


@dataclass(frozen=True)
class LeaderRow:
    rank: int
    name: str
    points: int


def leaderboard(district: str, *, limit: int = 20) -> list[LeaderRow]:
    """The opted-in learners of a district with the most points, names masked."""
    from lifelong.catalog.models import LeaderboardOptIn
    from lifelong.identity import api as identity

    opted = LeaderboardOptIn.objects.filter(district_id=district, opted_in=True).values("person_id")
    rows = list(
        PointsEntry.objects.filter(person_id__in=opted)
        .values("person_id")
        .annotate(total=Sum("points"))
        .order_by("-total", "person_id")[:limit]
    )
    briefs = identity.person_briefs([r["person_id"] for r in rows])
    return [
        LeaderRow(
            i,
            briefs[str(r["person_id"])].name_masked if str(r["person_id"]) in briefs else "—",
            r["total"],
        )
        for i, r in enumerate(rows, start=1)
    ]


def certificate_of(actor: Actor, enrolment_id: int):
    from lifelong.catalog.models import Certificate
    from lifelong.shared.errors import NotFound

    enrolment = access.access_enrolment_by_id(actor, enrolment_id)
    certificate = Certificate.objects.filter(enrolment=enrolment).first()
    if certificate is None:
        raise NotFound("尚未获得结业证书 / No certificate yet", code="no_certificate")
    return certificate


def certificates_by_enrolment(enrolment_ids: list[int]) -> dict[int, str]:
    from lifelong.catalog.models import Certificate

    return {
        e: str(c)
        for e, c in Certificate.objects.filter(enrolment_id__in=enrolment_ids).values_list(
            "enrolment_id", "pk"
        )
    }
