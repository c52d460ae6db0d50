"""Catalog search benchmark.

Latency (default): p50/p95/max of `search_resources` — exact count, facets and the first
page included — over 100,000 published resources, for a fixed set of 50 queries: broad ones
that match at least 10 % of the rows, one-character ones, filtered ones and rare ones. Three
passes: *cold*, with everything this process decoded dropped before every call (all postings
read from the database and decoded again, as the first search after the index changed);
*new words*, with only the query's words dropped (a query nobody asked since the index last
changed); *warm*, with nothing dropped (the same query again).

    .venv/bin/python bench/catalog_search.py --database-url sqlite:////tmp/catalog-bench.sqlite3
    .venv/bin/python bench/catalog_search.py --database-url postgres://postgres@127.0.0.1:5432/NAME

A PostgreSQL database that does not exist yet is created; the database is migrated and filled
on first use (resources keyed `bench-…`, so a second run reuses them). `--verify` first checks
every query's count and facets against a brute-force pass over the rows.

Throughput (`--http sqlite` or `--http postgresql`): requests/s of `/api/v1/courses?q=…`
against `/healthz` on the same gunicorn server (bench/servers.py, bench/loadgen.py), after
adding the 100,000 resources to its demo catalog. It prints the figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlparse

QUERIES: list[tuple[str, dict]] = [
    # broad: each matches at least 10 % of the rows
    ("入门", {}),
    ("基础", {}),
    ("进阶", {}),
    ("实用技巧", {}),
    ("常见问题", {}),
    ("健康养生", {}),
    ("文化艺术", {}),
    ("空中课堂", {}),
    ("慕课", {}),
    ("微视频", {}),
    ("知识要点", {}),
    ("上海开放大学", {}),
    # one character
    ("拳", {}),
    ("书", {}),
    ("诗", {}),
    ("茶", {}),
    ("语", {}),
    ("画", {}),
    ("舞", {}),
    ("法", {}),
    # ordinary topics
    ("太极", {}),
    ("太极拳入门", {}),
    ("八段锦", {}),
    ("智能手机", {}),
    ("防诈骗", {}),
    ("沪语", {}),
    ("书法", {}),
    ("摄影", {}),
    ("营养健康", {}),
    ("法律常识", {}),
    ("职业技能", {}),
    ("Python编程", {}),
    ("上海历史", {}),
    ("广场舞", {}),
    ("家庭理财", {}),
    ("急救知识", {}),
    # with filters
    ("入门", {"audience": "seniors"}),
    ("太极", {"format": "live"}),
    ("智能手机", {"district": "310104"}),
    ("摄影", {"category": "arts", "audience": "white_collar"}),
    ("", {"category": "health"}),
    ("", {"format": "mooc", "senior_mooc": True}),
    ("", {"upcoming": True}),
    ("空中课堂", {"upcoming": True}),
    ("基础", {"district": "310101", "format": "offline"}),
    # rare or absent
    ("五禽戏提高", {}),
    ("非遗传承", {}),
    ("量子色动力学", {}),
    ("手语 常见问题", {}),
    ("沪剧欣赏", {"audience": "seniors"}),
]

# Server throughput: `/healthz` against searches of each sort, on the same server.
HTTP_QUERIES = [
    ("broad", "入门"),
    ("whole catalogue", "上海开放大学"),
    ("one character", "拳"),
    ("ordinary", "太极"),
]
# A PostgreSQL database of our own for the server run: bench/servers.py names its database
# `lifelong_bench`, which `make bench` may be using at the same time.
HTTP_POSTGRES_DB = "lifelong_bench_catalog"
REDIS_URL = "redis://127.0.0.1:6379/0"


def ensure_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup(database_url: str | None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="lifelong-bench-catalog-"))
    if database_url and database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("LIFELONG_VAR_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


def fill(rows: int, *, migrate: bool = True) -> tuple[float, float]:
    """Add `bench-…` resources up to `rows` and file them in the search index: (seconds to
    insert, seconds to index); (0, 0) when they are there already."""
    import datetime as dt
    import itertools
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection

    from lifelong.catalog.demo import LEVELS, TITLES, TOPICS
    from lifelong.catalog.models import Category, Kind, Resource, Status
    from lifelong.catalog.services.publishing import rebuild_search_index
    from lifelong.identity import api as identity
    from lifelong.shared import clock

    if migrate:
        call_command("migrate", verbosity=0)
    have = Resource.objects.filter(key__startswith="bench-").count()
    if have >= rows:
        return 0.0, 0.0
    started = time.perf_counter()
    identity.load_demo()
    categories = {c.code: c for c in Category.objects.all()}
    provider = identity.find_organisation("上海开放大学")
    assert provider is not None
    districts = [d.code for d in identity.districts()]
    combos = list(itertools.product(enumerate(TOPICS), enumerate(LEVELS), list(Kind)))
    now = clock.now()
    batch: list[Resource] = []
    for n in range(have, rows):
        (_, (code, topic, audiences, summary)), (_, level), kind = combos[n % len(combos)]
        series = n // len(combos) + 1
        district = districts[n % len(districts)]
        title = TITLES[kind].format(topic=topic, level=level, district="上海") + f" 第{series}期"
        starts = now + dt.timedelta(hours=(n % 400) - 100)
        timed = kind in (Kind.LIVE, Kind.OFFLINE)
        batch.append(
            Resource(
                key=f"bench-{n}",
                kind=kind,
                title=title,
                summary=summary,
                category=categories[code],
                provider_id=provider.id,
                provider_path=provider.path,
                district_id=district if n % 3 == 0 or timed else None,
                for_seniors="seniors" in audiences,
                for_youth="youth" in audiences,
                for_white_collar="white_collar" in audiences,
                for_workers="workers" in audiences,
                fee=Decimal(0),
                is_senior_mooc=kind == Kind.MOOC and "seniors" in audiences,
                status=Status.PUBLISHED,
                published_at=now - dt.timedelta(minutes=n),
                starts_at=starts if timed else None,
                ends_at=starts + dt.timedelta(hours=1) if timed else None,
            )
        )
        if len(batch) == 5000:
            Resource.objects.bulk_create(batch)
            batch.clear()
    Resource.objects.bulk_create(batch)
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    rebuild_search_index()  # a bulk load bypasses the services: file everything afresh
    indexed = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Filing afresh rewrites every resource row (its search slot): vacuum, as autovacuum
        # would in production (this machine's server runs without it), so that the index-only
        # reads of search see a visibility map that is up to date, then refresh statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return inserted, indexed


def verify() -> int:
    """Each query's count and facets against a brute-force pass over the published rows
    (their words as filed, their facet values from their columns); returns how many agree."""
    from lifelong.catalog.models import AUDIENCES, Category, Resource, Status
    from lifelong.shared import clock

    flags = dict(
        zip(AUDIENCES, ("for_seniors", "for_youth", "for_white_collar", "for_workers"), strict=True)
    )
    categories = {
        pk: (code, parent)
        for pk, code, parent in Category.objects.values_list("pk", "code", "parent__code")
    }
    rows = list(
        Resource.objects.filter(status=Status.PUBLISHED).values(
            "search_keys",
            "category_id",
            "kind",
            "district_id",
            "is_senior_mooc",
            "ends_at",
            *flags.values(),
        )
    )
    words = [{k[2:] for k in r["search_keys"].split() if k.startswith("w:")} for r in rows]
    now = clock.now()
    # Both sides see the same moment: live classes may end while the check runs.
    real_now, clock.now = clock.now, lambda: now
    try:
        return _verify(rows, words, flags, categories, now)
    finally:
        clock.now = real_now


def _verify(rows, words, flags, categories, now) -> int:
    from lifelong.catalog.models import Kind
    from lifelong.catalog.search.text import query_terms
    from lifelong.catalog.selectors import search_resources

    agreed = 0
    for q, filters in QUERIES:
        terms = set(query_terms(q)) if q else set()
        upcoming = lambda r: r["kind"] == Kind.LIVE and r["ends_at"] >= now  # noqa: E731
        match = [
            r
            for r, w in zip(rows, words, strict=True)
            if terms <= w
            and (not filters.get("category") or filters["category"] in categories[r["category_id"]])
            and (not filters.get("audience") or r[flags[filters["audience"]]])
            and (not filters.get("district") or r["district_id"] == filters["district"])
            and (not filters.get("format") or r["kind"] == filters["format"])
            and (not filters.get("senior_mooc") or r["is_senior_mooc"])
            and (not filters.get("upcoming") or upcoming(r))
        ]
        expected = {
            "category": _tally(categories[r["category_id"]][0] for r in match),
            "format": _tally(r["kind"] for r in match),
            "district": _tally(r["district_id"] for r in match if r["district_id"]),
            "audience": _tally(a for r in match for a, f in flags.items() if r[f]),
            "upcoming": sum(1 for r in match if upcoming(r)),
        }
        result = search_resources(q=q, **filters)
        got = {
            "category": {v.key: v.count for v in result.facets.category},
            "format": {v.key: v.count for v in result.facets.format},
            "district": {v.key: v.count for v in result.facets.district},
            "audience": {v.key: v.count for v in result.facets.audience},
            "upcoming": result.facets.upcoming_live,
        }
        if result.count == len(match) and got == expected:
            agreed += 1
        else:
            print(f"  MISMATCH {q!r} {filters}: got {result.count} {got}, expected {expected}")
    return agreed


def _tally(keys) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def run(rounds: int) -> None:
    from django.db import connection

    from lifelong.catalog.models import Resource
    from lifelong.catalog.search import reader
    from lifelong.catalog.selectors import search_resources

    total = Resource.objects.filter(status="published").count()
    for q, filters in QUERIES:  # jieba's dictionary, the database's page cache
        search_resources(q=q, **filters)
    gc.collect()  # not a pause in the middle of the timings for what filling or --verify left
    counts: dict[tuple[str, str], int] = {}
    print(f"database: {connection.vendor}  resources: {total}  queries: {len(QUERIES)} × {rounds}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for mode, before in (
        ("cold", reader.forget),
        ("new words", reader.forget_words),
        ("warm", lambda: None),
    ):
        timings: list[float] = []
        cpu: list[float] = []
        per_query: list[tuple[float, str, dict, int]] = []
        for q, filters in QUERIES:
            samples = []
            search_resources(q=q, **filters)
            for _ in range(rounds):
                before()
                started, started_cpu = time.perf_counter(), time.process_time()
                result = search_resources(q=q, **filters)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            timings += samples
            counts[(q, repr(filters))] = result.count
            per_query.append((statistics.median(samples), q, filters, result.count))
        timings.sort()
        cpu.sort()
        broad = sum(1 for _, _, _, c in per_query if c >= total // 10)
        print(
            f"{mode}: p50 {percentile(timings, 0.50):.1f} ms   p95 {percentile(timings, 0.95):.1f} ms"
            f"   max {timings[-1]:.1f} ms   (queries matching ≥10 % of rows: {broad})"
        )
        print(
            f"  CPU time of this process: p50 {percentile(cpu, 0.50):.1f} ms"
            f"   p95 {percentile(cpu, 0.95):.1f} ms"
        )
        print("  slowest (median ms, query, filters, count):")
        for median, q, filters, count in sorted(per_query, key=lambda x: -x[0])[:5]:
            print(f"    {median:6.1f}  {q or '(browse)'} {filters or ''} → {count}")


def http(database: str, rows: int, quick: bool, *, cache: str) -> None:
    """Requests/s of searches against `/healthz` on one gunicorn server. `cache`: "local"
    (Django's default, per process), "redis" (REDIS_URL, shared) or "off" (every request
    searches)."""
    bench_dir = Path(__file__).resolve().parent
    sys.path.insert(0, str(bench_dir))
    import loadgen
    import servers

    if cache == "off":
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(bench_dir), os.environ.get("PYTHONPATH")) if p
        )
        os.environ["DJANGO_SETTINGS_MODULE"] = "catalog_nocache_settings"
    elif cache == "redis":
        try:
            import redis  # noqa: F401  - Django's RedisCache needs it
        except ImportError:
            raise SystemExit("--cache redis needs the redis package in the venv") from None
        os.environ["REDIS_URL"] = REDIS_URL

    recreate, drop = servers.recreate_postgres_database, servers.drop_postgres_database
    servers.recreate_postgres_database = lambda name=HTTP_POSTGRES_DB: recreate(name)
    servers.drop_postgres_database = lambda name=HTTP_POSTGRES_DB: drop(name)
    plan = (
        loadgen.Plan(warmup_s=1, runs=1, run_s=2, connections=4, workers=2)
        if quick
        else loadgen.Plan(warmup_s=3, runs=3, run_s=5, connections=4, workers=2)
    )
    generator = loadgen.choose("auto")
    print(
        f"== {database}: gunicorn, {plan.workers} sync workers, search cache {cache};"
        f" load generator {generator}"
    )
    with servers.running_server(database, workers=plan.workers) as server:
        os.environ["LIFELONG_VAR_DIR"] = str(Path(server.log_path).parent / "var")
        setup(server.database_url)
        inserted, indexed = fill(rows, migrate=False)
        print(f"   added {rows} resources in {inserted:.1f} s, indexed in {indexed:.1f} s")
        endpoints = [loadgen.Endpoint("GET /healthz", "/healthz")]
        for label, q in HTTP_QUERIES:
            path = f"/api/v1/courses?q={quote(q)}"
            status, body = server.request("GET", path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            print(f"   {label}: q={q} → {body['count']} results")
            endpoints.append(loadgen.Endpoint(f"GET /api/v1/courses?q={q} ({label})", path))
        samples = loadgen.measure_endpoints(
            server.base_url, endpoints, plan, generator, log=lambda m: None
        )
    rate = {
        name: statistics.median(s.requests_per_s for s in runs) for name, runs in samples.items()
    }
    p50 = {name: statistics.median(s.p50_ms for s in runs) for name, runs in samples.items()}
    errors = {name: sum(s.errors for s in runs) for name, runs in samples.items()}
    health = rate["GET /healthz"]
    print(f"   {'endpoint':<52} {'req/s':>8} {'p50 ms':>8} {'× healthz':>10} errors")
    for name in rate:
        print(
            f"   {name:<52} {rate[name]:8.0f} {p50[name]:8.1f} {rate[name] / health:10.2f} "
            f"{errors[name]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help="sqlite:///… or postgres://… (default: temporary SQLite)"
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--verify", action="store_true", help="check counts and facets first")
    parser.add_argument(
        "--http", choices=("sqlite", "postgresql"), help="server throughput instead"
    )
    parser.add_argument("--quick", action="store_true", help="with --http: short runs")
    parser.add_argument(
        "--cache",
        choices=("local", "redis", "off"),
        default="local",
        help="with --http: the server's cache of search answers",
    )
    args = parser.parse_args()
    if args.http:
        http(args.http, args.rows, args.quick, cache=args.cache)
        return
    setup(args.database_url)
    inserted, indexed = fill(args.rows)
    if inserted:
        print(f"filled in {inserted:.1f} s, indexed in {indexed:.1f} s")
    if args.verify:
        print(f"verified: {verify()}/{len(QUERIES)} queries' counts and facets equal brute force")
    run(args.rounds)


if __name__ == "__main__":
    main()
