"""The prepaid-funds supervision ledger: double-entry, append-only, in whole fen.

Chart of accounts (per institution unless noted), with each account's normal side. A posting's
`amount_fen` is signed (debit positive, credit negative); an account's `balance_fen` is kept by
a database trigger in its natural sign (`sign` × Σ postings) and may never go below zero,
except the external clearing account:

| kind               | side   | holds                                                        |
|--------------------|--------|--------------------------------------------------------------|
| escrow             | debit  | cash in the supervised account (监管专用账户)                   |
| risk_reserve       | debit  | cash in the risk reserve (风险保证金)                            |
| learner_prepaid    | credit | per contract: the learner's money neither released nor refunded |
| released_revenue   | credit | releases to the institution awaiting the bank's transfer     |
| refund_payable     | credit | refunds to learners awaiting the bank's transfer             |
| bank_clearing      | credit | the outside world (the institution's own account), unbounded |

Transactions (every one sums to zero):
- payment: Dr escrow / Cr learner_prepaid
- release (pending): Dr learner_prepaid / Cr released_revenue; then either
  release_settle (the bank paid it out): Dr released_revenue / Cr escrow, or
  release_void (the bank refused it): Dr released_revenue / Cr learner_prepaid
- refund, refund_settle, refund_void: the same with refund_payable
- reserve_top_up: Dr risk_reserve / Cr bank_clearing; reserve_draw: the reverse

So escrow always equals the sum of the learner, release and refund liabilities, and a pending
transfer already counts against the learner's balance. A settlement points at the transfer it
settles through a unique key, so a transfer is posted or voided at most once.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.training_market.models.contracts import Contract
from lifelong.training_market.models.registry import Institution


class AccountKind(models.TextChoices):
    ESCROW = "escrow", _("监管专用账户")
    RISK_RESERVE = "risk_reserve", _("风险保证金")
    LEARNER_PREPAID = "learner_prepaid", _("学员预付款")
    RELEASED_REVENUE = "released_revenue", _("待划转释放资金")
    REFUND_PAYABLE = "refund_payable", _("待退还学员款")
    BANK_CLEARING = "bank_clearing", _("外部清算")


# The normal side of each kind: +1 debit-normal (assets), −1 credit-normal (liabilities).
ACCOUNT_SIGN: dict[str, int] = {
    AccountKind.ESCROW: 1,
    AccountKind.RISK_RESERVE: 1,
    AccountKind.LEARNER_PREPAID: -1,
    AccountKind.RELEASED_REVENUE: -1,
    AccountKind.REFUND_PAYABLE: -1,
    AccountKind.BANK_CLEARING: -1,
}
INSTITUTION_ACCOUNT_KINDS = tuple(k for k in AccountKind.values if k != "learner_prepaid")


class TransactionKind(models.TextChoices):
    PAYMENT = "payment", _("学员缴费")
    RELEASE = "release", _("课消释放")
    RELEASE_SETTLE = "release_settle", _("释放已划转")
    RELEASE_VOID = "release_void", _("释放已撤销")
    REFUND = "refund", _("退费")
    REFUND_SETTLE = "refund_settle", _("退费已到账")
    REFUND_VOID = "refund_void", _("退费已撤销")
    RESERVE_TOP_UP = "reserve_top_up", _("缴存风险保证金")
    RESERVE_DRAW = "reserve_draw", _("动用风险保证金")


PENDING_KINDS = ("release", "refund")
SETTLEMENT_KINDS = ("release_settle", "release_void", "refund_settle", "refund_void")
CONTRACT_KINDS = ("payment", *PENDING_KINDS, *SETTLEMENT_KINDS)


class Account(models.Model):
    id = models.BigAutoField(primary_key=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("机构")
    )
    kind = models.CharField(_("账户类型"), max_length=20, choices=AccountKind.choices)
    contract = models.OneToOneField(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prepaid_account",
        verbose_name=_("合同"),
    )
    sign = models.SmallIntegerField(_("记账方向"), editable=False)
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "kind"],
                condition=Q(contract__isnull=True),
                name="tm_account_one_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AccountKind.values), name="tm_account_kind_known"
            ),
            models.CheckConstraint(
                condition=(Q(kind="learner_prepaid") & Q(contract__isnull=False))
                | (~Q(kind="learner_prepaid") & Q(contract__isnull=True)),
                name="tm_account_contract_iff_prepaid",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["escrow", "risk_reserve"]) & Q(sign=1))
                | (~Q(kind__in=["escrow", "risk_reserve"]) & Q(sign=-1)),
                name="tm_account_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(balance_fen__gte=0) | Q(kind="bank_clearing"),
                name="tm_account_never_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class LedgerTransaction(models.Model):
    """One balanced transaction. Its postings are inserted first and the transaction row last:
    the row seals it (see `ledger_sql`), and a deferred foreign key makes a posting without its
    transaction row fail at commit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("机构")
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=_("合同"),
    )
    kind = models.CharField(_("交易类型"), max_length=20, choices=TransactionKind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    idempotency_key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True)
    settles = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlement",
        verbose_name=_("结算的交易"),
    )
    bank_reference = models.CharField(_("银行流水号"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    on_behalf_of = models.CharField(_("代办对象"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "created_at"]
        verbose_name = _("记账交易")
        verbose_name_plural = _("记账交易")
        indexes = [models.Index(fields=["institution", "kind", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="tm_transaction_idempotent",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TransactionKind.values), name="tm_transaction_kind_known"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="tm_transaction_positive"),
            models.CheckConstraint(
                condition=(Q(kind__in=SETTLEMENT_KINDS) & Q(settles__isnull=False))
                | (~Q(kind__in=SETTLEMENT_KINDS) & Q(settles__isnull=True)),
                name="tm_transaction_settles_iff_settlement",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=CONTRACT_KINDS) & Q(contract__isnull=False))
                | (~Q(kind__in=CONTRACT_KINDS) & Q(contract__isnull=True)),
                name="tm_transaction_contract_iff_contract_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_fen} ({self.pk})"


class Posting(models.Model):
    """One leg of a transaction. Append-only (triggers refuse UPDATE and DELETE). The kind,
    institution and contract repeat the transaction's so that the triggers can keep balances
    and check each leg without a join; the seal checks that they agree."""

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="postings",
        verbose_name=_("记账交易"),
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", verbose_name=_("账户")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("机构")
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("合同"),
    )
    kind = models.CharField(_("交易类型"), max_length=20, choices=TransactionKind.choices)
    amount_fen = models.BigIntegerField(_("金额（分，借正贷负）"))
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_fen=0), name="tm_posting_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=TransactionKind.values), name="tm_posting_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_fen:+d}"
