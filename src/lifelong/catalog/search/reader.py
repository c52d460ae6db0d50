"""Reading the search index: the exact count, the facets and one page of slots for a query
and its filters, from a handful of postings.

The match is the intersection of the postings of the query's words, the filters and
"published"; the count is its size and each facet value's count the size of its intersection
with that value's posting, so broad queries cost no more than narrow ones. The order is:
resources with every query word in the title first, then the rest; within each, the most
recently published first (slot order). Without a query, the most recently published first.

Decoded postings are kept in this process while the index's generation stays the same: a
search then costs two queries (the generation and the page's rows). `forget()` drops them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.utils.dateparse import parse_datetime

from lifelong.catalog.models import AUDIENCES, Audience, Category, Field, Kind
from lifelong.catalog.search import bitmaps
from lifelong.shared import clock
from lifelong.shared.api import get_region, list_districts

Key = tuple[str, str]

FACET_FIELDS = (
    Field.PUBLISHED.value,
    Field.CATEGORY.value,
    Field.KIND.value,
    Field.DISTRICT.value,
    Field.AUDIENCE.value,
    Field.SENIOR_MOOC.value,
)
WORD_FIELDS = (Field.WORD.value, Field.TITLE.value)
# The `field` given to the categories read along with the postings (no posting has it).
_CATEGORY_ROW = ""
# Decoded word postings kept per process (each at most 8 KiB per 65,536 resources).
MAX_CACHED_WORDS = 1024

_KIND_LABELS = {k.value: (str(k.label), k.name.title()) for k in Kind}
_AUDIENCE_LABELS = {a.value: str(a.label) for a in Audience}
_AUDIENCE_EN = {
    "seniors": "Seniors",
    "youth": "Youth",
    "white_collar": "White-collar",
    "workers": "In-service workers",
}


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    label_en: str
    count: int


@dataclass
class Facets:
    category: list[FacetValue] = field(default_factory=list)
    format: list[FacetValue] = field(default_factory=list)
    district: list[FacetValue] = field(default_factory=list)
    audience: list[FacetValue] = field(default_factory=list)
    upcoming_live: int = 0


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    audience: str | None = None
    district: str | None = None
    format: str | None = None
    senior_mooc: bool = False
    upcoming: bool = False


@dataclass(frozen=True)
class Outcome:
    count: int
    facets: Facets
    slots: list[int]


@dataclass(frozen=True)
class _Category:
    code: str
    name: str
    name_en: str
    parent_id: int | None


@dataclass
class _Upcoming:
    """What this process knows of the live classes that have not ended, on `day`."""

    day: dt.date
    # Classes ending on a later day (from the postings).
    later: int
    # Today's classes whose rows were read (`known`), and those of them not ended (`members`).
    known: int
    members: int
    # Until when `members` stays exact: the earliest end among them (or the end of the day).
    expires: dt.datetime


@dataclass
class Snapshot:
    """What this process has decoded of one generation of the index."""

    generation: str
    facets: dict[Key, int] | None = None
    words: OrderedDict[Key, int] = field(default_factory=OrderedDict)
    # Postings of the days live classes end on, for `live_from` and the days after.
    live_days: dict[str, int] = field(default_factory=dict)
    live_from: dt.date | None = None
    upcoming: _Upcoming | None = None
    categories: dict[int, _Category] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_state: Snapshot | None = None
# Names of districts by code. Regions are reference data that do not change while the
# platform runs, so they are kept for the life of the process.
_district_names: dict[str, tuple[str, str]] = {}


def forget() -> None:
    """Drop everything decoded in this process (the next search reads the index afresh)."""
    global _state
    _state = None
    _district_names.clear()


def forget_words() -> None:
    """Drop the decoded postings of words only: the next search reads its words afresh, as
    a query nobody asked since the index last changed does."""
    state = _state
    if state is not None:
        with state.lock:
            state.words.clear()


def snapshot() -> Snapshot:
    """This process's decoded view of the index's current generation (one query: the
    generation; a fresh, empty view when it changed)."""
    global _state
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation FROM catalog_searchindexstate WHERE id = 1")
        row = cursor.fetchone()
    generation = row[0] if row else ""
    state = _state
    if state is None or state.generation != generation:
        state = _state = Snapshot(generation)
    return state


def _load(state: Snapshot, words: Sequence[str], today: dt.date) -> dict[Key, int]:
    """The postings of the query's words, fetching in one query whatever this process has
    not decoded yet: those words, the facet postings, the live-class days from today on, and
    the categories (their names and tree, which facets and the category filter need)."""
    wanted = [(f, w) for w in words for f in WORD_FIELDS]
    with state.lock:
        have = {key: state.words[key] for key in wanted if key in state.words}
        for key in have:
            state.words.move_to_end(key)
        need_facets = state.facets is None
        need_days = state.live_from is None or today < state.live_from
        need_categories = state.categories is None
    missing = sorted({w for f, w in wanted if (f, w) not in have})
    if not (missing or need_facets or need_days):
        return have
    conditions: list[str] = []
    params: list = []
    if need_facets:
        conditions.append(f"field IN ({', '.join(['%s'] * len(FACET_FIELDS))})")
        params += FACET_FIELDS
    if need_days:
        conditions.append("(field = %s AND term >= %s)")
        params += [Field.LIVE_ENDS.value, today.isoformat()]
    if missing:
        conditions.append(f"(field IN (%s, %s) AND term IN ({', '.join(['%s'] * len(missing))}))")
        params += [*WORD_FIELDS, *missing]
    # Fixed fragments; every value is a parameter.
    sql = (
        "SELECT field, term, chunk, bitmap, NULL, NULL, NULL FROM catalog_searchposting"  # noqa: S608
        " WHERE " + " OR ".join(conditions)
    )
    if need_categories:
        # In the same round trip: a cold search would otherwise spend one more on them.
        sql += (
            " UNION ALL SELECT %s, code, id, NULL, name, name_en, parent_id FROM catalog_category"
        )
        params.append(_CATEGORY_ROW)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    facets: dict[Key, int] = {}
    days: dict[str, int] = {}
    found: dict[Key, int] = {(f, w): 0 for w in missing for f in WORD_FIELDS}
    categories: dict[int, _Category] = {}
    for posting_field, term, chunk, data, name, name_en, parent_id in rows:
        if posting_field == _CATEGORY_ROW:
            categories[chunk] = _Category(term, name, name_en, parent_id)
            continue
        bits = bitmaps.decode_chunk(data, chunk)
        if posting_field == Field.LIVE_ENDS.value:
            days[term] = days.get(term, 0) | bits
        elif posting_field in WORD_FIELDS:
            found[(posting_field, term)] |= bits
        else:
            facets[(posting_field, term)] = facets.get((posting_field, term), 0) | bits
    with state.lock:
        if need_categories:
            state.categories = categories
        if need_facets:
            state.facets = facets
        if need_days:
            state.live_days, state.live_from = days, today
        state.words.update(found)
        while len(state.words) > MAX_CACHED_WORDS * len(WORD_FIELDS):
            state.words.popitem(last=False)
    return {**have, **found}


# Today's classes read by slot at most this many at a time; more, and all of today's are read.
_UPCOMING_BY_SLOT = 500


def _upcoming(state: Snapshot, now: dt.datetime, among: int) -> int:
    """Those of `among` that are published live classes that have not ended: those ending on
    a later day from the postings; today's from their rows, read only for the members of
    `among` not read yet (none when it holds none of today's). Exact until the earliest end
    among the classes read ends."""
    today = now.astimezone(clock.SHANGHAI).date()
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, clock.SHANGHAI)
    cached = state.upcoming
    if cached is None or cached.day != today or now >= cached.expires:
        later = 0
        for day, bits in state.live_days.items():
            if day > today.isoformat():
                later |= bits
        cached = state.upcoming = _Upcoming(today, later, 0, 0, tomorrow)
    todays = state.live_days.get(today.isoformat(), 0)
    unread = todays & among & ~cached.known
    if unread:
        adapt = connection.ops.adapt_datetimefield_value
        sql = (
            "SELECT search_slot, CASE WHEN ROW_NUMBER() OVER (ORDER BY ends_at) = 1"
            " THEN ends_at END FROM catalog_resource WHERE kind = %s"
            " AND search_slot IS NOT NULL AND ends_at >= %s AND ends_at < %s"
        )
        params: list = [Kind.LIVE.value, adapt(now), adapt(tomorrow)]
        wanted = bitmaps.highest(unread, skip=0, take=_UPCOMING_BY_SLOT + 1)
        if len(wanted) <= _UPCOMING_BY_SLOT:
            sql += f" AND search_slot IN ({', '.join(['%s'] * len(wanted))})"
            params += wanted
        else:
            unread = todays
        with connection.cursor() as cursor:
            # Slots, and the end time of the earliest only: converting a thousand datetimes
            # would cost more than the rest of the search.
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        first_end = next((end for _, end in rows if end is not None), None)
        members = bitmaps.from_slots(slot for slot, _ in rows)
        with state.lock:
            cached.members |= members
            if first_end is not None:
                # The set stays exact until the first of these ends (or the day ends).
                ends = _stored_datetime(first_end) + dt.timedelta(microseconds=1)
                cached.expires = min(cached.expires, ends)
            cached.known |= unread
    return (cached.later | cached.members) & among


def valid_until(state: Snapshot) -> dt.datetime | None:
    """Until when what `state` knows of upcoming live classes stays exact (None: it knows
    nothing of them yet)."""
    upcoming = state.upcoming
    return upcoming.expires if upcoming is not None else None


def _stored_datetime(value) -> dt.datetime:
    """A datetime column read with a plain cursor: PostgreSQL gives an aware datetime; SQLite
    the UTC text Django stored."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a stored datetime: {value!r}")
        value = parsed
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _categories(state: Snapshot) -> dict[int, _Category]:
    if state.categories is None:
        state.categories = {
            pk: _Category(code, name, name_en, parent_id)
            for pk, code, name, name_en, parent_id in Category.objects.values_list(
                "pk", "code", "name", "name_en", "parent_id"
            )
        }
    return state.categories


