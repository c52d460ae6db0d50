"""Public interface of learning_records for the domains above it.

Our own course progress is written as xAPI statements, so outside content and ours share one
record. Learners of Lifelong are identified by an xAPI account on the platform's home page whose
name is the person's UUID (see `agent_for_person`).
"""

from __future__ import annotations

from lifelong.learning_records import selectors, services
from lifelong.learning_records.platform import (
    PLATFORM_CLIENT,
    PLATFORM_HOME_PAGE,
    agent_for_person,
)

__all__ = [
    "PLATFORM_CLIENT",
    "PLATFORM_HOME_PAGE",
    "agent_for_person",
    "load_demo",
    "record_statement",
    "statements_for_agent",
]


def record_statement(statement: dict, *, client_name: str = PLATFORM_CLIENT) -> str:
    """Validate and store one xAPI 1.0.3 statement with the client's authority; return its id.

    `client_name` is the key of a registered LRS client; by default the platform's own, whose
    authority replaces whatever the statement claims. Idempotent on the statement id: the same
    statement again is a no-op returning the same id (give statements an `id` to rely on
    this). Raises `lifelong.shared.errors.Invalid` for a statement the specification calls
    invalid and `lifelong.shared.errors.Conflict` when the id is stored with other content.
    The caller's dict is not modified.
    """
    return services.record_statement(statement=statement, client_name=client_name)


def statements_for_agent(
    account_name: str, *, verb: str | None = None, limit: int = 100
) -> list[dict]:
    """Statements (not voided) whose actor is our account `account_name`, newest stored first.

    `account_name` is the account name on the platform's home page (a person UUID); `verb` is
    an optional verb IRI; `limit` is capped at 1000. Each item is the statement as stored.
    """
    return selectors.statements_for_agent(account_name=account_name, verb=verb, limit=limit)


def load_demo() -> dict[str, int]:
    """Register the demo LRS client `demo-lrs` and the internal client `lifelong` (idempotent)."""
    return services.load_demo_clients()
