"""Counts, facets and order from the search index equal a brute-force computation over every
published resource, on a generated corpus (fixed seed) that is then edited, taken down,
added to and rebuilt through the services."""

import datetime as dt
import random

import pytest

from lifelong.catalog import selectors
from lifelong.catalog.models import AUDIENCES, Category, Kind, Resource, Status
from lifelong.catalog.search.text import query_terms, text_words, title_words
from lifelong.catalog.services import publishing
from lifelong.catalog.tests.helpers import actor
from lifelong.shared import clock

SEED = 20_261_129
WORDS = ["茶艺", "书法", "摄影", "编程", "园艺", "烘焙", "太极", "英语", "评弹", "剪纸"]
LEVELS = ["入门", "进阶", "精讲", "答疑"]
KINDS = [Kind.ARTICLE, Kind.VIDEO, Kind.LIVE, Kind.OFFLINE, Kind.COURSE]
CATEGORIES = ["health", "arts", "digital", "life", "language", "tea"]
DISTRICTS = ["310101", "310104", "310115", None]
FLAGS = dict(zip(AUDIENCES, ("for_seniors", "for_youth", "for_white_collar", "for_workers")))


class Clock:
    """Shanghai time that moves only when told, so that the index and the brute force see
    the same "now" and each publication is later than the one before."""

    def __init__(self) -> None:
        self.moment = clock.now()

    def __call__(self) -> dt.datetime:
        return self.moment

    def tick(self) -> None:
        self.moment += dt.timedelta(seconds=1)


@pytest.fixture
def still_clock(monkeypatch):
    ticking = Clock()
    monkeypatch.setattr(clock, "now", ticking)
    return ticking


def _draft(rng: random.Random, n: int) -> dict:
    kind = rng.choice(KINDS)
    title = rng.choice(WORDS) + rng.choice(LEVELS)
    if rng.random() < 0.4:
        title += "与" + rng.choice(WORDS)
    starts = clock.now() + dt.timedelta(hours=rng.randint(-48, 120))
    timed = kind in (Kind.LIVE, Kind.OFFLINE)
    return {
        "kind": kind,
        "title": f"{title}第{n}讲",
        "summary": f"一起学习{rng.choice(WORDS)}和{rng.choice(WORDS)}",
        "category": rng.choice(CATEGORIES),
        "audience": rng.sample(list(AUDIENCES), rng.randint(0, 3)),
        "district_code": rng.choice(DISTRICTS),
        "starts_at": starts if timed else None,
        "ends_at": starts + dt.timedelta(hours=1) if timed else None,
    }


def _publish(draft: dict, still_clock: Clock) -> int:
    provider = actor("institution_staff")
    resource = publishing.create_resource(actor=provider, **draft)
    if resource.kind == Kind.COURSE:
        publishing.add_unit(
            actor=provider, resource_id=resource.pk, title="第一讲", kind="document", body="正文"
        )
    publishing.submit_for_review(actor=provider, resource_id=resource.pk)
    still_clock.tick()
    publishing.approve_resource(actor=actor("district_officer"), resource_id=resource.pk)
    return resource.pk


class BruteForce:
    """Every published resource's words and facet values, straight from its row."""

    def __init__(self) -> None:
        self.rows = list(
            Resource.objects.filter(status=Status.PUBLISHED).select_related("category", "provider")
        )
        parents = dict(Category.objects.values_list("pk", "parent__code"))
        self.words: dict[int, set[str]] = {}
        self.title: dict[int, set[str]] = {}
        self.category_codes: dict[int, set[str]] = {}
        cache: dict[str, list[str]] = {}
        for r in self.rows:
            title = set(title_words(r.title))
            words = set(title)
            for text in (r.summary, r.category.name, r.provider.name):
                if text not in cache:
                    cache[text] = text_words(text)
                words.update(cache[text])
            self.words[r.pk], self.title[r.pk] = words, title
            self.category_codes[r.pk] = {r.category.code, parents[r.category_id] or ""}

    def search(self, q: str, **filters) -> tuple[list[int], dict]:
        terms = query_terms(q) if q.strip() else []
        now = clock.now()

        def upcoming(r) -> bool:
            return r.kind == Kind.LIVE and r.ends_at is not None and r.ends_at >= now

        match = [
            r
            for r in self.rows
            if set(terms) <= self.words[r.pk]
            and (not filters.get("category") or filters["category"] in self.category_codes[r.pk])
            and (not filters.get("audience") or getattr(r, FLAGS[filters["audience"]]))
            and (not filters.get("district") or r.district_id == filters["district"])
            and (not filters.get("format") or r.kind == filters["format"])
            and (not filters.get("senior_mooc") or r.is_senior_mooc)
            and (not filters.get("upcoming") or upcoming(r))
        ]
        match.sort(
            key=lambda r: (not set(terms) <= self.title[r.pk], -r.published_at.timestamp(), -r.pk)
        )
        facets: dict = {"category": {}, "format": {}, "district": {}, "audience": {}}
        for r in match:
            for dim, key in (
                ("category", r.category.code),
                ("format", r.kind),
                ("district", r.district_id),
            ):
                if key:
                    facets[dim][key] = facets[dim].get(key, 0) + 1
            for audience, flag in FLAGS.items():
                if getattr(r, flag):
                    facets["audience"][audience] = facets["audience"].get(audience, 0) + 1
        facets["upcoming_live"] = sum(1 for r in match if upcoming(r))
        return [r.pk for r in match], facets


