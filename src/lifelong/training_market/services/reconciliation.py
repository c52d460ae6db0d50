"""Daily reconciliation of an institution's escrow account against the bank's statement:
every movement of the day on either side is matched by reference (the payment callback's
idempotency key, the bank's reference for a settled transfer, or the transaction id), and
every difference is recorded: missing on one side, a different amount, a different opening or
closing balance."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.errors import Invalid
from lifelong.training_market import access
from lifelong.training_market.common import audit, text
from lifelong.training_market.models import (
    BankStatement,
    Mismatch,
    Posting,
    StatementLine,
)
from lifelong.training_market.money import parse_amount

MAX_LINES = 10_000


@dataclass(frozen=True)
class LineIn:
    reference: str
    amount: str


def signed_fen(raw: object, field: str) -> int:
    """ "-12.30" → −1230: the statement's amounts are signed (money out is negative)."""
    value = raw.strip() if isinstance(raw, str) else raw
    if isinstance(value, str) and value.startswith("-"):
        return -parse_amount(value[1:], field=field)
    return parse_amount(value, field=field, allow_zero=True)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=clock.SHANGHAI)
    return start, start + dt.timedelta(days=1)


def _ledger_moves(institution_id: int, day: dt.date) -> dict[str, tuple[int, uuid.UUID]]:
    """The day's escrow movements by reference: (signed fen, transaction id)."""
    start, end = _day_bounds(day)
    moves: dict[str, tuple[int, uuid.UUID]] = {}
    rows = Posting.objects.filter(
        institution_id=institution_id,
        account__kind="escrow",
        transaction__occurred_at__gte=start,
        transaction__occurred_at__lt=end,
    ).values_list(
        "amount_fen",
        "transaction_id",
        "transaction__idempotency_key",
        "transaction__bank_reference",
    )
    for amount, txn_id, key, bank_reference in rows:
        reference = key or bank_reference or str(txn_id)
        previous = moves.get(reference, (0, txn_id))[0]
        moves[reference] = (previous + amount, txn_id)
    return moves


def escrow_balance_at(institution_id: int, moment: dt.datetime) -> int:
    total = Posting.objects.filter(
        institution_id=institution_id, account__kind="escrow", transaction__occurred_at__lt=moment
    ).aggregate(total=Sum("amount_fen"))["total"]
    return total or 0


@transaction.atomic
def import_statement(
    *,
    actor: identity.Actor,
    institution_id: int,
    statement_date: dt.date,
    opening_balance: str,
    closing_balance: str,
    lines: list[LineIn],
) -> BankStatement:
    """Import one day's statement of the institution's escrow account (the escrow bank's
    system account, or a regulator) and reconcile it at once."""
    access.require_role(actor, access.BANK_ROLES | access.ENFORCER_ROLES)
    institution = access.access_institution_by_id(
        actor, institution_id, access.BANK_ROLES | access.SUPERVISOR_ROLES
    )
    if statement_date >= clock.today() + dt.timedelta(days=1):
        raise Invalid(
            "对账日期不能是将来 / The statement date is in the future",
            fields={"statement_date": "无效"},
        )
    if len(lines) > MAX_LINES:
        raise Invalid("对账单行数过多 / Too many lines", fields={"lines": f"≤ {MAX_LINES}"})
    parsed: list[StatementLine] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        reference = text(line.reference, f"lines.{i}.reference", max_length=100)
        if reference in seen:
            raise Invalid(
                "流水号重复 / A reference appears twice", fields={f"lines.{i}.reference": reference}
            )
        seen.add(reference)
        parsed.append(
            StatementLine(
                reference=reference, amount_fen=signed_fen(line.amount, f"lines.{i}.amount")
            )
        )
    statement = BankStatement.objects.create(
        institution=institution,
        statement_date=statement_date,
        opening_fen=signed_fen(opening_balance, "opening_balance"),
        closing_fen=signed_fen(closing_balance, "closing_balance"),
        imported_by_id=access.signed_in(actor),
    )
    for row in parsed:
        row.statement = statement
    StatementLine.objects.bulk_create(parsed)
    mismatches = reconcile(statement, parsed)
    audit(
        actor,
        "statement.import",
        "institution",
        institution.pk,
        statement_id=statement.pk,
        mismatches=len(mismatches),
    )
    return statement


def reconcile(statement: BankStatement, lines: list[StatementLine]) -> list[Mismatch]:
    ledger = _ledger_moves(statement.institution_id, statement.statement_date)
    bank = {line.reference: line.amount_fen for line in lines}
    found: list[Mismatch] = []
    for reference, amount in bank.items():
        if reference not in ledger:
            found.append(Mismatch(kind="missing_in_ledger", reference=reference, bank_fen=amount))
        elif ledger[reference][0] != amount:
            found.append(
                Mismatch(
                    kind="amount_differs",
                    reference=reference,
                    bank_fen=amount,
                    ledger_fen=ledger[reference][0],
                    transaction_id=ledger[reference][1],
                )
            )
    for reference, (amount, txn_id) in ledger.items():
        if reference not in bank:
            found.append(
                Mismatch(
                    kind="missing_in_statement",
                    reference=reference,
                    ledger_fen=amount,
                    transaction_id=txn_id,
                )
            )
    start, end = _day_bounds(statement.statement_date)
    opening = escrow_balance_at(statement.institution_id, start)
    closing = escrow_balance_at(statement.institution_id, end)
    if opening != statement.opening_fen:
        found.append(
            Mismatch(kind="opening_differs", ledger_fen=opening, bank_fen=statement.opening_fen)
        )
    if closing != statement.closing_fen:
        found.append(
            Mismatch(kind="closing_differs", ledger_fen=closing, bank_fen=statement.closing_fen)
        )
    for mismatch in found:
        mismatch.statement = statement
    Mismatch.objects.bulk_create(found)
    return found
