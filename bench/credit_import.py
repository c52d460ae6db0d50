"""Credit-bank enterprise import benchmark, and the archive API's latency.

1. Writes a CSV of `--rows` training outcomes (default 1,000,000) of one enterprise: valid
   resident ID numbers (a quarter as many people as rows, so archives get several postings),
   four standards the enterprise may certify, scores, hours, dates.
2. PostgreSQL (a fresh database): times a raw `COPY` of that CSV into an unindexed table with
   the same columns, then the real import of the same file, end to end: upload checks, the
   background job (run in-process), validation, dormant people, archives, certified
   outcomes, one credential per outcome (issued with its unsigned document: the proofs are
   added by the background signer the import enqueues), hash-chained postings, batches of
   10,000 committed one by one, the error report. Prints rows/s and the ratio to the COPY,
   where the import's time went, and the background signer's rate on a sample of the
   pending credentials (the signer is not part of the import's time). Then the floor: the
   rows the import wrote, copied inside the database into empty tables with the same
   indexes and foreign keys, timed — what writing them costs before any reading, validating
   or chaining, so the best ratio to the raw COPY that any import of this data model can
   reach on this server.
3. SQLite (a fresh file): the same import of the same file; rows/s.
4. The archive API: a verified learner with `--archive-outcomes` (default 1,000) outcomes;
   `GET /api/v1/me/archive` is requested `--requests` times in-process (Django test client,
   no network); p50/p95/max.

    .venv/bin/python bench/credit_import.py                    # 1,000,000 rows
    .venv/bin/python bench/credit_import.py --rows 100000 --databases postgresql

The PostgreSQL database (`--pg-database`, default lifelong_bench_credit) is dropped and
created on the server named by BENCH_POSTGRES_ADMIN_URL (default
postgres://postgres@127.0.0.1:5432/postgres) and dropped again at the end. It prints
figures and asserts nothing but the row counts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
USCC_BODY = ("91", "310104", "MA1FL3X4")
STANDARDS = [
    ("BENCH-ET-1", "安全生产培训", "enterprise_training", "1"),
    ("BENCH-ET-2", "数字化办公技能培训", "enterprise_training", "1.5"),
    ("BENCH-VC-1", "电工（四级）", "vocational_certificate", "8"),
    ("BENCH-VC-2", "全国计算机等级考试一级", "vocational_certificate", "3"),
]
AREAS = [
    "310101",
    "310104",
    "310105",
    "310106",
    "310107",
    "310109",
    "310110",
    "310112",
    "310113",
    "310114",
    "310115",
    "310116",
    "310117",
    "310118",
    "310120",
    "310151",
]
HEADER = [
    "外部记录编号 / external_id",
    "姓名 / name",
    "身份证号 / id_number",
    "企业统一社会信用代码 / enterprise_uscc",
    "认证标准代码 / standard_code",
    "取得日期 / achieved_on",
    "成绩 / score",
    "学时 / hours",
    "佐证材料 / evidence",
]


# ---- the file ----------------------------------------------------------------------------------


def _uscc() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from lifelong.shared.ids import organisation_code_check_character, uscc_check_character

    kind, area, org8 = USCC_BODY
    body = kind + area + org8 + organisation_code_check_character(org8)
    return body + uscc_check_character(body)


def write_csv(path: Path, rows: int, seed: int = 20201) -> None:
    from lifelong.shared.ids import ric_check_character

    rng = random.Random(seed)
    uscc = _uscc()
    people = max(1, rows // 4)
    names = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    today = dt.date.today()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        person_ids = []
        for p in range(people):
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
            first17 = f"{AREAS[p % len(AREAS)]}{born:%Y%m%d}{(p // len(AREAS)) % 1000:03d}"
            number = first17 + ric_check_character(first17)
            person_ids.append((names[p % len(names)] + given[(p * 7) % len(given)], number, born))
        seen: set[str] = set()
        unique = []
        for person in person_ids:
            if person[1] not in seen:
                seen.add(person[1])
                unique.append(person)
        for i in range(rows):
            name, number, born = unique[i % len(unique)]
            code = STANDARDS[i % len(STANDARDS)][0]
            start = max(born + dt.timedelta(days=365 * 18), dt.date(2005, 1, 1))
            span = max(1, (today - start).days)
            achieved = start + dt.timedelta(days=rng.randrange(span))
            writer.writerow(
                [
                    f"BENCH-{i:08d}",
                    name,
                    number,
                    uscc,
                    code,
                    achieved.isoformat(),
                    f"{rng.randrange(60, 101)}",
                    f"{rng.choice([8, 16, 24, 32])}",
                    "",
                ]
            )


# ---- one database, in a child process -----------------------------------------------------------


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    # Tasks are only recorded: the bench runs the import job itself, and times the signer
    # the import enqueues separately, on a sample.
    os.environ["LIFELONG_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ["LIFELONG_UPLOAD_MAX_BYTES"] = str(4 * 1024**3)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fixtures():
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from lifelong.credit_bank.models import Certifier, Standard
    from lifelong.identity.models import Membership, Organisation

    enterprise = Organisation.objects.create(
        name="上海示范科技有限公司", kind="enterprise", uscc=_uscc()
    )
    enterprise.path = f"/{enterprise.pk}/"
    enterprise.save(update_fields=["path"])
    bank = Organisation.objects.create(name="上海市终身教育学分银行", kind="credit_bank")
    bank.path = f"/{bank.pk}/"
    bank.save(update_fields=["path"])
    hr = get_user_model().objects.create_user(username="bench_hr", password=None)
    Membership.objects.create(user=hr, organisation=enterprise, role="enterprise_hr")
    for code, name, kind, credits in STANDARDS:
        Standard.objects.create(
            code=code,
            name=name,
            type=kind,
            credits=Decimal(credits),
            criteria="考核合格",
            awarding_body="上海示范科技有限公司",
        )
        Certifier.objects.create(organisation=enterprise, standard_code=code)
    return hr


class _Stages:
    """Wall time spent in the import's stages, by wrapping the functions that do them. The
    file is read and validated in a second thread, overlapping the database writes: its
    time is reported apart and is not part of the sum of the writing stages."""

    WRAPPED = (
        ("lifelong.credit_bank.importing.writer", "existing_keys", "look up existing rows"),
        ("lifelong.identity.api", "ensure_dormant_people", "dormant people"),
        ("lifelong.credit_bank.importing.writer", "_archives", "lock/create archives"),
        ("lifelong.credit_bank.credentials.bulk_issue:SlotAllocator", "take", "status slots"),
        ("lifelong.credit_bank.importing.bulk", "copy_rows", None),
        ("lifelong.credit_bank.importing.bulk", "move_heads", "move chain heads"),
        ("lifelong.credit_bank.importing.writer", "save_errors", "row errors"),
    )

    def __init__(self):
        import importlib

        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # CPU of this process's thread; the rest is waiting
        self.restore = []
        for where, name, label in self.WRAPPED:
            module, _, attribute = where.partition(":")
            owner = importlib.import_module(module)
            if attribute:
                owner = getattr(owner, attribute)
            original = getattr(owner, name)
            setattr(owner, name, self._timed(original, label))
            self.restore.append((owner, name, original))
        from django.db import connection

        from lifelong.credit_bank.importing import writer
        from lifelong.credit_bank.services import imports

        commit = connection.commit
        connection.commit = self._timed(commit, "commit (deferred foreign-key checks, log flush)")
        self.restore.append((connection, "commit", commit))
        batch, read = writer.write_batch, imports._read_batches

        def timed_batch(*args, **kwargs):
            started = time.thread_time()
            try:
                return batch(*args, **kwargs)
            finally:
                self._add("CPU of the writing thread", time.thread_time() - started)

        writer.write_batch = self._timed(timed_batch, "write_batch (whole batch)")
        self.restore.append((writer, "write_batch", batch))

        def timed_read(*args, **kwargs):
            iterator = read(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    self._add("read + validate (2nd thread)", time.perf_counter() - started)
                yield item

        imports._read_batches = timed_read
        self.restore.append((imports, "_read_batches", read))

    def _add(self, label: str, seconds: float, cpu: float | None = None) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + seconds
        if cpu is not None:
            self.cpu[label] = self.cpu.get(label, 0.0) + cpu

    def _timed(self, function, label):
        stages = self

        def timed(*args, **kwargs):
            started, started_cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                key = label
                if key is None:  # copy_rows: per table
                    model = args[0] if args else kwargs["model"]
                    key = f"insert {model._meta.model_name}s"
                stages._add(key, time.perf_counter() - started, time.thread_time() - started_cpu)

        return timed

    def close(self) -> tuple[dict[str, float], dict[str, float]]:
        for owner, name, original in reversed(self.restore):
            setattr(owner, name, original)
        return self.seconds, self.cpu


def _import(hr, csv_path: Path, dry_run: bool = False) -> dict:
    from django.db import transaction

    from lifelong.credit_bank.models import ImportJob
    from lifelong.credit_bank.services import imports
    from lifelong.identity.api import actor_for_user
    from lifelong.shared.jobs import run_job
    from lifelong.shared.models import Job

    actor = actor_for_user(hr)
    stages = _Stages()
    started, started_cpu = time.perf_counter(), time.process_time()
    with csv_path.open("rb") as fh, transaction.atomic():
        imported = imports.start_import(
            actor=actor,
            file_name=csv_path.name,
            upload=fh,
            size=csv_path.stat().st_size,
            dry_run=dry_run,
        )
    run_job(str(imported.pk), imports.run_import)  # what the worker does with the task
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    seconds, cpu_seconds = stages.close()
    row = ImportJob.objects.get(pk=imported.pk)
    job = Job.objects.get(pk=imported.pk)
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "status": job.status,
        "message": job.message,
        "total": row.total_rows,
        "imported": row.imported_rows,
        "duplicates": row.duplicate_rows,
        "invalid": row.invalid_rows,
        "batches": row.batches_committed,
        "stages": seconds,
        "stage_cpu": cpu_seconds,
    }


def _signing(sample: int) -> dict:
    """The background signer's rate on a sample of the pending credentials, and a check that
    a pending credential read through the API comes back signed and verifying."""
    from django.test import Client

    from lifelong.credit_bank.credentials import signing
    from lifelong.credit_bank.credentials.verification import verify_credential
    from lifelong.credit_bank.models import Credential

    pending = signing.pending_count()
    one = Credential.objects.filter(signed_at__isnull=True).order_by("-issued_at").first()
    response = Client().get(f"/api/v1/credentials/{one.pk}")
    verified = verify_credential(response.json()).verified
    started = time.perf_counter()
    signed = signing.sign_pending_credentials(limit=sample)
    elapsed = time.perf_counter() - started
    return {
        "pending": pending,
        "sample": signed,
        "seconds": elapsed,
        "read_verified": verified,
        "read_status": response.status_code,
    }


def _raw_copy(csv_path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_import")
        cursor.execute(
            "CREATE TABLE bench_raw_import (external_id text, name text, id_number text, "
            "enterprise_uscc text, standard_code text, achieved_on date, score numeric, "
            "hours numeric, evidence text)"
        )
    connection.commit() if not connection.get_autocommit() else None
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        csv_path.open("rb") as fh,
        cursor.cursor.copy(
            "COPY bench_raw_import FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy,
    ):
        while chunk := fh.read(1024 * 1024):
            copy.write(chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_raw_import")
        copied = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_raw_import")
    return elapsed if copied else float("nan")


FLOOR_TABLES = (
    "identity_person",
    "credit_bank_archive",
    "credit_bank_outcome",
    "credit_bank_credential",
    "credit_bank_posting",
)


def _write_floor() -> float:
    """The least time any import keeping this data model could take on this server: the rows
    this import wrote (people, archives, outcomes, credentials, postings) copied, inside the
    database, into empty tables with the same columns, indexes, checks and foreign keys, in
    one transaction (deferred foreign-key checks included). No reading or validating of the
    file, no Python per row, no round trips: only the database's cost of writing the rows,
    on one connection (writers on several connections could at best share it among the
    machine's cores). (`COPY` of the same rows exported as text took longer here: 10.0 s
    against 7.8 s for 100,000 input rows; this is the lower of the two.)"""
    from django.db import connection, transaction

    floors = [f"bench_floor_{table}" for table in FLOOR_TABLES]
    with connection.cursor() as cursor:
        for table, floor in zip(FLOOR_TABLES, floors, strict=True):
            cursor.execute(f"DROP TABLE IF EXISTS {floor}")
            cursor.execute(f"CREATE TABLE {floor} (LIKE {table} INCLUDING ALL)")
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for (definition,) in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {floor} ADD {definition}")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, floor in zip(FLOOR_TABLES, floors, strict=True):
            cursor.execute(f"INSERT INTO {floor} SELECT * FROM {table}")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for floor in reversed(floors):
            cursor.execute(f"DROP TABLE {floor}")
    return elapsed


def _archive_latency(outcomes: int, requests: int, workdir: Path) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from lifelong.identity.models import Membership, Organisation, Person
    from lifelong.identity.services import create_api_token_for

    path = workdir / "one-learner.csv"
    uscc = _uscc()
    from lifelong.shared.ids import ric_check_character

    first17 = "31010419800101777"
    number = first17 + ric_check_character(first17)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(outcomes):
            writer.writerow(
                [
                    f"ONE-{i:06d}",
                    "钱学习",
                    number,
                    uscc,
                    STANDARDS[i % 4][0],
                    (dt.date(2005, 1, 1) + dt.timedelta(days=i * 5)).isoformat(),
                    "90",
                    "16",
                    "",
                ]
            )
    hr = get_user_model().objects.get(username="bench_hr")
    result = _import(hr, path)
    assert result["imported"] == outcomes, result
    from lifelong.identity import api as identity

    person = Person.objects.get(pk=identity.find_person_by_id_number(number))
    user = get_user_model().objects.create_user(username="bench_learner", password=None)
    person.user = user
    person.verification_level = "in_person"
    person.save(update_fields=["user", "verification_level"])
    school = Organisation.objects.filter(kind="enterprise").first()
    Membership.objects.create(user=user, organisation=school, role="citizen", scope="self")
    token = create_api_token_for(user=user, name="bench")
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for _ in range(5):  # warm up
        assert client.get("/api/v1/me/archive", **headers).status_code == 200
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/me/archive", **headers)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    assert len(response.json()["outcomes"]) == outcomes
    times.sort()
    cpu.sort()
    return {
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p95_ms": cpu[int(len(cpu) * 0.95) - 1],
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
        "requests": requests,
        "outcomes": outcomes,
    }


def child(args) -> None:
    _setup_django(args.database_url)
    from django.db import connection

    csv_path = Path(args.csv)
    hr = _fixtures()
    result: dict = {"vendor": connection.vendor, "rows": args.rows}
    if connection.vendor == "postgresql":
        result["copy_seconds"] = _raw_copy(csv_path)
    result["import"] = _import(hr, csv_path)
    assert result["import"]["imported"] == args.rows, result
    if connection.vendor == "postgresql":
        result["floor_seconds"] = _write_floor()
    result["signing"] = _signing(min(args.sign_sample, args.rows))
    rerun = _import(hr, csv_path)
    result["rerun"] = rerun
    assert rerun["imported"] == 0 and rerun["duplicates"] == args.rows, rerun
    if args.archive_outcomes:
        result["archive"] = _archive_latency(
            args.archive_outcomes, args.requests, Path(args.workdir)
        )
    _delete_stored_files()
    print("RESULT " + json.dumps(result))


def _delete_stored_files() -> None:
    """The uploads and reports the runs stored in the private storage."""
    from django.core.files.storage import storages

    from lifelong.credit_bank.models import ImportJob
    from lifelong.shared.models import Job

    storage = storages["private"]
    for row in ImportJob.objects.all():
        for path in (row.file_path, row.error_report_xlsx, row.error_report_csv):
            if path and storage.exists(path):
                storage.delete(path)
    for job in Job.objects.exclude(result_path=""):
        if storage.exists(job.result_path):
            storage.delete(job.result_path)


# ---- driver -------------------------------------------------------------------------------------


def _recreate_database(name: str) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlparse(ADMIN_URL)._replace(path=f"/{name}").geturl()


def _drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _run_child(database_url: str, args, csv_path: Path, workdir: Path, archive: int) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        "--database-url",
        database_url,
        "--csv",
        str(csv_path),
        "--rows",
        str(args.rows),
        "--archive-outcomes",
        str(archive),
        "--requests",
        str(args.requests),
        "--workdir",
        str(workdir),
    ]
    command += ["--sign-sample", str(args.sign_sample)]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
    raise SystemExit(f"benchmark on {database_url} failed")


def _print_import(label: str, result: dict, copy_seconds: float | None) -> None:
    run = result["import"]
    rate = result["rows"] / run["seconds"]
    print(
        f"{label}: imported {run['imported']:,} rows in {run['seconds']:.1f} s "
        f"= {rate:,.0f} rows/s ({run['batches']} batches, status {run['status']}); "
        f"CPU time of the importing process {run['cpu_seconds']:.1f} s"
    )
    if copy_seconds:
        copy_rate = result["rows"] / copy_seconds
        print(
            f"  raw COPY of the same CSV into an unindexed table: {copy_seconds:.2f} s "
            f"= {copy_rate:,.0f} rows/s; ratio import/COPY = {rate / copy_rate:.3f}"
        )
        if result.get("floor_seconds"):
            floor = result["floor_seconds"]
            print(
                f"  floor: the rows the import wrote, copied in the database into empty tables"
                f" with the same indexes and foreign keys: {floor:.1f} s = "
                f"{result['rows'] / floor:,.0f} input rows/s; ratio floor/COPY = "
                f"{copy_seconds / floor:.3f} (one connection; no import writing these rows "
                f"can beat it by more than the number of cores)"
            )
    stages = dict(run["stages"])
    reading = stages.pop("read + validate (2nd thread)", 0.0)
    whole = stages.pop("write_batch (whole batch)", 0.0)
    writing_cpu = stages.pop("CPU of the writing thread", 0.0)
    stage_cpu = run.get("stage_cpu", {})
    print("  where the time went (wall seconds; in brackets the importing thread's CPU, the")
    print("  rest being the database's work and the wait for it):")
    print(f"    reading + validating the file, in the 2nd thread: {reading:.1f}")
    print(
        f"    writing the batches (one transaction each):       {whole:.1f}"
        f"  (CPU of this thread: {writing_cpu:.1f})"
    )
    for name, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        cpu = f"  ({stage_cpu[name]:.1f})" if name in stage_cpu else ""
        print(f"      {name:<50}{seconds:.1f}{cpu}")
    inner = sum(stages.values())
    print(f"      {'other (ids, hashes, documents, …)':<50}{whole - inner:.1f}")
    print(f"    outside the batches (count rows, report, …):      {run['seconds'] - whole:.1f}")
    if "signing" in result:
        sig = result["signing"]
        per = sig["seconds"] / max(1, sig["sample"])
        print(
            f"  credentials pending after the import: {sig['pending']:,}; GET of one: "
            f"{sig['read_status']}, signed on read, verifies: {sig['read_verified']}"
        )
        print(
            f"  background signer: {sig['sample']:,} signed in {sig['seconds']:.1f} s = "
            f"{1 / per:,.0f} credentials/s on one process (all {sig['pending']:,}: "
            f"~{sig['pending'] * per / 60:,.0f} min)"
        )
    rerun = result["rerun"]
    print(
        f"  rerun of the same file: {rerun['imported']} imported, {rerun['duplicates']:,} "
        f"duplicates skipped, {rerun['seconds']:.1f} s"
    )
    if "archive" in result:
        a = result["archive"]
        print(
            f"  GET /api/v1/me/archive, {a['outcomes']} outcomes, {a['requests']} requests: "
            f"p50 {a['p50_ms']:.1f} ms, p95 {a['p95_ms']:.1f} ms, max {a['max_ms']:.1f} ms; "
            f"CPU time of the serving process p50 {a['cpu_p50_ms']:.1f} ms, "
            f"p95 {a['cpu_p95_ms']:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--pg-database", default="lifelong_bench_credit")
    parser.add_argument("--archive-outcomes", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--sign-sample",
        type=int,
        default=500,
        help="pending credentials the background signer signs to measure its rate",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="bench-credit-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / f"training-records-{args.rows}.csv"
        started = time.perf_counter()
        write_csv(csv_path, args.rows)
        size = csv_path.stat().st_size
        print(
            f"CSV: {args.rows:,} rows, {size / 1024**2:.1f} MB, written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        databases = [d.strip() for d in args.databases.split(",") if d.strip()]
        archive_done = False
        for vendor in databases:
            archive = 0 if archive_done else args.archive_outcomes
            if vendor == "postgresql":
                url = _recreate_database(args.pg_database)
                try:
                    result = _run_child(url, args, csv_path, workdir, archive)
                finally:
                    if not args.keep:
                        _drop_database(args.pg_database)
                _print_import("PostgreSQL", result, result.get("copy_seconds"))
                print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            elif vendor == "sqlite":
                url = f"sqlite:///{workdir / 'bench.sqlite3'}"
                result = _run_child(url, args, csv_path, workdir, archive)
                _print_import("SQLite", result, None)
                print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            else:
                raise SystemExit(f"unknown database {vendor}")
            archive_done = archive_done or bool(archive)


if __name__ == "__main__":
    main()
