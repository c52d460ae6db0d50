"""Kernel tables: the region tree (GB/T 2260 districts, streets and towns), the append-only
audit log, background jobs with progress, and the in-app notification inbox."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A node of the administrative tree: province-level city, district, street/town.

    `code` is the GB/T 2260 code (6 digits) for a district and the 9-digit GB/T 10114 code
    for a street or town; a child's code starts with its parent's `scope_prefix`.
    """

    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        STREET = "street", _("街道/镇")

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64, blank=True)
    level = models.CharField(max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    scope_prefix = models.CharField(max_length=12, db_index=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AuditEntry(models.Model):
    """Who did what to which object, when, from where, and how it ended. Rows are never
    updated or deleted (database triggers refuse it); retention is at least six months."""

    class Outcome(models.TextChoices):
        OK = "ok", _("成功")
        DENIED = "denied", _("被拒绝")
        FAILED = "failed", _("失败")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.CharField(max_length=64, blank=True, db_index=True)
    actor_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=40, blank=True)
    on_behalf_of = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class Job(models.Model):
    """A piece of background work a person started and can watch: progress, then a result
    file only its owner may download."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=80)
    owner_id = models.CharField(max_length=64, db_index=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    result_path = models.CharField(max_length=500, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="job_done_le_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class Notification(models.Model):
    """One message in a person's in-app inbox. The title and body are rendered in Chinese when
    sent; `template` and `context` are kept so that other languages can be rendered on display."""

    id = models.BigAutoField(primary_key=True)
    recipient_id = models.CharField(max_length=64, db_index=True)
    template = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField()
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.title}"
