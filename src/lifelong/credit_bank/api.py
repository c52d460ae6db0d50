"""Public interface of credit_bank for the domains above it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["ArchiveSummary", "archive_summary", "load_demo"]


@dataclass(frozen=True)
class ArchiveSummary:
    person_id: str
    outcomes: int
    certified: int
    credits: Decimal


def archive_summary(person_id) -> ArchiveSummary:
    """How many outcomes a person's learning archive holds and their certified credits (all
    zero when the person has no archive). For dashboards and "my page"; no access check, so
    show it only to the person themself or staff in scope."""
    from django.db.models import Count, Q, Sum

    from lifelong.credit_bank.models import Outcome

    row = Outcome.objects.filter(archive__person_id=person_id).aggregate(
        outcomes=Count("pk"),
        certified=Count("pk", filter=Q(status=Outcome.Status.CERTIFIED)),
        credits=Sum("credits", filter=Q(status=Outcome.Status.CERTIFIED)),
    )
    return ArchiveSummary(
        str(person_id), row["outcomes"], row["certified"], row["credits"] or Decimal(0)
    )


def load_demo() -> dict[str, int]:
    """Create the credit bank's Shanghai demo data (idempotent); called by `lifelong
    load_demo` after the lower domains' loaders."""
    from lifelong.credit_bank.demo import load_demo as load

    return load()
