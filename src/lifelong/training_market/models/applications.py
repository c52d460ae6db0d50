"""One-stop applications (一网通办): establishment, change and renewal of a licence, with
documents, a review with a statutory deadline, and the decision on record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.training_market.models.registry import Institution


class ApplicationKind(models.TextChoices):
    ESTABLISHMENT = "establishment", _("设立申请")
    CHANGE = "change", _("变更申请")
    RENEWAL = "renewal", _("延续申请")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审查中")
    MORE_INFO = "more_info", _("需补正材料")
    APPROVED = "approved", _("准予许可")
    REJECTED = "rejected", _("不予许可")


class Application(models.Model):
    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=14, choices=ApplicationKind.choices)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    district = models.ForeignKey("shared.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("机构名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    details = models.JSONField(default=dict, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=14, choices=ApplicationStatus.choices, default="submitted")
    submitted_at = models.DateTimeField()
    due_on = models.DateField(_("办理期限"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ApplicationKind.values), name="tm_application_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="tm_application_status"
            ),
            models.CheckConstraint(
                condition=Q(kind="establishment") | Q(institution__isnull=False),
                name="tm_application_names_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class ApplicationDocument(models.Model):
    """An uploaded document, stored through the private storage (never served directly)."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    path = models.CharField(max_length=300)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """One step of the review. Append-only."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=14, choices=ApplicationStatus.choices)
    note = models.TextField(blank=True, max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.status}"
