"""The publishing workflow: providers write drafts, submit them for review, and commission or
district staff within scope approve (publish) or reject them, correct them and take them
down; commission staff keep the categories. Every change to what is published goes through
`search.index` in the same transaction, so the search index never lags the catalog."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from lifelong.catalog import access
from lifelong.catalog.models import (
    AUDIENCES,
    Category,
    Kind,
    Resource,
    ReviewEvent,
    Status,
    Unit,
    UnitKind,
)
from lifelong.catalog.search import index
from lifelong.identity.api import Actor
from lifelong.shared import clock
from lifelong.shared.api import get_region, record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound

# What `update_resource` may change; the format and the provider are fixed once drafted.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "description",
        "category",
        "audience",
        "district_code",
        "fee",
        "accessibility_notes",
        "is_senior_mooc",
        "starts_at",
        "ends_at",
        "stream_url",
        "replay_url",
        "capacity",
        "venue",
        "place_ref",
        "completion_percent",
        "requires_quiz_pass",
    }
)


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise Invalid("未知的分类 / Unknown category", fields={"category": "未知 / unknown"})
    return category


def _event(resource: Resource, actor: Actor, action: str, note: str = "") -> None:
    ReviewEvent.objects.create(
        resource=resource,
        action=action,
        actor_id=str(actor.user_id),
        actor_label=actor.username,
        note=note[:500],
    )


def _checked(
    *,
    kind: str,
    title: str,
    audience: list[str],
    district_code: str | None,
    fee: Decimal,
    is_senior_mooc: bool,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    completion_percent: int,
) -> str:
    """The rules every resource keeps, for a new draft and for a change alike; the title,
    stripped."""
    title = (title or "").strip()
    if not title:
        raise Invalid("标题不能为空 / A title is required", fields={"title": "必填 / required"})
    if kind not in Kind.values:
        raise Invalid("未知的形式 / Unknown format", fields={"kind": "未知 / unknown"})
    unknown = set(audience) - set(AUDIENCES)
    if unknown:
        raise Invalid(
            "未知的对象 / Unknown audience", fields={"audience": ", ".join(sorted(unknown))}
        )
    if is_senior_mooc and kind != Kind.MOOC:
        raise Invalid(
            "只有慕课可以标为老年慕课 / Only a MOOC can be a senior MOOC",
            fields={"is_senior_mooc": "须为慕课 / must be a MOOC"},
        )
    if kind == Kind.LIVE and not (starts_at and ends_at):
        raise Invalid(
            "空中课堂须有开始和结束时间 / A live class needs start and end times",
            fields={"starts_at": "必填 / required", "ends_at": "必填 / required"},
        )
    if starts_at and ends_at and ends_at <= starts_at:
        raise Invalid(
            "结束时间须晚于开始时间 / It must end after it starts",
            fields={"ends_at": "≤ starts_at"},
        )
    if fee < 0:
        raise Invalid("费用不能为负 / The fee cannot be negative", fields={"fee": "≥ 0"})
    if not 1 <= completion_percent <= 100:
        raise Invalid(
            "完成比例为1–100 / Completion is 1–100 %", fields={"completion_percent": "1–100"}
        )
    if district_code:
        region = get_region(district_code)
        if region is None or region.level != "district":
            raise Invalid("未知的区 / Unknown district", fields={"district_code": "未知 / unknown"})
    return title


@transaction.atomic
def create_resource(
    *,
    actor: Actor,
    kind: str,
    title: str,
    category: str,
    summary: str = "",
    description: str = "",
    audience: list[str] | None = None,
    district_code: str | None = None,
    fee: Decimal = Decimal(0),
    accessibility_notes: str = "",
    is_senior_mooc: bool = False,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    stream_url: str = "",
    capacity: int | None = None,
    venue: str = "",
    place_ref: str = "",
    completion_percent: int = 100,
    requires_quiz_pass: bool = True,
) -> Resource:
    """A provider's new draft, owned by the provider organisation of the actor's role. A draft
    is not searchable: it enters the search index when it is published."""
    access.require_role(actor, access.PROVIDER_ROLES)
    grant = actor.grants_for(access.PROVIDER_ROLES)[0]
    chosen = set(audience or [])
    title = _checked(
        kind=kind,
        title=title,
        audience=list(chosen),
        district_code=district_code,
        fee=fee,
        is_senior_mooc=is_senior_mooc,
        starts_at=starts_at,
        ends_at=ends_at,
        completion_percent=completion_percent,
    )
    resource = Resource.objects.create(
        kind=kind,
        title=title[:200],
        summary=summary[:500],
        description=description,
        category=_category(category),
        provider_id=grant.organisation_id,
        provider_path=grant.org_path,
        district_id=district_code or None,
        for_seniors="seniors" in chosen,
        for_youth="youth" in chosen,
        for_white_collar="white_collar" in chosen,
        for_workers="workers" in chosen,
        fee=fee,
        accessibility_notes=accessibility_notes[:500],
        is_senior_mooc=is_senior_mooc,
        starts_at=starts_at,
        ends_at=ends_at,
        stream_url=stream_url,
        capacity=capacity,
        venue=venue[:200],
        place_ref=place_ref[:64],
        completion_percent=completion_percent,
        requires_quiz_pass=requires_quiz_pass,
        created_by=actor.username,
    )
    _event(resource, actor, "created")
    return resource


def _editable(actor: Actor, resource_id: int) -> Resource:
    resource = access.access_resource_by_id(actor, resource_id, manage=True)
    if not actor.grants_for(access.PROVIDER_ROLES):
        raise NotFound("找不到该课程 / No such course")
    if resource.status not in (Status.DRAFT,):
        raise Conflict("只有草稿可以修改 / Only a draft can be changed", code="not_draft")
    return resource


@transaction.atomic
def add_unit(
    *,
    actor: Actor,
    resource_id: int,
    title: str,
    kind: str,
    media_url: str = "",
    captions_url: str = "",
    duration_seconds: int = 0,
    body: str = "",
    questions: list[dict] | None = None,
    pass_score: int = 60,
    required: bool = True,
) -> Unit:
    """Append a unit to a draft."""
    resource = _editable(actor, resource_id)
    if kind not in UnitKind.values:
        raise Invalid("未知的单元类型 / Unknown unit kind", fields={"kind": "未知 / unknown"})
    if kind == UnitKind.QUIZ:
        _check_questions(questions or [])
    last = resource.units.order_by("-position").values_list("position", flat=True).first() or 0
    return Unit.objects.create(
        resource=resource,
        position=last + 1,
        title=title[:200],
        kind=kind,
        media_url=media_url[:500],
        captions_url=captions_url[:500],
        duration_seconds=duration_seconds,
        body=body,
        questions=questions or [],
        pass_score=pass_score,
        required=required,
    )


def _check_questions(questions: list[dict]) -> None:
    if not questions:
        raise Invalid("测验至少一道题 / A quiz needs questions", fields={"questions": "必填"})
    for i, q in enumerate(questions):
        options = q.get("options") or []
        answer = q.get("answer")
        if (
            not str(q.get("question") or "").strip()
            or len(options) < 2
            or not isinstance(answer, int)
            or not 0 <= answer < len(options)
        ):
            raise Invalid(
                "题目须有题干、至少两个选项和正确答案 / Each question needs text, two options "
                "and the right answer",
                fields={f"questions.{i}": "无效 / invalid"},
            )


@transaction.atomic
def submit_for_review(*, actor: Actor, resource_id: int) -> Resource:
    resource = _editable(actor, resource_id)
    if resource.kind in (Kind.COURSE, Kind.MOOC) and not resource.units.exists():
        raise Invalid(
            "课程至少需要一个单元 / A course needs at least one unit", fields={"units": "必填"}
        )
    resource.status = Status.IN_REVIEW
    resource.submitted_at = clock.now()
    resource.review_note = ""
    resource.save(update_fields=["status", "submitted_at", "review_note", "updated_at"])
    _event(resource, actor, "submitted")
    return resource


def _reviewable(actor: Actor, resource_id: int) -> Resource:
    access.require_role(actor, access.REVIEWER_ROLES)
    try:
        resource = Resource.objects.select_related("category", "provider").get(
            access.resources_reviewable_by(actor), pk=resource_id
        )
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该课程 / No such course") from None
    if resource.status != Status.IN_REVIEW:
        raise Conflict("该课程不在审核中 / The course is not awaiting review", code="not_in_review")
    return resource


@transaction.atomic
def approve_resource(*, actor: Actor, resource_id: int, note: str = "") -> Resource:
    """Publish a resource under review (reviewers within scope)."""
    resource = _reviewable(actor, resource_id)
    resource.status = Status.PUBLISHED
    resource.published_at = clock.now()
    resource.review_note = note[:500]
    resource.save(update_fields=["status", "published_at", "review_note", "updated_at"])
    index.reindex([resource.pk])
    _event(resource, actor, "approved", note)
    record_audit(
        action="catalog.resource_published",
        actor_id=actor.user_id or "",
        actor_label=actor.username,
        role=actor.primary_role,
        object_type="catalog.resource",
        object_id=str(resource.pk),
    )
    return resource


@transaction.atomic
def reject_resource(*, actor: Actor, resource_id: int, note: str) -> Resource:
    """Send a resource back to its provider as a draft, saying why."""
    if not (note or "").strip():
        raise Invalid(
            "请填写退回理由 / Say why it is sent back", fields={"note": "必填 / required"}
        )
    resource = _reviewable(actor, resource_id)
    resource.status = Status.DRAFT
    resource.review_note = note[:500]
    resource.save(update_fields=["status", "review_note", "updated_at"])
    _event(resource, actor, "rejected", note)
    return resource


def _changeable(actor: Actor, resource_id: int) -> Resource:
    """A resource the actor may change: a reviewer anything within scope, published or not;
    a provider only its own drafts."""
    resource = access.access_resource_by_id(actor, resource_id, manage=True)
    if Resource.objects.filter(access.resources_reviewable_by(actor), pk=resource.pk).exists():
        return resource
    return _editable(actor, resource_id)


def _updated(actor: Actor, resource_id: int, changes: dict[str, Any]) -> Resource:
    """The resource with `changes` applied and checked against every rule, not saved."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise Invalid(
            "这些字段不能修改 / These fields cannot be changed",
            fields={name: "不可修改 / not editable" for name in sorted(unknown)},
        )
    for name in ("stream_url", "replay_url"):
        if len(changes.get(name) or "") > 200:
            raise Invalid("链接过长 / The address is too long", fields={name: "≤ 200"})
    if changes.get("capacity") is not None and changes["capacity"] < 1:
        raise Invalid("名额至少为1 / The capacity is at least 1", fields={"capacity": "≥ 1"})
    resource = _changeable(actor, resource_id)
    audience = set(changes.pop("audience", resource.audience))
    district_code = changes.pop("district_code", resource.district_id)
    category = changes.pop("category", None)
    for name, value in changes.items():
        setattr(resource, name, value)
    resource.title = _checked(
        kind=resource.kind,
        title=resource.title,
        audience=list(audience),
        district_code=district_code or None,
        fee=resource.fee,
        is_senior_mooc=resource.is_senior_mooc,
        starts_at=resource.starts_at,
        ends_at=resource.ends_at,
        completion_percent=resource.completion_percent,
    )[:200]
    if category is not None:
        resource.category = _category(category)
    resource.district_id = district_code or None
    for code, flag in zip(
        AUDIENCES, ("for_seniors", "for_youth", "for_white_collar", "for_workers"), strict=True
    ):
        setattr(resource, flag, code in audience)
    resource.summary = (resource.summary or "")[:500]
    resource.accessibility_notes = (resource.accessibility_notes or "")[:500]
    resource.venue = (resource.venue or "")[:200]
    resource.place_ref = (resource.place_ref or "")[:64]
    return resource


