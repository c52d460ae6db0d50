"""The institution registry: registry data keyed to the `identity` organisation that *is* the
institution, its categories, premises and leases, branches, escrow agreement and status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    SUBJECT = "subject", _("学科类")
    ARTS = "arts", _("文化艺术类")
    SPORTS = "sports", _("体育类")
    SCIENCE_TECHNOLOGY = "science_technology", _("科技类")
    VOCATIONAL = "vocational", _("职业技能类")
    CHILDCARE = "childcare", _("托育与早期发展类")
    OTHER = "other", _("其他")


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    CLOSED = "closed", _("关停")


class ReleaseSchedule(models.TextChoices):
    PER_LESSON = "per_lesson", _("按课消释放")
    MONTHLY = "monthly", _("按月释放")


class Institution(models.Model):
    """A training institution. Its id is the id of its `identity` organisation; the name,
    USCC and district are copied here so that the public look-up is one table."""

    organisation = models.OneToOneField(
        "identity.Organisation",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织"),
    )
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    district = models.ForeignKey(
        "shared.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    for_profit = models.BooleanField(_("营利性"))
    licence_number = models.CharField(_("办学许可证号"), max_length=64, blank=True)
    licence_issued_by = models.CharField(_("发证机关"), max_length=200, blank=True)
    licence_valid_from = models.DateField(_("许可证生效日"), null=True, blank=True)
    licence_valid_until = models.DateField(_("许可证有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=InstitutionStatus.choices, default="active"
    )
    release_schedule = models.CharField(
        _("资金释放方式"), max_length=12, choices=ReleaseSchedule.choices, default="per_lesson"
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InstitutionStatus.values), name="tm_institution_status"
            ),
            models.CheckConstraint(
                condition=Q(release_schedule__in=ReleaseSchedule.values),
                name="tm_institution_release_schedule",
            ),
            models.CheckConstraint(
                condition=Q(licence_valid_from__isnull=True)
                | Q(licence_valid_until__isnull=True)
                | Q(licence_valid_until__gte=models.F("licence_valid_from")),
                name="tm_institution_licence_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InstitutionCategory(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="categories"
    )
    category = models.CharField(max_length=24, choices=Category.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "category"], name="tm_category_once"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="tm_category_known"
            ),
        ]

    def __str__(self) -> str:
        return self.category


class Branch(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="branches")
    name = models.CharField(_("名称"), max_length=200)
    address = models.CharField(_("地址"), max_length=300)
    district = models.ForeignKey("shared.Region", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Premises(models.Model):
    """A place where lessons are given, with its lease. A prepaid course may not outlast the
    lease of the institution's premises."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="premises")
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="premises"
    )
    address = models.CharField(_("地址"), max_length=300)
    lease_start = models.DateField(_("租期开始"), null=True, blank=True)
    lease_end = models.DateField(_("租期结束"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lease_end", "id"]
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        constraints = [
            models.CheckConstraint(
                condition=Q(lease_start__isnull=True) | Q(lease_end__gt=models.F("lease_start")),
                name="tm_premises_lease_period",
            ),
        ]

    def __str__(self) -> str:
        return self.address


class EscrowAgreement(models.Model):
    """The supervised account (监管专用账户) an institution keeps at an escrow bank. At most one
    is open at a time; the bank's system account posts payments only for its own agreements."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="escrow_agreements"
    )
    bank = models.ForeignKey("identity.Organisation", on_delete=models.PROTECT, related_name="+")
    account_number_masked = models.CharField(max_length=32)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(closed_on__isnull=True),
                name="tm_escrow_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} @ {self.bank_id}"


class StatusChange(models.Model):
    """Append-only history of an institution's status (suspension, closure, reopening)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="status_changes"
    )
    status = models.CharField(_("状态"), max_length=12, choices=InstitutionStatus.choices)
    reason = models.CharField(_("原因"), max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.institution_id} → {self.status}"
