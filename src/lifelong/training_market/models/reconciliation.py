"""Daily reconciliation of an institution's escrow account against the bank's statement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lifelong.training_market.models.ledger import LedgerTransaction
from lifelong.training_market.models.registry import Institution


class BankStatement(models.Model):
    """One day's statement of one escrow account, as imported. Append-only."""

    id = models.BigAutoField(primary_key=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="statements"
    )
    statement_date = models.DateField()
    opening_fen = models.BigIntegerField()
    closing_fen = models.BigIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-statement_date", "-id"]

    def __str__(self) -> str:
        return f"statement {self.institution_id} {self.statement_date}"


class StatementLine(models.Model):
    id = models.BigAutoField(primary_key=True)
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    reference = models.CharField(max_length=100)
    amount_fen = models.BigIntegerField(help_text="signed: money in is positive")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount_fen:+d}"


class MismatchKind(models.TextChoices):
    MISSING_IN_LEDGER = "missing_in_ledger", _("银行有、台账无")
    MISSING_IN_STATEMENT = "missing_in_statement", _("台账有、银行无")
    AMOUNT_DIFFERS = "amount_differs", _("金额不符")
    OPENING_DIFFERS = "opening_differs", _("期初余额不符")
    CLOSING_DIFFERS = "closing_differs", _("期末余额不符")


class Mismatch(models.Model):
    id = models.BigAutoField(primary_key=True)
    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, related_name="mismatches"
    )
    kind = models.CharField(max_length=24, choices=MismatchKind.choices)
    reference = models.CharField(max_length=100, blank=True)
    ledger_fen = models.BigIntegerField(null=True, blank=True)
    bank_fen = models.BigIntegerField(null=True, blank=True)
    transaction = models.ForeignKey(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