def check_resource_update(*, actor: Actor, resource_id: int, **changes: Any) -> None:
    """Raise whatever `update_resource` would raise for these changes, changing nothing (the
    back office checks a form with it before saving)."""
    _updated(actor, resource_id, dict(changes))


@transaction.atomic
def update_resource(*, actor: Actor, resource_id: int, note: str = "", **changes: Any) -> Resource:
    """Change what a resource says (any of `EDITABLE_FIELDS`; `category` is a code, `audience`
    a list of codes, `district_code` "" for none). Reviewers within scope may change any
    resource, providers their drafts. A published resource is re-filed in the search index
    in the same transaction; every change is recorded and audited."""
    resource = _updated(actor, resource_id, dict(changes))
    resource.save()
    if resource.search_slot is not None or resource.status == Status.PUBLISHED:
        index.reindex([resource.pk])
    _event(resource, actor, "edited", note)
    record_audit(
        action="catalog.resource_edited",
        actor_id=actor.user_id or "",
        actor_label=actor.username,
        role=actor.primary_role,
        object_type="catalog.resource",
        object_id=str(resource.pk),
    )
    return resource


@transaction.atomic
def archive_resource(*, actor: Actor, resource_id: int, note: str = "") -> Resource:
    """Take a published resource down (下架): it leaves the catalog and the search index at
    once; enrolments and certificates stay. Reviewers within scope, or the provider's staff."""
    access.require_role(actor, access.PROVIDER_ROLES | access.REVIEWER_ROLES)
    resource = access.access_resource_by_id(actor, resource_id, manage=True)
    if resource.status != Status.PUBLISHED:
        raise Conflict(
            "只有已发布的课程可以下架 / Only a published course can be taken down",
            code="not_published",
        )
    index.withdraw([resource.pk])
    resource.status = Status.ARCHIVED
    resource.review_note = note[:500]
    resource.save(update_fields=["status", "review_note", "updated_at"])
    _event(resource, actor, "archived", note)
    record_audit(
        action="catalog.resource_archived",
        actor_id=actor.user_id or "",
        actor_label=actor.username,
        role=actor.primary_role,
        object_type="catalog.resource",
        object_id=str(resource.pk),
    )
    return resource


