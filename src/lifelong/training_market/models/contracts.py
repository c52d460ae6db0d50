"""Standard contracts, the versioned charging rules they are checked against, lessons taught
(consumption) and refund requests. A contract's money lives in the ledger (`ledger.py`);
`ContractState` is the per-contract row the database keeps in step with it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lifelong.training_market.models.registry import Category, Institution


class ChargingRule(models.Model):
    """One version of the charging rules for a category, in force from `effective_from` until
    a later version of the same category. Append-only: a change is a new version. The national
    2021 rules are seeded by a migration: one payment covers at most 3 months or 60 class hours
    (whichever comes first), is collected no earlier than one month before the service starts,
    never beyond the premises lease, and for subject training at most 5,000 yuan."""

    category = models.CharField(_("类别"), max_length=24, choices=Category.choices)
    effective_from = models.DateField(_("生效日期"))
    max_months = models.PositiveSmallIntegerField(_("最长月数"), null=True, blank=True)
    max_hours = models.PositiveSmallIntegerField(_("最多课时"), null=True, blank=True)
    max_amount_fen = models.BigIntegerField(_("最高金额（分）"), null=True, blank=True)
    collect_months_before_start = models.PositiveSmallIntegerField(
        _("最早提前收费月数"), null=True, blank=True
    )
    within_lease = models.BooleanField(_("不得超出场所租期"), default=True)
    source = models.CharField(_("依据"), max_length=300)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["category", "-effective_from"]
        verbose_name = _("收费规则")
        verbose_name_plural = _("收费规则")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "effective_from"], name="tm_rule_version_once"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="tm_rule_category_known"
            ),
            models.CheckConstraint(
                condition=Q(max_amount_fen__isnull=True) | Q(max_amount_fen__gt=0),
                name="tm_rule_max_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} from {self.effective_from}"


class SignedChannel(models.TextChoices):
    STAFF = "staff", _("机构工作人员录入")
    ONLINE = "online", _("家长/学员在线签订")


class Contract(models.Model):
    """A training contract on the model text (示范文本). The learner's ID number is kept sealed,
    with a blind index and a masked form, never in clear. Append-only: its money and lessons
    are recorded elsewhere, and a contract is never rewritten."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="contracts")
    rule = models.ForeignKey(ChargingRule, on_delete=models.PROTECT, related_name="+")
    course = models.CharField(_("课程"), max_length=200)
    category = models.CharField(_("类别"), max_length=24, choices=Category.choices)
    class_hours = models.PositiveSmallIntegerField(_("课时"))
    months = models.PositiveSmallIntegerField(_("月数"))
    total_fen = models.BigIntegerField(_("合同金额（分）"))
    start_date = models.DateField(_("开课日期"))
    end_date = models.DateField(_("结课日期"))
    learner_name = models.CharField(_("学员姓名"), max_length=100)
    learner_id_sealed = models.TextField(editable=False)
    learner_id_index = models.CharField(max_length=64, db_index=True, editable=False)
    learner_id_masked = models.CharField(_("学员身份证号"), max_length=18, editable=False)
    learner_birth_date = models.DateField()
    learner_is_minor = models.BooleanField()
    learner_person = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guardian_id_sealed = models.TextField(blank=True, editable=False)
    guardian_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    guardian_id_masked = models.CharField(max_length=18, blank=True, editable=False)
    guardian_person = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_channel = models.CharField(max_length=8, choices=SignedChannel.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        verbose_name = _("培训合同")
        verbose_name_plural = _("培训合同")
        constraints = [
            models.CheckConstraint(condition=Q(class_hours__gte=1), name="tm_contract_hours"),
            models.CheckConstraint(condition=Q(months__gte=1), name="tm_contract_months"),
            models.CheckConstraint(condition=Q(total_fen__gt=0), name="tm_contract_total"),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="tm_contract_period"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="tm_contract_category_known"
            ),
            models.CheckConstraint(
                condition=Q(learner_is_minor=False) | ~Q(guardian_id_index=""),
                name="tm_contract_minor_has_guardian",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.learner_name}"

    @property
    def number(self) -> str:
        """The contract number printed on the contract: HT + signing date + 8 hex digits."""
        return f"HT{self.signed_on:%Y%m%d}{self.id.hex[:8].upper()}"


class ContractState(models.Model):
    """What the database itself knows about a contract's money and lessons, in whole fen. Only
    triggers change it (on each posting and each lesson record); its CHECK constraints are the
    ledger's contract-level invariants, so a posting or a lesson that would break one is
    refused by the database whatever code inserts it:

    - paid ≤ total; lessons taught ≤ class hours;
    - released × hours ≤ paid × taught  (release never exceeds consumption; rounds down);
    - refunded ≤ paid − ⌊paid × taught ÷ hours⌋  (refund never exceeds the unconsumed part).

    `released_fen` and `refunded_fen` count pending transfers too (a pending refund already
    counts against the balance) and drop again when one is voided."""

    contract = models.OneToOneField(
        Contract, primary_key=True, on_delete=models.PROTECT, related_name="state"
    )
    total_fen = models.BigIntegerField()
    class_hours = models.PositiveSmallIntegerField()
    paid_fen = models.BigIntegerField(default=0)
    released_fen = models.BigIntegerField(default=0)
    refunded_fen = models.BigIntegerField(default=0)
    consumed_hours = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_fen__gte=0) & Q(paid_fen__lte=F("total_fen")),
                name="tm_state_paid_within_total",
            ),
            models.CheckConstraint(
                condition=Q(consumed_hours__gte=0) & Q(consumed_hours__lte=F("class_hours")),
                name="tm_state_taught_within_hours",
            ),
            models.CheckConstraint(
                condition=Q(released_fen__gte=0) & Q(refunded_fen__gte=0),
                name="tm_state_outflows_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    released_fen__lte=F("paid_fen") * F("consumed_hours") / F("class_hours")
                ),
                name="tm_state_release_within_consumption",
            ),
            models.CheckConstraint(
                condition=Q(
                    refunded_fen__lte=F("paid_fen")
                    - F("paid_fen") * F("consumed_hours") / F("class_hours")
                ),
                name="tm_state_refund_within_unconsumed",
            ),
        ]

    def __str__(self) -> str:
        return f"state of {self.contract_id}"

    @property
    def earned_fen(self) -> int:
        """The value of the lessons taught, rounded down to the fen; all of it after the last."""
        return self.paid_fen * self.consumed_hours // self.class_hours

    @property
    def releasable_fen(self) -> int:
        return self.earned_fen - self.released_fen

    @property
    def refundable_fen(self) -> int:
        return self.paid_fen - self.earned_fen - self.refunded_fen


class Consumption(models.Model):
    """Lessons taught under a contract. Append-only; a trigger adds the hours to the
    contract's state, whose constraints refuse more hours than contracted or than remain
    after refunds."""

    id = models.BigAutoField(primary_key=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="consumptions")
    hours = models.PositiveSmallIntegerField(_("课时"))
    taught_on = models.DateField(_("上课日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=1), name="tm_consumption_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} +{self.hours}h"


class RefundChannel(models.TextChoices):
    INSTITUTION = "institution", _("机构办理")
    GUARDIAN = "guardian", _("家长在线申请")
    LEARNER = "learner", _("学员本人在线申请")


class RefundRequest(models.Model):
    """A refund asked for by the institution, the learner or their guardian, and the pending
    ledger transfer it created; its progress is that transfer's settlement. Append-only."""

    id = models.BigAutoField(primary_key=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.BigIntegerField()
    channel = models.CharField(max_length=12, choices=RefundChannel.choices)
    reason = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        "identity.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.OneToOneField(
        "training_market.LedgerTransaction", on_delete=models.PROTECT, related_name="refund_request"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="tm_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount_fen} of {self.contract_id}"
