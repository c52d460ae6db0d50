"""The public look-up of institutions (no login): licensed? escrow in place? penalties and
complaints on record? And the registry reads for supervisors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.errors import NotFound
from lifelong.training_market import access
from lifelong.training_market.models import (
    Category,
    Complaint,
    CreditListEntry,
    EscrowAgreement,
    Institution,
    InstitutionStatus,
    PenaltyCase,
)

MAX_PAGE_SIZE = 100
PUBLIC_PENALTY_STATUSES = ("decided", "executed")


@dataclass(frozen=True)
class PublicInstitution:
    id: int
    name: str
    uscc: str
    district_code: str
    district_name: str
    district_name_en: str
    address: str
    for_profit: bool
    categories: list[str]
    status: str
    status_label: str
    licensed: bool
    licence_number: str
    licence_valid_until: dt.date | None
    escrow: bool
    penalties: int
    complaints: int
    joint_punishment: bool


@dataclass(frozen=True)
class Page:
    items: list
    count: int
    page: int
    page_size: int


def district_names() -> dict[str, tuple[str, str]]:
    """District code → (Chinese name, English name)."""
    return {d.code: (d.name, d.name_en) for d in identity.districts()}


def _public_rows():
    today = clock.today()
    return Institution.objects.annotate(
        has_escrow=Exists(
            EscrowAgreement.objects.filter(institution=OuterRef("pk"), closed_on__isnull=True)
        ),
        penalty_count=Count(
            "penalty_cases",
            filter=Q(penalty_cases__status__in=PUBLIC_PENALTY_STATUSES),
            distinct=True,
        ),
        complaint_count=Count(
            "complaints", filter=~Q(complaints__status="rejected"), distinct=True
        ),
        on_joint_list=Exists(
            CreditListEntry.objects.filter(
                Q(until__isnull=True) | Q(until__gte=today),
                institution=OuterRef("pk"),
                list="joint_punishment",
                listed_on__lte=today,
            )
        ),
    ).prefetch_related("categories")


def _public(row: Any, names: dict[str, tuple[str, str]]) -> PublicInstitution:
    """`row` is an Institution annotated by `_public_rows`."""
    name, name_en = names.get(row.district_id, (row.district_id, row.district_id))
    return PublicInstitution(
        id=row.pk,
        name=row.name,
        uscc=row.uscc,
        district_code=row.district_id,
        district_name=name,
        district_name_en=name_en,
        address=row.address,
        for_profit=row.for_profit,
        categories=sorted(c.category for c in row.categories.all()),
        status=row.status,
        status_label=str(InstitutionStatus(row.status).label),
        licensed=access.licence_valid(row),
        licence_number=row.licence_number,
        licence_valid_until=row.licence_valid_until,
        escrow=row.has_escrow,
        penalties=row.penalty_count,
        complaints=row.complaint_count,
        joint_punishment=row.on_joint_list,
    )


def look_up_institutions(
    *,
    q: str | None = None,
    district_code: str | None = None,
    category: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page:
    """Institutions whose name contains `q` (or whose USCC is `q`), for anyone."""
    rows = _public_rows()
    term = (q or "").strip()
    if term:
        rows = rows.filter(Q(name__icontains=term) | Q(uscc=term.upper()))
    if district_code:
        rows = rows.filter(district_id=district_code)
    if category:
        if category not in Category.values:
            return Page([], 0, 1, page_size)
        rows = rows.filter(categories__category=category)
    rows = rows.order_by("name", "pk")
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    paginator = Paginator(rows, page_size)
    number = max(1, min(page, paginator.num_pages or 1))
    names = district_names()
    items = [_public(r, names) for r in paginator.page(number).object_list]
    return Page(items, paginator.count, number, page_size)


@dataclass(frozen=True)
class PremisesInfo:
    address: str
    lease_end: dt.date


@dataclass(frozen=True)
class BranchInfo:
    name: str
    address: str
    district_code: str


@dataclass(frozen=True)
class PenaltyInfo:
    title: str
    status: str
    decided_at: dt.datetime | None
    decision: str


@dataclass(frozen=True)
class CreditInfo:
    list: str
    list_label: str
    reason: str
    listed_on: dt.date
    until: dt.date | None


@dataclass(frozen=True)
class InstitutionDetail:
    institution: PublicInstitution
    premises: list[PremisesInfo]
    branches: list[BranchInfo]
    penalties: list[PenaltyInfo]
    credit_entries: list[CreditInfo]
    complaints_resolved: int
    complaints_open: int


def public_institution(institution_id) -> InstitutionDetail:
    """One institution's public page: registry facts, premises (addresses), decided
    penalties, public list entries and complaint counts. `NotFound` if there is none."""
    try:
        row = _public_rows().get(pk=institution_id)
    except (Institution.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(access.NO_INSTITUTION) from None
    premises = [PremisesInfo(p.address, p.lease_end) for p in row.premises.all()]
    branches = [
        BranchInfo(b.name, b.address, b.district_id)
        for b in row.branches.filter(closed_on__isnull=True)
    ]
    penalties = [
        PenaltyInfo(c.title, c.status, c.decided_at, c.decision)
        for c in PenaltyCase.objects.filter(
            institution=row, status__in=PUBLIC_PENALTY_STATUSES
        ).order_by("-decided_at", "-id")
    ]
    credits = [
        CreditInfo(e.list, str(e.get_list_display()), e.reason, e.listed_on, e.until)
        for e in row.credit_entries.order_by("-listed_on", "-id")
    ]
    counts = Complaint.objects.filter(institution=row).aggregate(
        resolved=Count("pk", filter=Q(status="resolved")),
        open=Count("pk", filter=Q(status__in=("submitted", "accepted", "investigating"))),
    )
    return InstitutionDetail(
        _public(row, district_names()),
        premises,
        branches,
        penalties,
        credits,
        counts["resolved"],
        counts["open"],
    )
