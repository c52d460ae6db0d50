"""The prepaid-funds ledger in the back office: accounts, transactions and their postings,
for the supervisors of the institution's district. Read-only for everyone, superusers
included: balances move only by postings, and the database refuses to update or delete a
posting or a transaction."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.identity.api import Actor
from lifelong.training_market import access
from lifelong.training_market.admin.base import (
    InstitutionDistrictFilter,
    ScopedAdmin,
    history_table,
    yuan_or_blank,
)
from lifelong.training_market.models import Account, LedgerTransaction, Posting

LEDGER_ROLES = access.SUPERVISOR_ROLES


class LedgerAdmin(ScopedAdmin):
    """The prepaid-funds ledger, for supervisors of the institution's district. Read-only for
    everyone, superusers included: balances move only by postings, and the database refuses to
    update or delete a posting or a transaction."""

    view_roles = LEDGER_ROLES

    def scope_filter(self, actor: Actor) -> Q:
        return access.district_q(actor, LEDGER_ROLES, field="institution__district__pk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("合同编号"))
    def contract_number(self, obj) -> str:
        return obj.contract.number if obj.contract_id else ""


@admin.register(Account)
class AccountAdmin(LedgerAdmin):
    list_display = ["id", "institution", "kind", "contract_number", "balance_yuan"]
    list_filter = [InstitutionDistrictFilter, "kind"]
    search_fields = ["=id", "institution__name"]
    list_select_related = ["institution", "contract"]

    @admin.display(description=_("余额（元）"), ordering="balance_fen")
    def balance_yuan(self, obj: Account) -> str:
        return yuan_or_blank(obj.balance_fen)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(LedgerAdmin):
    list_display = [
        "occurred_at",
        "kind",
        "institution",
        "contract_number",
        "amount_yuan",
        "idempotency_key",
        "bank_reference",
        "settles",
    ]
    list_filter = [InstitutionDistrictFilter, "kind"]
    search_fields = ["=id", "=idempotency_key", "=bank_reference", "institution__name"]
    list_select_related = ["institution", "contract", "settles"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["legs"]

    @admin.display(description=_("分录"))
    def legs(self, obj: LedgerTransaction):
        return history_table(
            obj.postings.select_related("account").order_by("id"),
            [
                (_("分录"), lambda p: p.pk),
                (_("账户"), lambda p: p.account),
                (
                    _("借方（元）"),
                    lambda p: yuan_or_blank(p.amount_fen) if p.amount_fen > 0 else "",
                ),
                (
                    _("贷方（元）"),
                    lambda p: yuan_or_blank(-p.amount_fen) if p.amount_fen < 0 else "",
                ),
            ],
        )

    @admin.display(description=_("金额（元）"), ordering="amount_fen")
    def amount_yuan(self, obj: LedgerTransaction) -> str:
        return yuan_or_blank(obj.amount_fen)


@admin.register(Posting)
class PostingAdmin(LedgerAdmin):
    list_display = [
        "id",
        "transaction",
        "institution",
        "account",
        "kind",
        "debit_yuan",
        "credit_yuan",
        "created_at",
    ]
    list_filter = [InstitutionDistrictFilter, "kind"]
    search_fields = ["=id", "=transaction__id", "institution__name"]
    list_select_related = ["institution", "account", "transaction"]

    @admin.display(description=_("借方（元）"))
    def debit_yuan(self, obj: Posting) -> str:
        return yuan_or_blank(obj.amount_fen) if obj.amount_fen > 0 else ""

    @admin.display(description=_("贷方（元）"))
    def credit_yuan(self, obj: Posting) -> str:
        return yuan_or_blank(-obj.amount_fen) if obj.amount_fen < 0 else ""
