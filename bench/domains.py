"""`make bench`, second half: the domain benchmarks the issues ask for, each a standalone script
in bench/, run one after another and written to docs/benchmarks.md, one section per benchmark.

Each script prints its own figures (and asserts nothing about speed); this runner records the
exact command, the machine's load before and after, how long it took and the script's output,
beside the goal from the issue. A benchmark that fails is recorded as failed, with its output.

    .venv/bin/python bench/domains.py                      # all, rewrites their sections
    .venv/bin/python bench/domains.py catalog_search_pg    # one or more by name
    .venv/bin/python bench/domains.py --list
    .venv/bin/python bench/domains.py --small              # smaller sizes, printed only

PostgreSQL benchmarks use databases of their own on DATABASE_URL's server
(default postgres://postgres@127.0.0.1:5432), created when missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import report

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


def _pg(name: str) -> str:
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    return f"{server.rstrip('/')}/{name}"


@dataclass(frozen=True)
class Benchmark:
    name: str
    issue: int
    title: str
    goal: str
    args: tuple[str, ...]
    small: tuple[str, ...]  # arguments for --small (a smoke run)


BENCHMARKS = (
    Benchmark(
        "catalog_search_sqlite",
        3,
        "Catalog search over 100,000 resources, SQLite",
        "p95 ≤ 20 ms over the 50 fixed queries, counts and facets computed",
        ("catalog_search.py", "--verify"),
        ("catalog_search.py", "--rows", "5000", "--rounds", "1"),
    ),
    Benchmark(
        "catalog_search_pg",
        3,
        "Catalog search over 100,000 resources, PostgreSQL",
        "p95 ≤ 20 ms over the 50 fixed queries, counts and facets computed",
        ("catalog_search.py", "--verify", "--database-url", _pg("lifelong_bench_catalog")),
        (
            "catalog_search.py",
            "--rows",
            "5000",
            "--rounds",
            "1",
            "--database-url",
            _pg("lifelong_bench_catalog_small"),
        ),
    ),
    Benchmark(
        "catalog_http_pg",
        3,
        "GET /api/v1/courses?q=… requests/s as a ratio to /healthz, PostgreSQL server",
        "ratio ≥ 0.5",
        ("catalog_search.py", "--http", "postgresql"),
        ("catalog_search.py", "--http", "postgresql", "--quick"),
    ),
    Benchmark(
        "xapi_ingest_pg",
        3,
        "xAPI ingestion over HTTP, PostgreSQL, batches of 100 from 4 connections",
        "≥ 10,000 statements/s at the start and at the end of 1,000,000",
        ("xapi_ingest.py", "--total", "1000000"),
        ("xapi_ingest.py", "--total", "20000"),
    ),
    Benchmark(
        "credit_import",
        4,
        "Credit import of 1,000,000 CSV rows (PostgreSQL and SQLite), archive p95",
        "PostgreSQL rows/s ÷ raw COPY rows/s ≥ 0.25; archive of 1,000 outcomes p95 ≤ 100 ms",
        ("credit_import.py", "--rows", "1000000"),
        ("credit_import.py", "--rows", "20000"),
    ),
    Benchmark(
        "credentials",
        4,
        "Open Badge credentials signed and verified per second",
        "— (figures only)",
        ("credentials_throughput.py", "--seconds", "5"),
        ("credentials_throughput.py", "--seconds", "1"),
    ),
    Benchmark(
        "map_nearby_sqlite",
        5,
        "Nearest 10 and bounding box among 100,000 places, SQLite",
        "nearest-10 p95 ≤ 5 ms",
        ("map_nearby.py",),
        ("map_nearby.py", "--places", "5000", "--queries", "100"),
    ),
    Benchmark(
        "map_nearby_pg",
        5,
        "Nearest 10 and bounding box among 100,000 places, PostgreSQL",
        "nearest-10 p95 ≤ 5 ms",
        ("map_nearby.py", "--database-url", _pg("lifelong_bench_map")),
        (
            "map_nearby.py",
            "--places",
            "5000",
            "--queries",
            "100",
            "--database-url",
            _pg("lifelong_bench_map_small"),
        ),
    ),
    Benchmark(
        "market_ledger_pg",
        6,
        "Prepaid-funds ledger transfers per second, PostgreSQL; risk scoring of 10,000",
        "figures and the ratio to plain inserts of the same rows (no goal set)",
        ("market_ledger.py", "--database-url", _pg("lifelong_bench_market")),
        (
            "market_ledger.py",
            "--single",
            "100",
            "--batched",
            "1000",
            "--database-url",
            _pg("lifelong_bench_market_small"),
        ),
    ),
)


def run(bench: Benchmark, small: bool) -> str:
    """Run one benchmark; the Markdown of its section."""
    argv = [sys.executable, str(BENCH / (bench.small if small else bench.args)[0])]
    argv += (bench.small if small else bench.args)[1:]
    shown = shlex.join([".venv/bin/python", f"bench/{argv[1].rsplit('/', 1)[-1]}", *argv[2:]])
    print(f"[bench] {bench.name}: {shown}", file=sys.stderr, flush=True)
    load_before = report.load_average()
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 -- our own scripts, arguments from the table above
        argv, cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    output = (done.stdout.strip() or "(no output)").splitlines()
    if done.returncode != 0:
        output += ["", f"[exit status {done.returncode}]", *done.stderr.strip().splitlines()[-30:]]
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    status = "" if done.returncode == 0 else " — **failed**"
    lines = [
        f"## {bench.title} (issue #{bench.issue}, `bench/domains.py {bench.name}`){status}",
        "",
        f"- goal: {bench.goal}",
        f"- command: `{shown}`",
        f"- run: {when}, {seconds:,.0f} s, load average before {load_before}, "
        f"after {report.load_average()} (2 cores: above 2 means other work shared them)",
    ]
    if small:
        lines.append("- **smoke run with small sizes (`--small`): not a figure to quote**")
    lines += ["", "```text", *output[-60:], "```"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--small", action="store_true", help="small sizes; prints only")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    by_name = {b.name: b for b in BENCHMARKS}
    if args.list:
        for b in BENCHMARKS:
            print(f"{b.name:24} #{b.issue}  {b.title}")
        return 0
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; see --list")
    failed = 0
    for bench in [by_name[n] for n in args.names] or list(BENCHMARKS):
        section = run(bench, args.small)
        failed += "— **failed**" in section.splitlines()[0]
        if args.small:
            print(section, "\n")
        else:
            report.write_section(args.output, f"domain {bench.name}", section)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
