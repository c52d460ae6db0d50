"""xAPI ingestion benchmark: statements/s stored over HTTP on PostgreSQL.

Client processes (4 by default) each POST batches of 100 statements (varied learners, verbs,
activities, results and context activities) to /xapi/statements of a gunicorn server on a
fresh PostgreSQL database, until `--total` statements are stored. It prints the rate over the
first and the last tenth of the run, the overall rate, the batch latencies, checks that the
database holds exactly `--total` statements, and reports the CPU time spent per 1,000
statements by the app server, the PostgreSQL backends and the load generator, with the
capacity that implies if the machine's CPUs ran nothing else (the rates themselves depend on
whatever else the machine is doing: the load average is printed too). It asserts nothing.

    .venv/bin/python bench/xapi_ingest.py                    # 1,000,000 statements
    .venv/bin/python bench/xapi_ingest.py --total 100000 --workers 3

The database (`--database`, default lifelong_bench_xapi) is dropped and created on the server
named by BENCH_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), and
dropped again at the end unless --keep.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
KEY, SECRET = "demo-lrs", "lifelong-demo"
VERBS = [
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/progressed",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/answered",
]
COURSES = 2_000
LEARNERS = 50_000


# ---- Server ------------------------------------------------------------------------------------


def _database_url(name: str) -> str:
    return urlparse(ADMIN_URL)._replace(path=f"/{name}").geturl()


def _recreate_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _count_statements(name: str) -> int:
    import psycopg

    with psycopg.connect(_database_url(name)) as conn:
        row = conn.execute("SELECT count(*) FROM learning_records_statement").fetchone()
        return int(row[0]) if row else 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class BackendSampler(threading.Thread):
    """Samples the CPU time of the PostgreSQL backends serving the benchmark database every
    half second (connections are recycled during a long run, so one reading at the end would
    miss the backends that have gone)."""

    def __init__(self, name: str):
        super().__init__(daemon=True)
        self.name_ = name
        self.seen: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(_database_url(self.name_), autocommit=True) as conn:
            while not self.stopping.is_set():
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.name_],
                ).fetchall()
                for (pid,) in rows:
                    self.seen[pid] = max(self.seen.get(pid, 0.0), _cpu_seconds(pid))
                self.stopping.wait(0.5)

    def stop(self) -> float:
        self.stopping.set()
        self.join()
        return sum(self.seen.values())


def _load_average() -> float:
    return os.getloadavg()[0]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict, workers: int, log_path: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "lifelong.config.wsgi",
            "--preload",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "256",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/xapi/about")
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not start; see {log_path}")


# ---- Load --------------------------------------------------------------------------------------


def _template() -> str:
    statement = {
        "id": "@ID@",
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://lifelong.sh.cn", "name": "@LEARNER@"},
        },
        "verb": {"id": "@VERB@", "display": {"zh-CN": "学习", "en-US": "learned"}},
        "object": {
            "objectType": "Activity",
            "id": "https://lifelong.sh.cn/xapi/activities/catalog/resources/@COURSE@/units/@UNIT@",
            "definition": {
                "name": {"zh-CN": "单元 @UNIT@"},
                "type": "http://adlnet.gov/expapi/activities/media",
            },
        },
        "result": {
            "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
            "completion": True,
            "duration": "PT12M30S",
        },
        "context": {
            "registration": "@REGISTRATION@",
            "platform": "demo content system",
            "language": "zh-CN",
            "contextActivities": {
                "parent": [
                    {"id": "https://lifelong.sh.cn/xapi/activities/catalog/resources/@COURSE@"}
                ]
            },
        },
        "timestamp": "2026-05-01T08:00:00.000+08:00",
    }
    return json.dumps(statement, ensure_ascii=False)


class _Batches:
    """Request bodies for one client: the statement template split once at its placeholders,
    the values that repeat (learners, registrations) formatted once, fresh random statement
    ids per batch. The client shares the machine's CPUs with the store, so it stays cheap:
    about half the CPU of formatting each statement from scratch (8 against 16 µs per
    statement, measured back to back)."""

    def __init__(self, template: str):
        pieces = re.split(r"(@[A-Z]+@)", template)
        self.literals = pieces[0::2]
        self.slots = pieces[1::2]
        self.learners: dict[int, str] = {}
        self.registrations: dict[int, str] = {}

    def _learner(self, n: int) -> str:
        key = n % LEARNERS
        text = self.learners.get(key)
        if text is None:
            text = self.learners[key] = str(uuid.UUID(int=key + 1))
        return text

    def _registration(self, n: int) -> str:
        key = (n % LEARNERS) * COURSES + n % COURSES
        text = self.registrations.get(key)
        if text is None:
            text = self.registrations[key] = str(uuid.UUID(int=key))
        return text

    def batch(self, size: int, seed: int) -> bytes:
        randoms = os.urandom(16 * size)
        parts = []
        literals, slots = self.literals, self.slots
        for i in range(size):
            n = seed + i
            values = {
                "@ID@": str(uuid.UUID(bytes=randoms[16 * i : 16 * i + 16], version=4)),
                "@LEARNER@": self._learner(n),
                "@VERB@": VERBS[n % len(VERBS)],
                "@COURSE@": str(n % COURSES),
                "@UNIT@": str(n % 7),
                "@REGISTRATION@": self._registration(n),
            }
            out = [literals[0]]
            for slot, literal in zip(slots, literals[1:], strict=True):
                out.append(values[slot])
                out.append(literal)
            parts.append("".join(out))
        return ("[" + ",".join(parts) + "]").encode()


def _client(port: int, batches: int, size: int, index: int, results) -> None:
    """One client connection: POST `batches` batches; report (end time, count, seconds)."""
    batches_of = _Batches(_template())
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
        "Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode(),
    }
    timings = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for b in range(batches):
        body = batches_of.batch(size, (index * batches + b) * size)
        started = time.monotonic()
        for attempt in range(3):
            try:
                conn.request("POST", "/xapi/statements", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                if attempt == 2:
                    raise
        if response.status != 200:
            raise RuntimeError(f"POST answered {response.status}: {data[:300]!r}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        ended = time.monotonic()
        timings.append((ended, size, ended - started))
    conn.close()
    results.put(timings)


def _rusage_children() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rate(events: list[tuple[float, int, float]], start: float, first: int, last: int) -> float:
    """Statements/s over events[first:last] (sorted by end time)."""
    window = events[first:last]
    begin = events[first - 1][0] if first > 0 else start
    return sum(e[1] for e in window) / (window[-1][0] - begin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database", default="lifelong_bench_xapi")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    per_client = args.total // (args.batch * args.connections)
    total = per_client * args.batch * args.connections

    _recreate_database(args.database)
    with tempfile.TemporaryDirectory(prefix="lifelong-bench-xapi-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(args.database),
            "LIFELONG_VAR_DIR": str(Path(tmp) / "var"),
            "LIFELONG_MODE": "demo",
            "LIFELONG_LOG_LEVEL": "WARNING",
        }
        run = {"env": env, "cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([str(BIN / "lifelong"), "migrate", "--no-input"], **run)  # noqa: S603
        subprocess.run(  # noqa: S603
            [
                str(BIN / "lifelong"),
                "shell",
                "-c",
                "from lifelong.learning_records import api; api.load_demo()",
            ],
            **run,
        )
        process, port = _start_server(env, args.workers, Path(tmp) / "gunicorn.log")
        server_cpu_before = sum(_cpu_seconds(p) for p in _children(process.pid))
        clients_cpu_before = _rusage_children()
        load_before = _load_average()
        sampler = BackendSampler(args.database)
        sampler.start()
        try:
            results: multiprocessing.Queue = multiprocessing.Queue()
            clients = [
                multiprocessing.Process(
                    target=_client, args=(port, per_client, args.batch, i, results)
                )
                for i in range(args.connections)
            ]
            start = time.monotonic()
            for client in clients:
                client.start()
            events = [e for _ in clients for e in results.get()]
            for client in clients:
                client.join()
            elapsed = time.monotonic() - start
            load_after = _load_average()
            server_cpu = sum(_cpu_seconds(p) for p in _children(process.pid)) - server_cpu_before
            database_cpu = sampler.stop()
            clients_cpu = _rusage_children() - clients_cpu_before
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        stored = _count_statements(args.database)
    if not args.keep:
        _drop_database(args.database)

    events.sort()
    tenth = max(1, len(events) // 10)
    latencies = sorted(e[2] * 1000 for e in events)
    print(
        f"xAPI ingestion on PostgreSQL: {total:,} statements in batches of {args.batch}, "
        f"{args.connections} client connections, gunicorn {args.workers} workers, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"  start (first 10 %): {_rate(events, start, 0, tenth):10,.0f} statements/s")
    print(
        f"  end   (last 10 %):  {_rate(events, start, len(events) - tenth, len(events)):10,.0f} statements/s"
    )
    print(f"  overall:            {total / elapsed:10,.0f} statements/s ({elapsed:.1f} s)")
    print(
        f"  batch latency p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)]:.0f} ms"
    )
    print(f"  stored in the database: {stored:,} (expected {total:,})")
    per_thousand = [c / total * 1000 for c in (server_cpu, database_cpu, clients_cpu)]
    print(
        "  CPU per 1,000 statements: app server {:.2f} s, PostgreSQL backends {:.2f} s, "
        "load generator {:.2f} s".format(*per_thousand)
    )
    cores = os.cpu_count() or 1
    print(
        f"  capacity if the {cores} CPUs served only this benchmark: "
        f"{cores * 1000 / sum(per_thousand):,.0f} statements/s "
        f"(load average {load_before:.1f} before, {load_after:.1f} after the run)"
    )


if __name__ == "__main__":
    main()
