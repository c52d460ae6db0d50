"""`make bench`: requests/s and p50/p99 latency of three hot endpoints on the production server
(gunicorn, sync workers), once on SQLite and once on PostgreSQL, written to docs/benchmarks.md.

Each database gets a fresh server (bench/servers.py). Each endpoint is warmed up, then measured
in several timed runs, endpoints interleaved so that a burst of noise on the shared machine
does not land on one endpoint only; the report gives medians (bench/report.py). Loopback only,
bounded in time (and, for the Python generator, in requests); nothing is installed.

    .venv/bin/python bench/run.py            # full run, rewrites its section of docs/benchmarks.md
    .venv/bin/python bench/run.py --quick    # smoke run, prints the report only
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import loadgen
import report
import servers
from loadgen import Endpoint, Plan

ROOT = Path(__file__).resolve().parent.parent
DEMO_ACCOUNT = ("citizen", "lifelong-demo")

ENDPOINTS = (
    Endpoint("GET /healthz", "/healthz"),
    Endpoint("GET /api/v1/me", "/api/v1/me", authenticated=True),
    Endpoint("GET /", "/"),
)

FULL = Plan(warmup_s=10, runs=3, run_s=10, connections=8, workers=2)
QUICK = Plan(warmup_s=1, runs=1, run_s=2, connections=8, workers=2)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generator_version(generator: str) -> str:
    if generator == "wrk":
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        first = (out.stdout or out.stderr).splitlines()[0]
        return f"wrk ({first.split('[')[0].strip()})"
    return "Python (bench/loadgen.py: threads + http.client)"


@contextlib.contextmanager
def source_tree(revision: str | None) -> Iterator[tuple[Path, str]]:
    """This working tree, or `revision` exported with `git archive` (the figures then belong to
    one commit, whatever is being edited here meanwhile)."""
    if revision is None:
        yield ROOT, report.source_revision(ROOT)
        return
    commit = subprocess.run(
        ["git", "rev-parse", "--short", f"{revision}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="lifelong-bench-src-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp), f"commit {commit} (exported with `git archive`)"


def bench_database(
    database: str, plan: Plan, generator: str, source: Path
) -> report.DatabaseResult:
    log(f"== {database}: migrate, load_demo, collectstatic, start gunicorn")
    with servers.running_server(database, workers=plan.workers, source=source) as server:
        engine = (
            f"SQLite {sqlite3.sqlite_version}"
            if database == "sqlite"
            else report.postgres_version(server.database_url)
        )
        token = server.bearer_token(*DEMO_ACCOUNT)
        auth = {"Authorization": f"Bearer {token}"}
        for endpoint in ENDPOINTS:
            headers = {**endpoint.headers, **(auth if endpoint.authenticated else {})}
            status, _ = server.request(endpoint.method, endpoint.path, endpoint.body, headers)
            if status != endpoint.expected_status:
                raise RuntimeError(
                    f"{endpoint.name} answered {status}, not {endpoint.expected_status}"
                )
        samples = loadgen.measure_endpoints(
            server.base_url, ENDPOINTS, plan, generator, auth_headers=auth, log=log
        )
        return report.DatabaseResult(
            database, engine, [report.EndpointResult(e.name, samples[e.name]) for e in ENDPOINTS]
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run; prints only")
    parser.add_argument(
        "--databases",
        default=",".join(servers.DATABASES),
        help="comma-separated: sqlite,postgresql (default both)",
    )
    parser.add_argument("--generator", choices=("auto", *loadgen.GENERATORS), default="auto")
    parser.add_argument(
        "--revision",
        help="benchmark this git revision (exported) instead of the working tree, e.g. HEAD",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="Markdown file to write (default docs/benchmarks.md; --quick prints instead)",
    )
    args = parser.parse_args(argv)
    databases = [d for d in args.databases.split(",") if d]
    for database in databases:
        if database not in servers.DATABASES:
            parser.error(f"unknown database {database!r}")
    plan = QUICK if args.quick else FULL
    output = args.output or (None if args.quick else ROOT / "docs" / "benchmarks.md")
    generator = loadgen.choose(args.generator)
    with source_tree(args.revision) as (source, source_label):
        machine = report.machine_info(source_label)
        results = [bench_database(d, plan, generator, source) for d in databases]
    machine["load average at end (1/5/15 min)"] = report.load_average()

    python = Path(sys.executable)
    python_shown = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    script = Path(sys.argv[0]).resolve()
    script_shown = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
    command = shlex.join([str(python_shown), str(script_shown), *sys.argv[1:]])
    if not sys.argv[1:]:
        command = f"make bench    # runs: {command}"
    settings = {
        "load generator": generator_version(generator),
        "connections": f"{plan.connections} concurrent, keep-alive where the server allows",
        "warm-up": f"{plan.warmup_s:g} s per endpoint, not counted",
        "timed runs": f"{plan.runs} × {plan.run_s:g} s per endpoint, interleaved; medians",
        "server": f"gunicorn `lifelong.config.wsgi`, {plan.workers} sync workers, 127.0.0.1",
        "data": "fresh database per engine: `migrate`, `load_demo`, `collectstatic`",
        "endpoints": "`/healthz` (`SELECT 1`); `/api/v1/me` with a bearer token for the demo "
        "account `citizen` (token, memberships, person); `/` the home page, anonymous "
        "(district list, template rendering)",
    }
    text = report.render(
        command=command, machine=machine, settings=settings, results=results, quick=args.quick
    )
    if output is None:
        print(text)
    else:
        report.write_section(output, "http", text)
        log(f"wrote the endpoint section of {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
