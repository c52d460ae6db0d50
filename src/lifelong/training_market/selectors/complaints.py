"""Reads of complaints: a citizen's own, a district's for its regulators, with progress."""

from __future__ import annotations

from django.core.paginator import Paginator

from lifelong.identity import api as identity
from lifelong.training_market import access
from lifelong.training_market.models import Complaint, ComplaintEvent
from lifelong.training_market.selectors.registry import MAX_PAGE_SIZE, Page


def list_complaints(
    *,
    actor: identity.Actor,
    status: str | None = None,
    mine: bool = False,
    page: int = 1,
    page_size: int = 20,
) -> Page:
    """Complaints the actor may see (their own; their district's as a supervisor), newest
    first; `mine` keeps only those they filed."""
    user_id = access.signed_in(actor)
    rows = Complaint.objects.filter(access.complaints_visible_to(actor)).select_related(
        "institution"
    )
    if mine:
        rows = rows.filter(complainant_id=user_id)
    if status:
        rows = rows.filter(status=status)
    rows = rows.order_by("-submitted_at", "-id")
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    paginator = Paginator(rows, page_size)
    number = max(1, min(page, paginator.num_pages or 1))
    return Page(list(paginator.page(number).object_list), paginator.count, number, page_size)


def complaint_with_events(
    *, actor: identity.Actor, complaint_id
) -> tuple[Complaint, list[ComplaintEvent]]:
    """The complaint, if the actor may see it, and its steps in order."""
    complaint = access.access_complaint_by_id(actor, complaint_id)
    return complaint, list(complaint.events.order_by("at", "id"))
