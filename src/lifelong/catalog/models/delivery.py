"""Resource delivery (配送): a community school asks for resources for its learners and
district or commission staff fulfil the request with catalog items."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeliveryRequest(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        IN_PROGRESS = "in_progress", _("配送中")
        FULFILLED = "fulfilled", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    organisation = models.ForeignKey(
        "identity.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the school so that a district's scope is one indexed prefix match.
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    organisation_name = models.CharField(max_length=200, editable=False)
    topic = models.CharField(_("主题"), max_length=200)
    audience = models.CharField(_("对象"), max_length=16)
    learners = models.PositiveIntegerField(_("学员人数"))
    schedule = models.CharField(_("时间安排"), max_length=200)
    notes = models.CharField(_("备注"), max_length=500, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.SUBMITTED)
    requested_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("资源配送申请")
        verbose_name_plural = _("资源配送申请")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "in_progress", "fulfilled", "cancelled"]),
                name="delivery_state_known",
            ),
            models.CheckConstraint(
                condition=Q(learners__gte=1, learners__lte=100000), name="delivery_learners_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name}: {self.topic}"


class DeliveryItem(models.Model):
    request = models.ForeignKey(DeliveryRequest, on_delete=models.PROTECT, related_name="items")
    resource = models.ForeignKey("catalog.Resource", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "resource"], name="delivery_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.resource_id}"


class DeliveryEvent(models.Model):
    """The history both sides see. Append-only."""

    request = models.ForeignKey(DeliveryRequest, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)
    actor = models.CharField(max_length=150)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"
