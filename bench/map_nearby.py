"""Learning-map spatial benchmark: the 10 nearest of 100,000 places (grid pre-filter, then
exact haversine ranking) and bounding boxes holding about 500 places, as p50/p95/p99 in
milliseconds, both through the selector and through the whole in-process API request.

    .venv/bin/python bench/map_nearby.py                      # SQLite, temporary file
    .venv/bin/python bench/map_nearby.py --database-url postgres://postgres@127.0.0.1:5432/NAME

A PostgreSQL database that does not exist yet is created. The database is migrated and filled
on first use (places named `bench-…`, so a second run reuses them). Before timing, a sample of
queries is checked against a brute-force haversine ranking. It prints the figures; it asserts
nothing about speed.

Besides wall-clock time it gives this process's CPU time per search (`cpu`) and the number of
SQL queries per search, and prints the load average: on a shared machine the wall-clock tail
mostly measures waiting for a core (and, on PostgreSQL, for the server process to be
scheduled), while the CPU time is what the search itself costs.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

# The area the places are scattered over: Shanghai's extent, about 130 km by 110 km.
SOUTH, NORTH, WEST, EAST = 30.68, 31.88, 120.85, 122.0
BOX_TARGET = 500


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(database_url: str | None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="lifelong-bench-map-"))
    if database_url and database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("LIFELONG_VAR_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


def fill(rows: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    from lifelong.learning_map.models import Place
    from lifelong.learning_map.services.places import build_place

    call_command("migrate", verbosity=0)
    have = Place.objects.filter(name__startswith="bench-").count()
    if have >= rows:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(have)
    kinds = ["walk_point"] * 6 + [
        "community_school",
        "learning_workshop",
        "senior_point_care",
        "library",
    ]
    batch = []
    for n in range(have, rows):
        batch.append(
            build_place(
                name=f"bench-{n}",
                kind=kinds[n % len(kinds)],
                lat=rng.uniform(SOUTH, NORTH),
                lng=rng.uniform(WEST, EAST),
            )
        )
        if len(batch) == 5000:
            Place.objects.bulk_create(batch)
            batch.clear()
    Place.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE learning_map_place")
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]

    return f"p50 {statistics.median(ordered):6.2f} ms   p95 {pick(0.95):6.2f} ms   p99 {pick(0.99):6.2f} ms"


def check_exact(points: list[tuple[float, float]]) -> int:
    from lifelong.learning_map.models import Place
    from lifelong.learning_map.selectors.places import nearest_places
    from lifelong.shared.geo import Point, distance_m

    rows = list(Place.objects.filter(active=True).values_list("id", "lat", "lng"))
    for lat, lng in points:
        centre = Point(lat, lng)
        expected = [
            pk for _, pk in sorted((distance_m(centre, Point(a, b)), pk) for pk, a, b in rows)[:10]
        ]
        got = [h.id for h in nearest_places(lat=lat, lng=lng, k=10)]
        if got != expected:
            raise SystemExit(f"MISMATCH at {lat},{lng}: {got} != {expected}")
    return len(points)


def run(queries: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lifelong.learning_map.models import Place
    from lifelong.learning_map.selectors.places import nearest_places, places_in_box

    total = Place.objects.filter(active=True).count()
    rng = random.Random(42)
    points = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(queries)]
    checked = check_exact(points[:25])
    print(f"engine: {connection.vendor}   places: {total}   exactness checked on {checked} queries")

    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    for lat, lng in points[:50]:  # warm-up
        nearest_places(lat=lat, lng=lng, k=10)
    with CaptureQueriesContext(connection) as captured:
        for lat, lng in points[:100]:
            nearest_places(lat=lat, lng=lng, k=10)
    print(f"nearest 10: {len(captured.captured_queries) / 100:.2f} SQL queries per search")
    samples, cpu = [], []
    for lat, lng in points:
        started, started_cpu = time.perf_counter(), time.process_time()
        nearest_places(lat=lat, lng=lng, k=10)
        cpu.append((time.process_time() - started_cpu) * 1000)
        samples.append((time.perf_counter() - started) * 1000)
    print(f"nearest 10 (selector)        {percentiles(samples)}")
    print(f"nearest 10 (selector, cpu)   {percentiles(cpu)}")

    client = Client()
    samples = []
    for lat, lng in points:
        started = time.perf_counter()
        response = client.get("/api/v1/places/nearby", {"lat": lat, "lng": lng, "k": 10})
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(f"nearest 10 (HTTP, in-proc)   {percentiles(samples)}")

    # A square box expected to hold BOX_TARGET places at this density.
    density = total / ((NORTH - SOUTH) * (EAST - WEST))
    side = math.sqrt(BOX_TARGET / density)
    boxes = []
    for _ in range(queries // 2):
        lat = rng.uniform(SOUTH, NORTH - side)
        lng = rng.uniform(WEST, EAST - side)
        boxes.append((lng, lat, lng + side, lat + side))
    samples, sizes = [], []
    for min_lng, min_lat, max_lng, max_lat in boxes:
        started = time.perf_counter()
        hits = places_in_box(min_lng=min_lng, min_lat=min_lat, max_lng=max_lng, max_lat=max_lat)
        samples.append((time.perf_counter() - started) * 1000)
        sizes.append(len(hits))
    print(f"bbox ~{statistics.mean(sizes):.0f} places (selector) {percentiles(samples)}")
    samples = []
    for box in boxes:
        started = time.perf_counter()
        response = client.get("/api/v1/places", {"bbox": ",".join(f"{v:.6f}" for v in box)})
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(f"bbox ~{statistics.mean(sizes):.0f} places (HTTP)     {percentiles(samples)}")
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--places", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    setup(args.database_url)
    seconds = fill(args.places)
    if seconds:
        print(f"filled in {seconds:.1f} s")
    run(args.queries)


if __name__ == "__main__":
    main()
