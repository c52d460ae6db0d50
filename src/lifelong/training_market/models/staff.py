"""Staff of institutions and their pre-employment vetting (入职查询) against the restricted list
of people barred from working with minors, with consent, appeals and periodic re-checks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.training_market.models.registry import Institution


class StaffStatus(models.TextChoices):
    APPLICANT = "applicant", _("应聘中")
    EMPLOYED = "employed", _("在职")
    NOT_HIRED = "not_hired", _("未录用")
    LEFT = "left", _("已离职")


class StaffMember(models.Model):
    """A person working, or applying to work, at an institution. The ID number is sealed,
    blind-indexed and masked, never stored in clear."""

    id = models.BigAutoField(primary_key=True)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("姓名"), max_length=100)
    id_number_sealed = models.TextField(editable=False)
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField(max_length=18, editable=False)
    position = models.CharField(_("岗位"), max_length=100)
    status = models.CharField(max_length=10, choices=StaffStatus.choices, default="applicant")
    consent_evidence = models.CharField(max_length=500, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    hired_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["institution", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StaffStatus.values), name="tm_staff_status"
            ),
            models.UniqueConstraint(
                fields=["institution", "id_number_index"],
                condition=Q(status__in=["applicant", "employed"]),
                name="tm_staff_once_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RestrictedPerson(models.Model):
    """An entry of the restricted list (从业禁止/性侵害等违法犯罪人员信息库): kept only as a blind
    index of the ID number, a masked name and the legal basis."""

    id = models.BigAutoField(primary_key=True)
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    name_masked = models.CharField(max_length=100)
    basis = models.CharField(_("依据"), max_length=300)
    listed_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-listed_on", "-id"]

    def __str__(self) -> str:
        return f"restricted {self.name_masked}"


class CheckKind(models.TextChoices):
    PRE_EMPLOYMENT = "pre_employment", _("入职前查询")
    PERIODIC = "periodic", _("定期复查")


class CheckResult(models.TextChoices):
    CLEAR = "clear", _("未发现")
    HIT = "hit", _("命中限制名单")


class VettingCheck(models.Model):
    """One check of one staff member against the restricted list. Append-only."""

    id = models.BigAutoField(primary_key=True)
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=16, choices=CheckKind.choices)
    result = models.CharField(max_length=8, choices=CheckResult.choices)
    matched = models.ForeignKey(
        RestrictedPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(result="hit") & Q(matched__isnull=False))
                | (Q(result="clear") & Q(matched__isnull=True)),
                name="tm_check_hit_names_entry",
            ),
            models.CheckConstraint(
                condition=~Q(kind="pre_employment") | Q(consent_at__isnull=False),
                name="tm_check_pre_employment_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.result}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("复核中")
    UPHELD = "upheld", _("申诉成立")
    DISMISSED = "dismissed", _("申诉不成立")


class VettingAppeal(models.Model):
    """The checked person's appeal against a hit (e.g. a namesake). A regulator decides it
    once; an upheld appeal clears the check."""

    id = models.BigAutoField(primary_key=True)
    check_record = models.OneToOneField(
        VettingCheck, on_delete=models.PROTECT, related_name="appeal"
    )
    reason = models.TextField(max_length=2000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AppealStatus.choices, default="pending")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values), name="tm_appeal_status"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="tm_appeal_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} {self.status}"