def _district_labels(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    labels = _district_names
    if not labels:
        labels.update({d.code: (d.name, d.name_en) for d in list_districts()})
    for code in codes:
        if code not in labels:
            region = get_region(code)
            labels[code] = (region.name, region.name_en) if region else (code, code)
    return labels


def category_names(state: Snapshot, *, refresh: bool = False) -> dict[int, tuple[str, str, str]]:
    """(code, name, name_en) of every category by id, as stored, from what `state` knows
    (one query the first time, or with `refresh`: names change only with a new generation)."""
    if refresh:
        state.categories = None
    return {pk: (c.code, c.name, c.name_en) for pk, c in _categories(state).items()}


def district_names(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(name, name_en) of these districts (and of any read before) by code, as stored."""
    return _district_labels(codes)


def _category_members(state: Snapshot, facets: dict[Key, int], code: str) -> int:
    categories = _categories(state)
    chosen = {pk for pk, c in categories.items() if c.code == code}
    chosen |= {pk for pk, c in categories.items() if c.parent_id in chosen}
    members = 0
    for pk in chosen:
        members |= facets.get((Field.CATEGORY.value, str(pk)), 0)
    return members


def search(
    terms: Sequence[str],
    filters: Filters,
    *,
    offset: int,
    limit: int,
    with_facets: bool = True,
    now: dt.datetime | None = None,
    state: Snapshot | None = None,
) -> Outcome:
    """Count, facets and the slots of one page of the published resources having every one
    of `terms` and passing `filters`, read through `state` (default: a fresh `snapshot()`)."""
    now = now or clock.now()
    state = state or snapshot()
    words = _load(state, terms, now.astimezone(clock.SHANGHAI).date())
    facets = state.facets or {}
    match = facets.get((Field.PUBLISHED.value, ""), 0)
    for term in terms:
        match &= words[(Field.WORD.value, term)]
    if filters.category:
        match &= _category_members(state, facets, filters.category)
    for posting_field, value in (
        (Field.AUDIENCE.value, filters.audience),
        (Field.DISTRICT.value, filters.district),
        (Field.KIND.value, filters.format),
        (Field.SENIOR_MOOC.value, "1" if filters.senior_mooc else None),
    ):
        if value:
            match &= facets.get((posting_field, value), 0)
    if filters.upcoming and match:
        match = _upcoming(state, now, match)
    count = match.bit_count()
    result = Facets()
    if with_facets and count:
        result = _facets(state, facets, match, now)
    tiers = [match]
    if terms and count:
        in_title = match
        for term in terms:
            in_title &= words[(Field.TITLE.value, term)]
        tiers = [in_title, match & ~in_title]
    return Outcome(count, result, _page(tiers, offset, limit))


def _facets(state: Snapshot, facets: dict[Key, int], match: int, now: dt.datetime) -> Facets:
    counts: dict[str, dict[str, int]] = {f: {} for f in FACET_FIELDS}
    for (posting_field, term), bits in facets.items():
        n = (match & bits).bit_count()
        if n:
            counts[posting_field][term] = n
    result = Facets()
    categories = _categories(state)
    for pk, n in counts[Field.CATEGORY.value].items():
        c = categories.get(int(pk))
        if c is not None:
            result.category.append(FacetValue(c.code, c.name, c.name_en or c.name, n))
    for kind, n in counts[Field.KIND.value].items():
        zh, en = _KIND_LABELS.get(kind, (kind, kind))
        result.format.append(FacetValue(kind, zh, en, n))
    districts = counts[Field.DISTRICT.value]
    labels = _district_labels(districts)
    for code, n in districts.items():
        name, name_en = labels[code]
        result.district.append(FacetValue(code, name, name_en or name, n))
    for audience in AUDIENCES:
        n = counts[Field.AUDIENCE.value].get(audience, 0)
        if n:
            result.audience.append(
                FacetValue(audience, _AUDIENCE_LABELS[audience], _AUDIENCE_EN[audience], n)
            )
    for values in (result.category, result.format, result.district):
        values.sort(key=lambda v: (-v.count, v.key))
    result.upcoming_live = _upcoming(state, now, match).bit_count()
    return result


def _page(tiers: Sequence[int], offset: int, limit: int) -> list[int]:
    slots: list[int] = []
    skip = offset
    for tier in tiers:
        size = tier.bit_count()
        if skip >= size:
            skip -= size
            continue
        slots += bitmaps.highest(tier, skip=skip, take=limit - len(slots))
        skip = 0
        if len(slots) >= limit:
            break
    return slots
