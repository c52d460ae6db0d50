"""Resource delivery (配送): a community school asks, district or commission staff fulfil."""

from __future__ import annotations

from django.db import transaction

from lifelong.catalog import access
from lifelong.catalog.models import (
    AUDIENCES,
    DeliveryEvent,
    DeliveryItem,
    DeliveryRequest,
    Resource,
    Status,
)
from lifelong.identity.api import Actor
from lifelong.shared.errors import Conflict, Invalid

OPEN_STATES = (DeliveryRequest.State.SUBMITTED, DeliveryRequest.State.IN_PROGRESS)


def _event(request: DeliveryRequest, actor: Actor, action: str, note: str = "") -> None:
    DeliveryEvent.objects.create(
        request=request, action=action, actor=actor.username, note=note[:500]
    )


@transaction.atomic
def request_delivery(
    *, actor: Actor, topic: str, audience: str, learners: int, schedule: str, notes: str = ""
) -> DeliveryRequest:
    """A community school's staff ask for resources for their learners."""
    access.require_role(actor, access.DELIVERY_REQUESTER_ROLES)
    grant = actor.grants_for(access.DELIVERY_REQUESTER_ROLES)[0]
    fields = {}
    if not (topic or "").strip():
        fields["topic"] = "必填 / required"
    if audience not in AUDIENCES:
        fields["audience"] = "未知 / unknown"
    if not 1 <= learners <= 100000:
        fields["learners"] = "1–100000"
    if not (schedule or "").strip():
        fields["schedule"] = "必填 / required"
    if fields:
        raise Invalid("输入有误 / Some fields are invalid", fields=fields)
    request = DeliveryRequest.objects.create(
        organisation_id=grant.organisation_id,
        org_path=grant.org_path,
        organisation_name=grant.organisation_name,
        topic=topic.strip()[:200],
        audience=audience,
        learners=learners,
        schedule=schedule.strip()[:200],
        notes=notes[:500],
        requested_by=actor.username,
    )
    _event(request, actor, "submitted")
    return request


@transaction.atomic
def add_delivery_items(
    *, actor: Actor, request_id: int, resource_ids: list[int], note: str = ""
) -> DeliveryRequest:
    """District or commission staff within scope add published catalog items."""
    request = access.access_delivery_by_id(actor, request_id, access.DELIVERY_FULFILLER_ROLES)
    if request.state not in OPEN_STATES:
        raise Conflict("该申请已结束 / The request is closed", code="closed")
    resources = list(Resource.objects.filter(pk__in=resource_ids, status=Status.PUBLISHED))
    if not resource_ids or len(resources) != len(set(resource_ids)):
        raise Invalid(
            "请选择已发布的课程 / Choose published courses",
            fields={"resource_ids": "无效 / invalid"},
        )
    have = set(request.items.values_list("resource_id", flat=True))
    for resource in resources:
        if resource.pk not in have:
            DeliveryItem.objects.create(
                request=request, resource=resource, note=note[:200], added_by=actor.username
            )
    request.state = DeliveryRequest.State.IN_PROGRESS
    request.save(update_fields=["state", "updated_at"])
    _event(request, actor, "items_added", ", ".join(r.title for r in resources)[:500])
    return request


@transaction.atomic
def fulfil_delivery(*, actor: Actor, request_id: int, note: str = "") -> DeliveryRequest:
    request = access.access_delivery_by_id(actor, request_id, access.DELIVERY_FULFILLER_ROLES)
    if request.state != DeliveryRequest.State.IN_PROGRESS:
        raise Conflict("请先添加配送资源 / Add resources first", code="nothing_delivered")
    request.state = DeliveryRequest.State.FULFILLED
    request.save(update_fields=["state", "updated_at"])
    _event(request, actor, "fulfilled", note)
    return request


@transaction.atomic
def cancel_delivery(*, actor: Actor, request_id: int, note: str = "") -> DeliveryRequest:
    request = access.access_delivery_by_id(actor, request_id, access.DELIVERY_REQUESTER_ROLES)
    if request.state not in OPEN_STATES:
        raise Conflict("该申请已结束 / The request is closed", code="closed")
    request.state = DeliveryRequest.State.CANCELLED
    request.save(update_fields=["state", "updated_at"])
    _event(request, actor, "cancelled", note)
    return request
