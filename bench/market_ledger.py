"""Training-market ledger benchmark: transfers per second with every invariant enforced by the
database (posting and seal triggers, balance CHECKs, the deferred zero-sum constraint trigger
checked at each commit), one transfer per commit and in batches, against plain inserts of the
same rows into tables with the same columns and indexes but no triggers and no constraints,
in the same run; then risk scoring of 10,000 institutions.

    .venv/bin/python bench/market_ledger.py --database-url postgres://postgres@127.0.0.1:5432/NAME
    .venv/bin/python bench/market_ledger.py                       # SQLite, temporary file

A PostgreSQL database that does not exist yet is created; it is migrated and filled on first
use (institutions named `bench-…`, so a second run reuses them). A transfer is a bank payment
callback's posting: Dr escrow / Cr the learner's prepaid account of one of 1,000 contracts.
Afterwards the ledger is verified (every balance recomputed from the postings). It prints its
figures; it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

INSTITUTIONS = 10_000
CONTRACTS = 1_000
BATCH = 500


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
    workdir = Path(tempfile.mkdtemp(prefix="lifelong-bench-market-"))
    if database_url and database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("LIFELONG_VAR_DIR", str(workdir / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


def fill() -> float:
    """10,000 institutions across the districts (each an identity organisation, with accounts,
    premises, an escrow agreement and a licence) and 1,000 contracts at the first 100, each
    with a payment and a few lessons released, so that risk scoring has real work."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import transaction

    from lifelong.identity import api as identity
    from lifelong.shared import clock
    from lifelong.shared.api import ensure_city_regions
    from lifelong.training_market.models import (
        ACCOUNT_SIGN,
        INSTITUTION_ACCOUNT_KINDS,
        Account,
        Contract,
        ContractState,
        EscrowAgreement,
        Institution,
        Premises,
    )
    from lifelong.training_market.services.rules import ensure_national_rules

    call_command("migrate", verbosity=0)
    if Institution.objects.filter(name__startswith="bench-").count() >= INSTITUTIONS:
        return 0.0
    started = time.perf_counter()
    today = clock.today()
    rng = random.Random(7)
    with transaction.atomic():
        ensure_city_regions()
        ensure_national_rules()
        districts = [d.code for d in identity.districts()]
        bank = identity.ensure_organisation("bench-银行", "bank", None, "310115")
        specs = [
            (
                f"bench-{n}",
                "training_institution",
                identity.demo_uscc("52", districts[n % 16], f"BN{n:06d}"),
                districts[n % 16],
                None,
            )
            for n in range(INSTITUTIONS)
        ]
        ids = identity.ensure_organisations(specs)
        institutions = [
            Institution(
                organisation_id=ids[uscc],
                name=name,
                uscc=uscc,
                district_id=district,
                for_profit=bool(n % 2),
                licence_number=f"bench-{n}",
                licence_valid_until=today + dt.timedelta(days=rng.randint(30, 2000)),
            )
            for n, (name, _, uscc, district, _) in enumerate(specs)
        ]
        Institution.objects.bulk_create(institutions, batch_size=2000)
        Account.objects.bulk_create(
            [
                Account(institution=i, kind=k, sign=ACCOUNT_SIGN[k])
                for i in institutions
                for k in INSTITUTION_ACCOUNT_KINDS
            ],
            batch_size=5000,
        )
        Premises.objects.bulk_create(
            [
                Premises(
                    institution=i,
                    address="bench",
                    lease_end=today + dt.timedelta(days=rng.randint(20, 1500)),
                )
                for i in institutions
            ],
            batch_size=5000,
        )
        EscrowAgreement.objects.bulk_create(
            [
                EscrowAgreement(
                    institution=i, bank_id=bank, account_number_masked="****", opened_on=today
                )
                for i in institutions
                if rng.random() < 0.95
            ],
            batch_size=5000,
        )
        from lifelong.training_market.services.contracts import rule_in_force

        rule = rule_in_force("arts", today)
        contracts = [
            Contract(
                institution=institutions[n % 100],
                rule=rule,
                course="bench",
                category="arts",
                class_hours=60,
                months=3,
                total_fen=10**12,
                start_date=today,
                end_date=today + dt.timedelta(days=90),
                learner_name="bench",
                learner_id_sealed="-",
                learner_id_index=f"bench-{n}",
                learner_id_masked="-",
                learner_birth_date=dt.date(2015, 1, 1),
                learner_is_minor=True,
                guardian_id_index="bench",
                signed_channel="staff",
                signed_on=today,
            )
            for n in range(CONTRACTS)
        ]
        Contract.objects.bulk_create(contracts, batch_size=2000)
        ContractState.objects.bulk_create(
            [ContractState(contract=c, total_fen=c.total_fen, class_hours=60) for c in contracts]
        )
        Account.objects.bulk_create(
            [
                Account(
                    institution_id=c.institution_id,
                    kind="learner_prepaid",
                    contract=c,
                    sign=ACCOUNT_SIGN["learner_prepaid"],
                )
                for c in contracts
            ]
        )
    return time.perf_counter() - started


def _rows(count: int, accounts: list[tuple[int, uuid.UUID, int, int]]):
    """`count` payment transfers of 1.00 yuan spread over the contracts: (transaction id,
    institution, contract, escrow account, prepaid account)."""
    rng = random.Random(count)
    for _ in range(count):
        institution, contract, escrow, prepaid = rng.choice(accounts)
        yield uuid.uuid4(), institution, contract, escrow, prepaid


