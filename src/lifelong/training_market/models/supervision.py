"""Supervision and enforcement: complaints with their time limits, inspection plans and
records with findings, penalty cases and their transfer to market regulation, and the public
credit lists. Every history table is append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lifelong.training_market.models.registry import Institution


class ComplaintCategory(models.TextChoices):
    REFUND_REFUSED = "refund_refused", _("拒绝退费")
    FEES_OUTSIDE_ESCROW = "fees_outside_escrow", _("预收费未进监管账户")
    OVERCHARGING = "overcharging", _("超期超额收费")
    CLOSURE = "closure", _("停业或失联")
    FALSE_ADVERTISING = "false_advertising", _("虚假宣传")
    SAFETY = "safety", _("安全隐患")
    TEACHING_QUALITY = "teaching_quality", _("教学质量")
    OTHER = "other", _("其他")


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    INVESTIGATING = "investigating", _("调查处理中")
    RESOLVED = "resolved", _("已办结")
    REJECTED = "rejected", _("不予受理")


class ComplaintAction(models.TextChoices):
    """What a regulator does with a complaint (`services.complaints.TRANSITIONS`); the labels
    are verbs, where the same Chinese words also name the status an action leads to."""

    ACCEPT = "accept", pgettext_lazy("complaint action", "受理")
    REJECT = "reject", pgettext_lazy("complaint action", "不予受理")
    INVESTIGATE = "investigate", pgettext_lazy("complaint action", "开始调查")
    RESOLVE = "resolve", pgettext_lazy("complaint action", "办结")


class Complaint(models.Model):
    """A citizen's complaint about an institution. The district it is handled in is the
    institution's, copied so that a district regulator's list is one indexed filter."""

    id = models.BigAutoField(primary_key=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("机构")
    )
    district = models.ForeignKey(
        "shared.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区")
    )
    category = models.CharField(_("类别"), max_length=24, choices=ComplaintCategory.choices)
    description = models.TextField(_("投诉内容"), max_length=2000)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    complainant_person = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_phone_sealed = models.TextField(blank=True, editable=False)
    contact_phone_masked = models.CharField(max_length=11, blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=ComplaintStatus.choices, default="submitted"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    accept_due = models.DateField(_("受理期限"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolve_due = models.DateField(_("办结期限"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    outcome = models.TextField(_("处理结果"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values), name="tm_complaint_status"
            ),
            models.CheckConstraint(
                condition=Q(category__in=ComplaintCategory.values), name="tm_complaint_category"
            ),
        ]

    def __str__(self) -> str:
        return f"complaint {self.pk} on {self.institution_id}"


class ComplaintEvent(models.Model):
    """One step of a complaint, shown to the citizen as its progress. Append-only."""

    id = models.BigAutoField(primary_key=True)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("状态"), max_length=16, choices=ComplaintStatus.choices)
    note = models.TextField(_("办理说明"), max_length=2000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.status}"


class InspectionPlan(models.Model):
    id = models.BigAutoField(primary_key=True)
    district = models.ForeignKey("shared.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="tm_plan_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FindingCode(models.TextChoices):
    FEES_OUTSIDE_ESCROW = "fees_outside_escrow", _("预收费未进监管账户")
    OVER_LIMIT_CHARGING = "over_limit_charging", _("超期超额收费")
    UNLICENSED = "unlicensed", _("无证或超范围办学")
    UNVETTED_STAFF = "unvetted_staff", _("从业人员未经入职查询")
    SAFETY = "safety", _("消防与安全隐患")
    FALSE_ADVERTISING = "false_advertising", _("虚假宣传")
    OTHER = "other", _("其他")


class Inspection(models.Model):
    """An inspection done at an institution, under a plan or on its own (e.g. after a
    complaint). Append-only: a correction is a new inspection."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(
        InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="inspections"
    )
    district = models.ForeignKey("shared.Region", on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("检查人员"), max_length=200)
    summary = models.TextField(_("检查情况"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"inspection {self.pk} of {self.institution_id}"


class Finding(models.Model):
    id = models.BigAutoField(primary_key=True)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    code = models.CharField(max_length=24, choices=FindingCode.choices)
    severity = models.CharField(
        max_length=8, choices=[("minor", _("一般")), ("serious", _("严重"))], default="minor"
    )
    description = models.TextField(max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=FindingCode.values), name="tm_finding_code"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["minor", "serious"]), name="tm_finding_severity"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CaseStatus(models.TextChoices):
    FILED = "filed", _("已立案")
    INVESTIGATED = "investigated", _("已调查")
    DECIDED = "decided", _("已作出决定")
    EXECUTED = "executed", _("已执行")


class TransferStatus(models.TextChoices):
    NONE = "none", _("未移送")
    TRANSFERRED = "transferred", _("已移送市场监管部门")
    ACCEPTED = "accepted", _("市场监管部门已受理")
    CONCLUDED = "concluded", _("市场监管部门已办结")


class PenaltyCase(models.Model):
    """An enforcement case: filed → investigated → decided → executed, and its transfer to
    market regulation (市场监督管理部门), which enforces pricing and prepaid-card rules."""

    id = models.BigAutoField(primary_key=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="penalty_cases", verbose_name=_("机构")
    )
    district = models.ForeignKey(
        "shared.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区")
    )
    finding = models.ForeignKey(
        Finding,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("检查发现"),
    )
    title = models.CharField(_("案由"), max_length=200)
    status = models.CharField(_("状态"), max_length=14, choices=CaseStatus.choices, default="filed")
    decision = models.TextField(_("处罚决定"), blank=True, max_length=4000)
    fine_amount = models.DecimalField(
        _("罚款（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    transfer_status = models.CharField(
        _("移送状态"), max_length=12, choices=TransferStatus.choices, default="none"
    )
    transferred_to = models.CharField(_("移送机关"), max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("立案人"),
    )
    filed_at = models.DateTimeField(_("立案时间"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("处罚案件")
        verbose_name_plural = _("处罚案件")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="tm_case_status"
            ),
            models.CheckConstraint(
                condition=Q(transfer_status__in=TransferStatus.values),
                name="tm_case_transfer_status",
            ),
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gte=0),
                name="tm_case_fine_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseEvent(models.Model):
    """One step of a case or of its transfer. Append-only."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(PenaltyCase, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(
        _("环节"),
        max_length=10,
        choices=[("status", _("案件办理")), ("transfer", _("移送"))],
    )
    value = models.CharField(_("进展"), max_length=14)
    note = models.TextField(_("办理说明"), max_length=2000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.value}"


class CreditList(models.TextChoices):
    JOINT_PUNISHMENT = "joint_punishment", _("联合惩戒对象名单")
    PUBLIC_CREDIT = "public_credit", _("行政处罚信用信息公示")


class CreditListEntry(models.Model):
    """An institution on a public list, from `listed_on` until it is removed (removal is a
    date set once; the entry itself stays as evidence)."""

    id = models.BigAutoField(primary_key=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="credit_entries"
    )
    list = models.CharField(max_length=20, choices=CreditList.choices)
    reason = models.CharField(max_length=500)
    case = models.ForeignKey(
        PenaltyCase, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_entries"
    )
    listed_on = models.DateField()
    until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(list__in=CreditList.values), name="tm_credit_list_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} on {self.list}"