def _queries(rng: random.Random) -> list[tuple[str, dict]]:
    queries: list[tuple[str, dict]] = [(w, {}) for w in WORDS + LEVELS]
    queries += [("", {}), ("茶", {}), ("讲", {}), ("太极 入门", {}), ("量子力学", {})]
    queries += [("茶艺入门", {}), ("", {"category": "tea"}), ("", {"category": "health"})]
    for _ in range(12):
        filters: dict = {}
        for name, values in (
            ("category", ["tea", "health", "arts", "life"]),
            ("audience", list(AUDIENCES)),
            ("district", ["310101", "310104", "310115"]),
            ("format", [k.value for k in KINDS]),
            ("upcoming", [True]),
        ):
            if rng.random() < 0.3:
                filters[name] = rng.choice(values)
        queries.append((rng.choice([*WORDS, *LEVELS, "", "", "与"]), filters))
    return queries


def _check(queries: list[tuple[str, dict]]) -> None:
    oracle = BruteForce()
    for q, filters in queries:
        ids, facets = oracle.search(q, **filters)
        first = selectors.search_resources(q=q, page_size=50, **filters)
        got = {
            "category": {v.key: v.count for v in first.facets.category},
            "format": {v.key: v.count for v in first.facets.format},
            "district": {v.key: v.count for v in first.facets.district},
            "audience": {v.key: v.count for v in first.facets.audience},
            "upcoming_live": first.facets.upcoming_live,
        }
        assert first.count == len(ids), (q, filters)
        assert got == facets, (q, filters)
        listed = [r.pk for r in first.items]
        pages = min(first.pages, 3)
        for page in range(2, pages + 1):
            listed += [
                r.pk
                for r in selectors.search_resources(q=q, page=page, page_size=50, **filters).items
            ]
        assert listed == ids[: pages * 50], (q, filters)


def test_the_index_agrees_with_brute_force_through_publishing_edits_and_rebuilds(db, still_clock):
    rng = random.Random(SEED)
    publishing.save_category(
        actor=actor("commission_officer"), code="tea", name="茶文化", parent="life"
    )
    published = [_publish(_draft(rng, n), still_clock) for n in range(40)]
    queries = _queries(rng)
    _check(queries)

    # Corrections by the reviewer, take-downs, new publications.
    for pk in rng.sample(published, 12):
        change = _draft(rng, 1000 + pk)
        timed = Resource.objects.get(pk=pk).kind in (Kind.LIVE, Kind.OFFLINE)
        starts = clock.now() + dt.timedelta(hours=rng.randint(-48, 120))
        publishing.update_resource(
            actor=actor("district_officer"),
            resource_id=pk,
            title=change["title"],
            category=change["category"],
            audience=change["audience"],
            district_code=change["district_code"] or "",
            starts_at=starts if timed else None,
            ends_at=starts + dt.timedelta(hours=1) if timed else None,
        )
    for pk in rng.sample(published, 8):
        publishing.archive_resource(actor=actor("district_officer"), resource_id=pk)
    published += [_publish(_draft(rng, n), still_clock) for n in range(40, 55)]
    publishing.save_category(
        actor=actor("commission_officer"), code="tea", name="品茗", parent="arts"
    )
    _check(queries)

    # Time passes: live classes end with no write at all.
    still_clock.moment += dt.timedelta(hours=30)
    _check(queries)

    publishing.rebuild_search_index()
    _check(queries)
