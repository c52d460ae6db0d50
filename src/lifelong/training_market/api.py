"""Public interface of training_market for the domains above it (the portal)."""

from __future__ import annotations

from dataclasses import dataclass

from lifelong.training_market.demo import load_demo

__all__ = ["MarketSummary", "load_demo", "market_summary"]


@dataclass(frozen=True)
class MarketSummary:
    institutions: int
    with_escrow: int
    open_complaints: int


def market_summary() -> MarketSummary:
    """City-wide figures for a dashboard: institutions registered, how many keep an open
    escrow account, and complaints not yet closed."""
    from lifelong.training_market.models import Complaint, EscrowAgreement, Institution

    return MarketSummary(
        institutions=Institution.objects.count(),
        with_escrow=EscrowAgreement.objects.filter(closed_on__isnull=True)
        .values("institution_id")
        .distinct()
        .count(),
        open_complaints=Complaint.objects.filter(
            status__in=("submitted", "accepted", "investigating")
        ).count(),
    )
