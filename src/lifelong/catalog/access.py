"""Who may see and change what in the catalog. Published resources are public; drafts are
seen by their provider organisation's staff and by the reviewers whose scope covers it (a
district officer: the organisations under the district bureau; the commission: everything).
Enrolments, progress and points belong to their person alone."""

from __future__ import annotations

from django.db.models import Q

from lifelong.catalog.models import DeliveryRequest, Enrolment, Resource, Status
from lifelong.identity.api import Actor
from lifelong.shared.errors import Forbidden, NotFound, Unauthenticated

PROVIDER_ROLES = frozenset(
    {"institution_staff", "school_staff", "district_officer", "commission_officer"}
)
REVIEWER_ROLES = frozenset({"district_officer", "commission_officer"})
CATEGORY_EDITOR_ROLES = frozenset({"commission_officer"})
DELIVERY_REQUESTER_ROLES = frozenset({"school_staff"})
DELIVERY_FULFILLER_ROLES = REVIEWER_ROLES


def require_signed_in(actor: Actor) -> None:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")


def require_person(actor: Actor) -> str:
    """The actor's person id: learning is done by a person, not by a system account."""
    require_signed_in(actor)
    if not actor.person_id:
        raise Forbidden(
            "该账号没有关联市民身份，不能报名学习 / This account is not a person and cannot learn"
        )
    return actor.person_id


def require_role(actor: Actor, roles: frozenset[str]) -> None:
    require_signed_in(actor)
    if not actor.grants_for(roles):
        raise Forbidden("您的角色不能执行此操作 / Your role may not do this")


def _subtree_filter(actor: Actor, roles: frozenset[str], field: str) -> Q | None:
    """Q over `field` (a materialised org path) for the actor's grants in `roles`; an empty Q
    for a city-wide grant; None when no grant applies."""
    q: Q | None = None
    for grant in actor.grants_for(roles):
        if grant.city_wide:
            return Q()
        part = Q(**{f"{field}__startswith": grant.org_path})
        q = part if q is None else q | part
    return q


def resources_managed_by(actor: Actor) -> Q:
    """Filter on Resource: what the actor may see unpublished (as provider or reviewer)."""
    q = _subtree_filter(actor, PROVIDER_ROLES | REVIEWER_ROLES, "provider_path")
    return q if q is not None else Q(pk__in=[])


def resources_reviewable_by(actor: Actor) -> Q:
    q = _subtree_filter(actor, REVIEWER_ROLES, "provider_path")
    return q if q is not None else Q(pk__in=[])


def access_resource_by_id(actor: Actor, resource_id, *, manage: bool = False) -> Resource:
    """A published resource for anyone; an unpublished one only within the actor's scope.
    With `manage`, only within the actor's provider or reviewer scope, published or not."""
    visible = resources_managed_by(actor)
    if not manage:
        visible |= Q(status=Status.PUBLISHED)
    try:
        return (
            Resource.objects.select_related("category", "district", "provider")
            .filter(visible)
            .get(pk=resource_id)
        )
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该课程 / No such course") from None


def access_enrolment_by_id(actor: Actor, enrolment_id) -> Enrolment:
    """The actor's own enrolment; anyone else's is NotFound, as if it did not exist."""
    person_id = require_person(actor)
    try:
        return Enrolment.objects.select_related("resource", "resource__category").get(
            pk=enrolment_id, person_id=person_id
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该报名 / No such enrolment") from None


def deliveries_visible_to(actor: Actor) -> Q:
    q = _subtree_filter(actor, DELIVERY_REQUESTER_ROLES | DELIVERY_FULFILLER_ROLES, "org_path")
    return q if q is not None else Q(pk__in=[])


def access_delivery_by_id(actor: Actor, request_id, roles: frozenset[str]) -> DeliveryRequest:
    require_role(actor, roles)
    q = _subtree_filter(actor, roles, "org_path")
    try:
        return DeliveryRequest.objects.filter(q if q is not None else Q(pk__in=[])).get(
            pk=request_id
        )
    except (DeliveryRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该配送申请 / No such delivery request") from None