@transaction.atomic
def save_category(
    *,
    actor: Actor,
    code: str,
    name: str,
    name_en: str = "",
    parent: str | None = None,
    position: int = 0,
    active: bool = True,
) -> Category:
    """Create or change a category (commission staff)."""
    access.require_role(actor, access.CATEGORY_EDITOR_ROLES)
    name = (name or "").strip()
    if not name:
        raise Invalid("名称不能为空 / A name is required", fields={"name": "必填 / required"})
    parent_row = None
    if parent:
        parent_row = Category.objects.filter(code=parent).first()
        if parent_row is None or parent_row.code == code:
            raise Invalid("未知的上级分类 / Unknown parent", fields={"parent": "未知 / unknown"})
    before = Category.objects.filter(code=code).values_list("name", flat=True).first()
    category, _ = Category.objects.update_or_create(
        code=code,
        defaults={
            "name": name[:60],
            "name_en": name_en[:80],
            "parent": parent_row,
            "position": position,
            "active": active,
        },
    )
    # The category's name is one of the words its resources are found by; its labels and its
    # parent (a filter on a parent includes its children) are read with the index's postings.
    if before is not None and before != category.name:
        index.reindex(
            Resource.objects.filter(category=category, search_slot__isnull=False).values_list(
                "pk", flat=True
            )
        )
    index.touch()
    record_audit(
        action="catalog.category_saved",
        actor_id=actor.user_id or "",
        actor_label=actor.username,
        role=actor.primary_role,
        object_type="catalog.category",
        object_id=code,
    )
    return category


def rebuild_search_index() -> int:
    """File every published resource in the search index afresh; how many were filed."""
    return index.rebuild()
