"""Learning incentives: points posted to an append-only ledger under idempotency keys, learning
days and streaks, badges by rule, and the opt-in district leaderboard."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from lifelong.catalog import access, selectors
from lifelong.catalog.models import (
    Badge,
    BadgeAward,
    Category,
    Enrolment,
    LeaderboardOptIn,
    LearningDay,
    PointsEntry,
)
from lifelong.identity import api as identity
from lifelong.identity.api import Actor
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Invalid

POINTS = {
    PointsEntry.Reason.UNIT_COMPLETED: 2,
    PointsEntry.Reason.COURSE_COMPLETED: 20,
    PointsEntry.Reason.LIVE_ATTENDED: 5,
    PointsEntry.Reason.LEARNING_DAY: 1,
    PointsEntry.Reason.STREAK: 10,
}
STREAK_BONUS_EVERY = 7


@transaction.atomic
def award_points(
    *,
    person_id: str,
    reason: str,
    idempotency_key: str,
    points: int | None = None,
    resource_id: int | None = None,
    note: str = "",
) -> bool:
    """Post points once per idempotency key. Replaying a key adds nothing and returns False."""
    amount = POINTS[PointsEntry.Reason(reason)] if points is None else points
    if amount == 0:
        raise Invalid("积分不能为0 / Points must not be zero", fields={"points": "≠ 0"})
    if PointsEntry.objects.filter(idempotency_key=idempotency_key).exists():
        return False
    try:
        with transaction.atomic():
            PointsEntry.objects.create(
                person_id=person_id,
                points=amount,
                reason=reason,
                idempotency_key=idempotency_key[:200],
                resource_id=resource_id,
                note=note[:200],
            )
    except IntegrityError:
        return False
    return True


def _award_badge(person_id: str, badge: Badge) -> bool:
    if BadgeAward.objects.filter(person_id=person_id, badge=badge).exists():
        return False
    try:
        with transaction.atomic():
            BadgeAward.objects.create(person_id=person_id, badge=badge)
    except IntegrityError:
        return False
    return True


def evaluate_badges(*, person_id: str, streak: int | None = None) -> list[str]:
    """Award every active badge whose rule the person now meets; returns the new codes."""
    earned = set(BadgeAward.objects.filter(person_id=person_id).values_list("badge_id", flat=True))
    new: list[str] = []
    completed = Enrolment.objects.filter(person_id=person_id, state=Enrolment.State.COMPLETED)
    for badge in Badge.objects.filter(active=True).exclude(pk__in=earned):
        if badge.rule == Badge.Rule.COURSES_IN_CATEGORY:
            met = (
                completed.filter(resource__kind__in=("course", "mooc"))
                .filter(
                    Q(resource__category_id=badge.category_id)
                    | Q(resource__category__parent_id=badge.category_id)
                )
                .count()
                >= badge.threshold
            )
        elif badge.rule == Badge.Rule.STREAK_DAYS:
            current = streak if streak is not None else selectors.current_streak(person_id)
            met = current >= badge.threshold
        else:
            met = completed.filter(resource__is_senior_mooc=True).count() >= badge.threshold
        if met and _award_badge(person_id, badge):
            new.append(badge.code)
    return new


def record_learning_day(*, person_id: str, day: dt.date | None = None) -> bool:
    """Note that the person learned today (Shanghai time): a point for the first activity of
    the day, a bonus every seventh day of a streak, and streak badges. False if the day was
    already counted."""
    day = day or clock.today()
    if LearningDay.objects.filter(person_id=person_id, day=day).exists():
        return False
    try:
        with transaction.atomic():
            LearningDay.objects.create(person_id=person_id, day=day)
    except IntegrityError:
        return False
    award_points(
        person_id=person_id,
        reason=PointsEntry.Reason.LEARNING_DAY,
        idempotency_key=f"day:{person_id}:{day.isoformat()}",
    )
    streak = selectors.current_streak(person_id, today=day)
    if streak and streak % STREAK_BONUS_EVERY == 0:
        award_points(
            person_id=person_id,
            reason=PointsEntry.Reason.STREAK,
            idempotency_key=f"streak:{person_id}:{day.isoformat()}",
            note=f"连续学习{streak}天 / {streak}-day streak",
        )
    evaluate_badges(person_id=person_id, streak=streak)
    return True


@transaction.atomic
def set_leaderboard_opt_in(*, actor: Actor, opted_in: bool) -> LeaderboardOptIn:
    """Join or leave one's district leaderboard (shown with a masked name)."""
    person_id = access.require_person(actor)
    brief = identity.person_briefs([person_id]).get(person_id)
    if brief is None or not brief.district_code:
        raise Invalid(
            "请先登记居住区 / Your home district is not registered",
            fields={"opted_in": "没有居住区 / no home district"},
        )
    row, _ = LeaderboardOptIn.objects.update_or_create(
        person_id=person_id,
        defaults={"opted_in": opted_in, "district_id": brief.district_code},
    )
    return row


@transaction.atomic
def save_badge(
    *,
    actor: Actor,
    code: str,
    name: str,
    rule: str,
    threshold: int = 1,
    category: str | None = None,
    name_en: str = "",
    description: str = "",
    active: bool = True,
) -> Badge:
    """Create or change a badge of one of the known rules (commission staff). Badges already
    earned stay earned: awards are append-only."""
    access.require_role(actor, access.CATEGORY_EDITOR_ROLES)
    name = (name or "").strip()
    if not code or not name:
        raise Invalid(
            "代码和名称不能为空 / A code and a name are required",
            fields={k: "必填 / required" for k, v in (("code", code), ("name", name)) if not v},
        )
    if rule not in Badge.Rule.values:
        raise Invalid("未知的规则 / Unknown rule", fields={"rule": "未知 / unknown"})
    if threshold < 1:
        raise Invalid("数量至少为1 / The threshold is at least 1", fields={"threshold": "≥ 1"})
    category_row = Category.objects.filter(code=category).first() if category else None
    if category and category_row is None:
        raise Invalid("未知的分类 / Unknown category", fields={"category": "未知 / unknown"})
    if rule == Badge.Rule.COURSES_IN_CATEGORY and category_row is None:
        raise Invalid(
            "该规则需要分类 / This rule needs a category", fields={"category": "必填 / required"}
        )
    badge, _ = Badge.objects.update_or_create(
        code=code[:40],
        defaults={
            "name": name[:60],
            "name_en": name_en[:80],
            "description": description[:200],
            "rule": rule,
            "category": category_row,
            "threshold": threshold,
            "active": active,
        },
    )
    record_audit(
        action="catalog.badge_saved",
        actor_id=actor.user_id or "",
        actor_label=actor.username,
        role=actor.primary_role,
        object_type="catalog.badge",
        object_id=badge.code,
    )
    return badge
