"""Enrolment, progress per unit and completion certificates."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    """A person taking a resource: at most one per person and resource. Its progress and last
    activity are kept here too, so "continue learning" is one indexed read."""

    class State(models.TextChoices):
        ACTIVE = "active", _("学习中")
        COMPLETED = "completed", _("已完成")

    person = models.ForeignKey(
        "identity.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("学员")
    )
    resource = models.ForeignKey(
        "catalog.Resource", on_delete=models.PROTECT, related_name="enrolments"
    )
    run = models.ForeignKey(
        "catalog.CourseRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    last_unit = models.ForeignKey(
        "catalog.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-enrolled_at"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(fields=["person", "resource"], name="enrolment_once"),
            models.CheckConstraint(
                condition=Q(state__in=["active", "completed"]), name="enrolment_state_known"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="enrolment_progress_percent"
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | Q(completed_at__isnull=False),
                name="enrolment_completed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-last_activity_at"], name="catalog_enr_person_recent")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.resource_id}"


class UnitProgress(models.Model):
    """How far one enrolment has got in one unit: the resume position, the share watched or
    read, the best quiz score, and when the unit was completed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("catalog.Unit", on_delete=models.CASCADE, related_name="+")
    position_seconds = models.PositiveIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("单元进度")
        verbose_name_plural = _("单元进度")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "unit"], name="unit_progress_once"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="unit_progress_percent"),
            models.CheckConstraint(
                condition=Q(best_score__isnull=True) | Q(best_score__lte=100),
                name="unit_progress_score_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.unit_id} {self.percent}%"


class Certificate(models.Model):
    """The completion certificate of one enrolment, issued once; its number is a random UUID
    printed on the PDF."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    resource = models.ForeignKey("catalog.Resource", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    issued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"