def _insert(cursor, connection, batch, posting_table: str, txn_table: str, now) -> None:
    native = connection.features.has_native_uuid_field

    def u(value):
        return value if native else value.hex

    postings = []
    for txn, institution, contract, escrow, prepaid in batch:
        for account, amount in sorted(((escrow, 100), (prepaid, -100))):
            postings.append((u(txn), account, institution, u(contract), "payment", amount, now))
    cursor.executemany(
        f"INSERT INTO {posting_table} (transaction_id, account_id, institution_id, contract_id, "
        "kind, amount_fen, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        postings,
    )
    cursor.executemany(
        f"INSERT INTO {txn_table} (id, institution_id, contract_id, kind, amount_fen, "
        "idempotency_key, settles_id, bank_reference, note, occurred_at, created_by_id, "
        "on_behalf_of, created_at) VALUES (%s, %s, %s, 'payment', 100, %s, NULL, '', '', %s, "
        "NULL, '', %s)",
        [(u(t), i, u(c), f"bench-{t.hex}", now, now) for t, i, c, _, _ in batch],
    )


def _plain_tables(cursor, vendor: str) -> tuple[str, str]:
    """Tables with the ledger's columns and indexes, without triggers or constraints."""
    names = ("bench_plain_posting", "bench_plain_transaction")
    for plain, source in zip(
        names, ("training_market_posting", "training_market_ledgertransaction"), strict=True
    ):
        cursor.execute(f"DROP TABLE IF EXISTS {plain}")
        if vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {plain} (LIKE {source} INCLUDING DEFAULTS INCLUDING INDEXES "
                "INCLUDING IDENTITY)"
            )
        else:
            cursor.execute(f"CREATE TABLE {plain} AS SELECT * FROM {source} WHERE 0")
            for (index_sql,) in cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [source],
            ).fetchall():
                cursor.execute(
                    index_sql.replace(f'"{source}"', plain).replace('INDEX "', f'INDEX "{plain}_')
                )
    return names


def run_ledger(single: int, batched: int) -> None:
    from django.db import connection, transaction

    from lifelong.shared import clock
    from lifelong.training_market.models import Account
    from lifelong.training_market.selectors.contracts import verify_ledger

    prepaid = list(
        Account.objects.filter(kind="learner_prepaid", contract__learner_name="bench").values_list(
            "institution_id", "contract_id", "id"
        )
    )
    escrow = dict(
        Account.objects.filter(
            kind="escrow", institution_id__in={p[0] for p in prepaid}
        ).values_list("institution_id", "id")
    )
    accounts = [(inst, contract, escrow[inst], acc) for inst, contract, acc in prepaid]
    now = connection.ops.adapt_datetimefield_value(clock.now())
    vendor = connection.vendor
    with connection.cursor() as cursor:
        plain_posting, plain_txn = _plain_tables(cursor, vendor)

    def measure(count: int, per_commit: int, posting_table: str, txn_table: str) -> float:
        rows = list(_rows(count, accounts))
        started = time.perf_counter()
        for start in range(0, count, per_commit):
            with transaction.atomic(), connection.cursor() as cursor:
                _insert(
                    cursor,
                    connection,
                    rows[start : start + per_commit],
                    posting_table,
                    txn_table,
                    now,
                )
        return count / (time.perf_counter() - started)

    print(f"engine: {vendor}   contracts: {len(accounts)}   legs per transfer: 2")
    results: dict[str, list[float]] = {}
    for _round in range(3):  # interleaved, medians
        for label, count, per_commit, tables in (
            (
                "single, invariants",
                single,
                1,
                ("training_market_posting", "training_market_ledgertransaction"),
            ),
            ("single, plain", single, 1, (plain_posting, plain_txn)),
            (
                f"batched {BATCH}, invariants",
                batched,
                BATCH,
                ("training_market_posting", "training_market_ledgertransaction"),
            ),
            (f"batched {BATCH}, plain", batched, BATCH, (plain_posting, plain_txn)),
        ):
            results.setdefault(label, []).append(measure(count, per_commit, *tables))
    medians = {label: statistics.median(values) for label, values in results.items()}
    for label, rate in medians.items():
        print(f"{label:<28} {rate:10.0f} transfers/s")
    print(
        f"ratio invariants/plain: single {medians['single, invariants'] / medians['single, plain']:.2f}"
        f"   batched {medians[f'batched {BATCH}, invariants'] / medians[f'batched {BATCH}, plain']:.2f}"
    )
    started = time.perf_counter()
    check = verify_ledger()
    print(
        f"ledger verified: {check.ok} ({time.perf_counter() - started:.1f} s to recompute every balance)"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {plain_posting}")
        cursor.execute(f"DROP TABLE {plain_txn}")


def run_risk() -> None:
    from lifelong.training_market.models import Institution
    from lifelong.training_market.selectors.risk import score_institutions

    institutions = list(Institution.objects.filter(name__startswith="bench-"))
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        scores = score_institutions(institutions)
        timings.append(time.perf_counter() - started)
    levels = {lvl: sum(s.level == lvl for s in scores) for lvl in ("low", "medium", "high")}
    print(
        f"risk scoring of {len(institutions)} institutions: median {statistics.median(timings):.2f} s"
        f"   (levels {levels})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="postgres://… (default: a temporary SQLite file)")
    parser.add_argument("--single", type=int, default=1000, help="transfers, one per commit")
    parser.add_argument("--batched", type=int, default=20_000, help="transfers in batches")
    args = parser.parse_args()
    setup(args.database_url)
    filled = fill()
    if filled:
        print(f"filled in {filled:.1f} s")
    run_ledger(args.single, args.batched)
    run_risk()


if __name__ == "__main__":
    main()
