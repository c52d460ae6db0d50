"""The demo ledger writer: every transfer of the demo contracts collected as plain rows and
written in the order the ledger's invariants need (postings before their transactions)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import connection

from lifelong.shared import clock
from lifelong.training_market.models import (
    Contract,
    RefundRequest,
)
from lifelong.training_market.services.ledger import transfer_legs


@dataclass(frozen=True)
class Txn:
    id: uuid.UUID
    amount_fen: int


@dataclass
class Batch:
    """Ledger rows collected in the order the invariants need them inserted, written with
    plain multi-row inserts (the triggers still check and apply every row)."""

    accounts: dict[int, dict[str, int]] = field(default_factory=dict)
    prepaid: dict = field(default_factory=dict)
    phases: dict[str, list[tuple]] = field(default_factory=dict)
    pending: list[tuple] = field(default_factory=list)
    settlements: list[tuple] = field(default_factory=list)
    consumptions: list[tuple] = field(default_factory=list)
    refunds: list[RefundRequest] = field(default_factory=list)

    def post(
        self,
        phase: str,
        contract: Contract | None,
        institution_id: int,
        kind: str,
        fen: int,
        at: dt.datetime,
        *,
        settles: Txn | None = None,
        key: str | None = None,
    ) -> Txn:
        accounts = dict(self.accounts[institution_id])
        if contract is not None:
            accounts["learner_prepaid"] = self.prepaid[contract.pk]
        txn = Txn(uuid.uuid4(), fen)
        contract_id = contract.pk if contract else None
        for account_id, amount in sorted(transfer_legs(kind, accounts, fen)):
            self.phases.setdefault(phase, []).append(
                (txn.id, account_id, institution_id, contract_id, kind, amount)
            )
        row = (
            txn.id,
            institution_id,
            contract_id,
            kind,
            fen,
            key,
            settles.id if settles else None,
            at,
        )
        (self.settlements if settles else self.pending).append(row)
        return txn

    def flush(self) -> int:
        ops = connection.ops
        native = connection.features.has_native_uuid_field

        def u(value):
            return value if native or value is None else value.hex

        now = ops.adapt_datetimefield_value(clock.now())
        with connection.cursor() as cursor:
            for phase in (
                "payment",
                "reserve",
                "release",
                "release_settle",
                "refund",
                "refund_settle",
            ):
                if phase == "release":
                    cursor.executemany(
                        "INSERT INTO training_market_consumption "
                        "(contract_id, hours, taught_on, recorded_by_id, created_at) "
                        "VALUES (%s, %s, %s, NULL, %s)",
                        [
                            (u(c), h, ops.adapt_datefield_value(d), now)
                            for c, h, d in self.consumptions
                        ],
                    )
                cursor.executemany(
                    "INSERT INTO training_market_posting (transaction_id, account_id, "
                    "institution_id, contract_id, kind, amount_fen, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (u(t), a, i, u(c), k, f, now)
                        for t, a, i, c, k, f in self.phases.get(phase, [])
                    ],
                )
            for rows in (self.pending, self.settlements):
                cursor.executemany(
                    "INSERT INTO training_market_ledgertransaction (id, institution_id, "
                    "contract_id, kind, amount_fen, idempotency_key, settles_id, bank_reference, "
                    "note, occurred_at, created_by_id, on_behalf_of, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', %s, NULL, '', %s)",
                    [
                        (u(t), i, u(c), k, f, key, u(s), ops.adapt_datetimefield_value(at), now)
                        for t, i, c, k, f, key, s, at in rows
                    ],
                )
        RefundRequest.objects.bulk_create(self.refunds, batch_size=2000)
        return len(self.pending) + len(self.settlements)
