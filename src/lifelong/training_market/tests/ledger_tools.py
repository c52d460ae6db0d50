"""Test tools that reach below the services, to show that the database itself refuses what
breaks the ledger's invariants."""

from __future__ import annotations

from django.db import connection

from lifelong.training_market.models import Account
from lifelong.training_market.services.ledger import accounts_of, post_transaction


def check_deferred_now() -> None:
    """Run the checks a commit would run (deferred foreign keys; on PostgreSQL the deferred
    zero-sum constraint trigger) without committing: the test transaction is rolled back."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        connection.check_constraints()


def raw_post(institution_id: int, kind: str, legs_by_kind: dict[str, int], contract_id=None, **kw):
    """Post legs given by account kind, bypassing every rule the services check."""
    accounts = accounts_of(institution_id, contract_id)
    return post_transaction(
        institution_id=institution_id,
        kind=kind,
        contract_id=contract_id,
        legs=[(accounts[k], fen) for k, fen in legs_by_kind.items()],
        **kw,
    )


def balance_of(institution_id: int, kind: str, contract_id=None) -> int:
    rows = Account.objects.filter(institution_id=institution_id, kind=kind)
    if contract_id is not None:
        rows = rows.filter(contract_id=contract_id)
    return rows.get().balance_fen
