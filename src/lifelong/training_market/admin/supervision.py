"""The registry, complaints, penalty cases and charging-rule versions in the back office.
Model fields are shown read-only; each change form carries the inputs of one use case
(`services.registry.change_status`, `services.complaints.handle_complaint`,
`services.enforcement.advance_case` / `transfer_case`, `services.rules.add_rule_version`)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.identity.api import Actor
from lifelong.training_market import access
from lifelong.training_market.admin.base import (
    DistrictFilter,
    ScopedAdmin,
    history_table,
    request_actor,
    yuan_or_blank,
)
from lifelong.training_market.models import (
    CaseStatus,
    Category,
    ChargingRule,
    Complaint,
    ComplaintAction,
    Institution,
    InstitutionStatus,
    PenaltyCase,
    TransferStatus,
)
from lifelong.training_market.services import complaints, enforcement, registry, rules
from lifelong.training_market.services.complaints import overdue


class InstitutionStatusForm(forms.ModelForm):
    new_status = forms.ChoiceField(
        label=_("变更状态为"),
        required=False,
        choices=[("", "—"), *InstitutionStatus.choices],
    )
    reason = forms.CharField(
        label=_("变更原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Institution
        fields: list[str] = []


@admin.register(Institution)
class InstitutionAdmin(ScopedAdmin):
    form = InstitutionStatusForm
    change_roles = access.ENFORCER_ROLES
    list_display = [
        "name",
        "uscc",
        "district",
        "category_list",
        "for_profit",
        "status",
        "licence_number",
        "licence_valid_until",
        "registered_at",
    ]
    list_filter = [DistrictFilter, "status", "for_profit", "release_schedule"]
    search_fields = ["name", "=uscc", "licence_number"]
    list_select_related = ["district"]
    readonly_fields = ["category_list", "premises_list", "status_history"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "uscc",
                    "district",
                    "address",
                    "for_profit",
                    "category_list",
                    "licence_number",
                    "licence_issued_by",
                    "licence_valid_from",
                    "licence_valid_until",
                    "status",
                    "release_schedule",
                    "registered_at",
                    "premises_list",
                    "status_history",
                ]
            },
        ),
        (_("暂停、关停或恢复"), {"fields": ["new_status", "reason"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    def scope_filter(self, actor: Actor) -> Q:
        return access.institutions_visible_to(actor, access.SUPERVISOR_ROLES)

    @admin.display(description=_("培训类别"))
    def category_list(self, obj: Institution) -> str:
        labels = dict(Category.choices)
        return "、".join(str(labels.get(c.category, c.category)) for c in obj.categories.all())

    @admin.display(description=_("办学场所"))
    def premises_list(self, obj: Institution):
        return history_table(
            obj.premises.all(),
            [
                (_("地址"), lambda p: p.address),
                (_("租期开始"), lambda p: p.lease_start),
                (_("租期结束"), lambda p: p.lease_end),
            ],
        )

    @admin.display(description=_("状态变更记录"))
    def status_history(self, obj: Institution):
        return history_table(
            obj.status_changes.select_related("changed_by").order_by("at", "id"),
            [
                (_("时间"), lambda c: c.at),
                (_("状态"), lambda c: c.get_status_display()),
                (_("原因"), lambda c: c.reason),
                (_("经办人"), lambda c: c.changed_by),
            ],
        )

    def apply(self, request, obj, form) -> None:
        status = form.cleaned_data.get("new_status")
        if status:
            registry.change_status(
                actor=request_actor(request),
                institution_id=obj.pk,
                status=status,
                reason=form.cleaned_data.get("reason") or "",
            )


# ---- complaints ------------------------------------------------------------------------------


class ComplaintHandlingForm(forms.ModelForm):
    action = forms.ChoiceField(
        label=_("办理"), required=False, choices=[("", "—"), *ComplaintAction.choices]
    )
    note = forms.CharField(
        label=_("办理意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Complaint
        fields: list[str] = []


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdmin):
    form = ComplaintHandlingForm
    change_roles = access.ENFORCER_ROLES
    list_display = [
        "id",
        "institution",
        "district",
        "category",
        "status",
        "submitted_at",
        "accept_due",
        "resolve_due",
        "is_overdue",
    ]
    list_filter = [DistrictFilter, "status", "category"]
    search_fields = ["=id", "institution__name", "description"]
    list_select_related = ["institution", "district"]
    date_hierarchy = "submitted_at"
    readonly_fields = ["is_overdue", "progress"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "institution",
                    "district",
                    "category",
                    "description",
                    "contact_phone_masked",
                    "status",
                    "submitted_at",
                    "accept_due",
                    "accepted_at",
                    "resolve_due",
                    "closed_at",
                    "is_overdue",
                    "outcome",
                    "progress",
                ]
            },
        ),
        (_("办理"), {"fields": ["action", "note"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        hidden = {"contact_phone_sealed", "complainant", "complainant_person"}
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    def scope_filter(self, actor: Actor) -> Q:
        return access.district_q(actor, access.SUPERVISOR_ROLES)

    @admin.display(description=_("已超期"), boolean=True)
    def is_overdue(self, obj: Complaint) -> bool:
        return overdue(obj)

    @admin.display(description=_("办理进度"))
    def progress(self, obj: Complaint):
        return history_table(
            obj.events.select_related("by").order_by("at", "id"),
            [
                (_("时间"), lambda e: e.at),
                (_("状态"), lambda e: e.get_status_display()),
                (_("办理说明"), lambda e: e.note),
                (_("经办人"), lambda e: e.by),
            ],
        )

    def apply(self, request, obj, form) -> None:
        action = form.cleaned_data.get("action")
        if action:
            complaints.handle_complaint(
                actor=request_actor(request),
                complaint_id=obj.pk,
                action=action,
                note=form.cleaned_data.get("note") or "",
            )


# ---- penalty cases ---------------------------------------------------------------------------


class CaseStepForm(forms.ModelForm):
    to = forms.ChoiceField(
        label=_("推进到"),
        required=False,
        choices=[("", "—"), *[c for c in CaseStatus.choices if c[0] != "filed"]],
    )
    # Named apart from the model's `decision` and `fine_amount`, which are shown read-only.
    decision_text = forms.CharField(
        label=_("处罚决定"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fine = forms.CharField(label=_("罚款（元）"), required=False, max_length=20)
    step_note = forms.CharField(label=_("办理说明"), required=False, max_length=2000)
    transfer_to = forms.ChoiceField(
        label=_("移送进展"),
        required=False,
        choices=[("", "—"), *[c for c in TransferStatus.choices if c[0] != "none"]],
    )
    agency = forms.CharField(label=_("移送机关"), required=False, max_length=200)

    class Meta:
        model = PenaltyCase
        fields: list[str] = []


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(ScopedAdmin):
    form = CaseStepForm
    change_roles = access.ENFORCER_ROLES
    list_display = [
        "id",
        "title",
        "institution",
        "district",
        "status",
        "transfer_status",
        "fine_amount",
        "filed_at",
        "decided_at",
    ]
    list_filter = [DistrictFilter, "status", "transfer_status"]
    search_fields = ["=id", "title", "institution__name"]
    list_select_related = ["institution", "district"]
    date_hierarchy = "filed_at"
    readonly_fields = ["steps"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "institution",
                    "district",
                    "finding",
                    "status",
                    "decision",
                    "fine_amount",
                    "transfer_status",
                    "transferred_to",
                    "filed_by",
                    "filed_at",
                    "decided_at",
                    "steps",
                ]
            },
        ),
        (_("办理"), {"fields": ["to", "decision_text", "fine", "step_note"]}),
        (_("移送市场监管部门"), {"fields": ["transfer_to", "agency"]}),
    ]

    def scope_filter(self, actor: Actor) -> Q:
        return access.cases_visible_to(actor)

    @admin.display(description=_("办理记录"))
    def steps(self, obj: PenaltyCase):
        labels = {**dict(CaseStatus.choices), **dict(TransferStatus.choices)}
        return history_table(
            obj.events.select_related("by").order_by("at", "id"),
            [
                (_("时间"), lambda e: e.at),
                (_("环节"), lambda e: e.get_kind_display()),
                (_("进展"), lambda e: labels.get(e.value, e.value)),
                (_("办理说明"), lambda e: e.note),
                (_("经办人"), lambda e: e.by),
            ],
        )

    def apply(self, request, obj, form) -> None:
        data = form.cleaned_data
        actor = request_actor(request)
        # Both steps or neither: a refusal of the second rolls the change view back.
        if data.get("to"):
            enforcement.advance_case(
                actor=actor,
                case_id=obj.pk,
                to=data["to"],
                note=data.get("step_note") or "",
                decision=data.get("decision_text") or "",
                fine_amount=data.get("fine") or None,
            )
        if data.get("transfer_to"):
            enforcement.transfer_case(
                actor=actor,
                case_id=obj.pk,
                to=data["transfer_to"],
                note=data.get("step_note") or "",
                agency=data.get("agency") or "",
            )


# ---- charging rules --------------------------------------------------------------------------


class RuleVersionForm(forms.ModelForm):
    max_amount = forms.CharField(
        label=_("最高金额（元）"),
        required=False,
        max_length=20,
        help_text=_("以元为单位，如 5000.00；不限则留空"),
    )

    class Meta:
        model = ChargingRule
        fields = [
            "category",
            "effective_from",
            "max_months",
            "max_hours",
            "collect_months_before_start",
            "within_lease",
            "source",
        ]


@admin.register(ChargingRule)
class ChargingRuleAdmin(ScopedAdmin):
    """Versions are append-only: a city regulator adds one; none is changed."""

    form = RuleVersionForm
    view_roles = access.SUPERVISOR_ROLES | access.STAFF_ROLES
    list_display = [
        "category",
        "effective_from",
        "max_months",
        "max_hours",
        "max_amount_yuan",
        "collect_months_before_start",
        "within_lease",
        "source",
    ]
    list_filter = ["category", "within_lease"]
    search_fields = ["source"]
    readonly_fields = ["max_amount_yuan"]

    def scope_filter(self, actor: Actor) -> Q:
        return Q()

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return True
        grants = request_actor(request).grants_for(access.ENFORCER_ROLES)
        return bool(request.user.is_staff and any(g.city_wide for g in grants))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return super().get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                *RuleVersionForm.Meta.fields[:4],
                "max_amount",
                *RuleVersionForm.Meta.fields[4:],
            ]
        return [
            *RuleVersionForm.Meta.fields[:4],
            "max_amount_yuan",
            *RuleVersionForm.Meta.fields[4:],
        ]

    @admin.display(description=_("最高金额（元）"), ordering="max_amount_fen")
    def max_amount_yuan(self, obj: ChargingRule) -> str:
        return yuan_or_blank(obj.max_amount_fen)

    def apply(self, request, obj, form) -> None:
        data = form.cleaned_data
        rule = rules.add_rule_version(
            actor=request_actor(request),
            category=data["category"],
            effective_from=data["effective_from"],
            source=data["source"],
            max_months=data.get("max_months"),
            max_hours=data.get("max_hours"),
            max_amount=(data.get("max_amount") or "").strip() or None,
            collect_months_before_start=data.get("collect_months_before_start"),
            within_lease=bool(data.get("within_lease")),
        )
        obj.pk = rule.pk
