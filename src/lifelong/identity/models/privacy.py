"""Acting for someone else, consent and deletion requests (PIPL).

- `ProxyRelation`: a recorded, consented, revocable relation letting an agent act for a
  principal (a parent for a minor; family or community staff for a senior).
- `ConsentRecord`: append-only history of consents per purpose; withdrawal is a new row.
- `DeletionRequest`: a person's request to have their data erased (PIPL art. 47), and what
  processing erased and kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifelong.identity.models.core import Person


class ProxyKind(models.TextChoices):
    GUARDIAN_OF_MINOR = "guardian_of_minor", _("未成年人监护人")
    FAMILY_FOR_SENIOR = "family_for_senior", _("老年人家属代办")
    COMMUNITY_STAFF_FOR_SENIOR = "community_staff_for_senior", _("社区工作人员代办")


class ProxyRelation(models.Model):
    """The agent may act for the principal from `valid_from` until `valid_until` (open-ended
    when empty) unless revoked. Rows are never deleted: revocation sets `revoked_at`."""

    principal = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="proxies_as_principal",
        verbose_name=_("被代理人"),
    )
    agent = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="proxies_as_agent", verbose_name=_("代理人")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=ProxyKind.choices)
    consent_evidence = models.CharField(_("同意依据"), max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("代理关系")
        verbose_name_plural = _("代理关系")
        indexes = [models.Index(fields=["agent", "principal"], name="proxy_agent_principal")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ProxyKind.values), name="proxy_kind_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("agent")), name="proxy_not_self"
            ),
            models.CheckConstraint(
                condition=~models.Q(consent_evidence=""), name="proxy_consent_evidence_given"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("valid_from")),
                name="proxy_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_by__isnull=True) | models.Q(revoked_at__isnull=False),
                name="proxy_revoked_by_needs_revoked_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} → {self.principal_id} ({self.kind})"


class ConsentPurpose(models.TextChoices):
    LEARNING_RECORDS = "learning_records", _("学习记录 / Learning records")
    CREDIT_BANK = "credit_bank", _("学分银行 / Credit bank")
    RECOMMENDATIONS = "recommendations", _("个性化推荐 / Personalised recommendations")
    MARKETING_SMS = "marketing_sms", _("营销短信 / Marketing SMS")


class ConsentRecord(models.Model):
    """One grant or one withdrawal of consent to a purpose. Append-only (database triggers
    refuse UPDATE and DELETE): the person's current consent is their latest row per purpose."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consent_records", verbose_name=_("人员")
    )
    purpose = models.CharField(_("目的"), max_length=40, choices=ConsentPurpose.choices)
    granted_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraws = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="withdrawal",
        verbose_name=_("撤回的同意"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proxy = models.ForeignKey(
        ProxyRelation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        indexes = [models.Index(fields=["person", "purpose", "id"], name="consent_person_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=ConsentPurpose.values),
                name="consent_purpose_known",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(granted_at__isnull=False, withdrawn_at__isnull=True)
                    | models.Q(granted_at__isnull=True, withdrawn_at__isnull=False)
                ),
                name="consent_grant_xor_withdrawal",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(withdrawn_at__isnull=True, withdraws__isnull=True)
                    | models.Q(withdrawn_at__isnull=False, withdraws__isnull=False)
                ),
                name="consent_withdrawal_names_its_grant",
            ),
        ]

    def __str__(self) -> str:
        state = "granted" if self.granted_at else "withdrawn"
        return f"{self.person_id} {self.purpose} {state}"


class DeletionRequest(models.Model):
    """A request to erase a person's data (PIPL art. 47). Processing erases what no
    retention rule holds and records what was erased and what was kept, and why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        COMPLETED = "completed", _("已处理")

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="deletion_requests", verbose_name=_("人员")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proxy = models.ForeignKey(
        ProxyRelation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    erased = models.JSONField(default=list, blank=True)
    retained = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("删除申请")
        verbose_name_plural = _("删除申请")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "completed"]),
                name="deletion_status_known",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="pending", processed_at__isnull=True)
                    | models.Q(status="completed", processed_at__isnull=False)
                ),
                name="deletion_completed_has_processed_at",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="deletion_one_pending_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"
