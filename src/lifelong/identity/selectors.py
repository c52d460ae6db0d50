"""Reads of identity data, always filtered by the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator

from lifelong.identity.access import (
    PEOPLE_MANAGER_ROLES,
    STAFF_ROLES,
    Actor,
    organisations_visible_to,
    people_visible_to,
    require_role,
)
from lifelong.identity.models import Organisation, Person

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    items: list
    count: int
    page: int
    page_size: int


def _page(queryset, page: int, page_size: int) -> Page:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    paginator = Paginator(queryset, page_size)
    number = max(1, min(page, paginator.num_pages or 1))
    return Page(list(paginator.page(number).object_list), paginator.count, number, page_size)


def list_people(
    *,
    actor: Actor,
    district_code: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page:
    require_role(actor, PEOPLE_MANAGER_ROLES)
    qs = Person.objects.filter(pk__in=Person.objects.filter(people_visible_to(actor)).values("pk"))
    if district_code:
        qs = qs.filter(residence_code__startswith=district_code)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return _page(qs.order_by("created_at", "id"), page, page_size)


def list_organisations(
    *,
    actor: Actor,
    kind: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page:
    require_role(actor, STAFF_ROLES)
    qs = Organisation.objects.filter(organisations_visible_to(actor))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__contains=q.strip())
    return _page(qs.order_by("path"), page, page_size)
