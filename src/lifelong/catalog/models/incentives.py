"""Learning incentives: the append-only points ledger, learning days, badges and the opt-in
district leaderboard."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PointsEntry(models.Model):
    """One posting to a person's points. Append-only (database triggers refuse UPDATE and
    DELETE); the idempotency key makes replaying an award add nothing; a correction is a new
    posting with negative points."""

    class Reason(models.TextChoices):
        UNIT_COMPLETED = "unit_completed", _("完成单元")
        COURSE_COMPLETED = "course_completed", _("完成课程")
        LIVE_ATTENDED = "live_attended", _("参加空中课堂")
        LEARNING_DAY = "learning_day", _("每日学习")
        STREAK = "streak", _("连续学习奖励")
        CORRECTION = "correction", _("更正")

    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField()
    reason = models.CharField(max_length=32, choices=Reason.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    resource = models.ForeignKey(
        "catalog.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(
                    reason__in=[
                        "unit_completed",
                        "course_completed",
                        "live_attended",
                        "learning_day",
                        "streak",
                        "correction",
                    ]
                ),
                name="points_entry_reason_known",
            ),
        ]
        indexes = [models.Index(fields=["person", "-created_at"], name="catalog_pts_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.points:+d} {self.reason}"


class LearningDay(models.Model):
    """A Shanghai calendar day on which a person learned something; streaks are runs of them."""

    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    class Meta:
        verbose_name = _("学习日")
        verbose_name_plural = _("学习日")
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="learning_day_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"


class Badge(models.Model):
    """A badge and the rule that earns it. Data: staff may add badges of the known rules."""

    class Rule(models.TextChoices):
        COURSES_IN_CATEGORY = "courses_in_category", _("完成某分类课程 N 门")
        STREAK_DAYS = "streak_days", _("连续学习 N 天")
        FIRST_SENIOR_MOOC = "first_senior_mooc", _("完成第一门老年慕课")

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    rule = models.CharField(_("规则"), max_length=32, choices=Rule.choices)
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    threshold = models.PositiveSmallIntegerField(_("数量"), default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("徽章")
        verbose_name_plural = _("徽章")
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__in=["courses_in_category", "streak_days", "first_senior_mooc"]),
                name="badge_rule_known",
            ),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="badge_threshold_positive"),
            models.CheckConstraint(
                condition=~Q(rule="courses_in_category") | Q(category__isnull=False),
                name="badge_category_rule_has_category",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BadgeAward(models.Model):
    """A badge a person earned. Append-only; at most one per person and badge."""

    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-awarded_at", "-id"]
        verbose_name = _("获得的徽章")
        verbose_name_plural = _("获得的徽章")
        constraints = [models.UniqueConstraint(fields=["person", "badge"], name="badge_award_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.badge_id}"


class LeaderboardOptIn(models.Model):
    """A person's choice to appear (with a masked name) on their district's leaderboard."""

    person = models.OneToOneField("identity.Person", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("shared.Region", on_delete=models.PROTECT, related_name="+")
    opted_in = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("排行榜设置")
        verbose_name_plural = _("排行榜设置")

    def __str__(self) -> str:
        return f"{self.person_id} {self.opted_in}"
