"""The catalog's back office, scoped like the API and writing only through the services:
categories and badges are kept by commission staff; resources are listed to the staff whose
provider or reviewer scope covers them, corrected by reviewers (providers: their drafts) and
taken down (下架) with an action. Every save calls the same service as the API, so the search
index follows the change in the same transaction, and nothing is ever deleted here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.catalog import access
from lifelong.catalog.models import AUDIENCES, Badge, Category, Resource
from lifelong.catalog.services import incentives, publishing
from lifelong.identity.api import Actor, ScopedAdmin, request_actor
from lifelong.shared.errors import DomainError

AUDIENCE_FLAGS = dict(
    zip(AUDIENCES, ("for_seniors", "for_youth", "for_white_collar", "for_workers"), strict=True)
)


class ServiceForm(forms.ModelForm):
    """A form that asks the service whether the change may be made before it is saved, and
    shows the service's refusal on the form."""

    actor: Actor

    def service_check(self, cleaned: dict[str, Any]) -> None:
        """Raise the DomainError the service would raise; each form names its own checks."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.service_check(cleaned)
            except DomainError as exc:
                for name, message in exc.fields.items():
                    if name in self.fields:
                        self.add_error(name, message)
                raise forms.ValidationError(exc.message) from exc
        return cleaned


class CategoryForm(ServiceForm):
    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "parent", "position", "active"]

    def service_check(self, cleaned: dict[str, Any]) -> None:
        access.require_role(self.actor, access.CATEGORY_EDITOR_ROLES)
        code = cleaned.get("code") or self.instance.code
        parent = cleaned.get("parent")
        if parent is not None and parent.code == code:
            raise DomainError(
                "分类不能是自己的上级 / A category cannot be its own parent",
                fields={"parent": "无效 / invalid"},
            )


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    form = CategoryForm
    view_roles = access.PROVIDER_ROLES | access.REVIEWER_ROLES
    change_roles = access.CATEGORY_EDITOR_ROLES
    add_roles = access.CATEGORY_EDITOR_ROLES
    list_display = ["code", "name", "name_en", "parent", "position", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]

    def scope_filter(self, actor: Actor) -> Q:
        return Q()  # city-wide: every member of the roles above sees every row

    def get_readonly_fields(self, request, obj=None):
        # Filters, badges and the credit bank's standards name a category by its code.
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = publishing.save_category(
            actor=request_actor(request),
            code=obj.code,
            name=data["name"],
            name_en=data.get("name_en") or "",
            parent=data["parent"].code if data.get("parent") else None,
            position=data.get("position") or 0,
            active=bool(data.get("active")),
        )
        obj.pk = saved.pk


class BadgeForm(ServiceForm):
    class Meta:
        model = Badge
        fields = [
            "code",
            "name",
            "name_en",
            "description",
            "rule",
            "category",
            "threshold",
            "active",
        ]

    def service_check(self, cleaned: dict[str, Any]) -> None:
        access.require_role(self.actor, access.CATEGORY_EDITOR_ROLES)
        if cleaned.get("rule") == Badge.Rule.COURSES_IN_CATEGORY and not cleaned.get("category"):
            raise DomainError(
                "该规则需要分类 / This rule needs a category",
                fields={"category": "必填 / required"},
            )


@admin.register(Badge)
class BadgeAdmin(ScopedAdmin):
    form = BadgeForm
    view_roles = access.CATEGORY_EDITOR_ROLES
    change_roles = access.CATEGORY_EDITOR_ROLES
    add_roles = access.CATEGORY_EDITOR_ROLES
    list_display = ["code", "name", "rule", "category", "threshold", "active"]
    list_filter = ["rule", "active"]
    search_fields = ["code", "name"]
    list_select_related = ["category"]

    def scope_filter(self, actor: Actor) -> Q:
        return Q()  # city-wide: every member of the roles above sees every row

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = incentives.save_badge(
            actor=request_actor(request),
            code=obj.code,
            name=data["name"],
            name_en=data.get("name_en") or "",
            description=data.get("description") or "",
            rule=data["rule"],
            category=data["category"].code if data.get("category") else None,
            threshold=data["threshold"],
            active=bool(data.get("active")),
        )
        obj.pk = saved.pk


def _https_by_default(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ResourceForm(ServiceForm):
    class Meta:
        model = Resource
        formfield_callback = _https_by_default
        fields = [
            "title",
            "summary",
            "description",
            "category",
            "district",
            *AUDIENCE_FLAGS.values(),
            "is_senior_mooc",
            "fee",
            "accessibility_notes",
            "starts_at",
            "ends_at",
            "stream_url",
            "replay_url",
            "capacity",
            "venue",
            "place_ref",
            "completion_percent",
            "requires_quiz_pass",
        ]

    def changes(self) -> dict[str, Any]:
        """The form's values in the terms of `publishing.update_resource`."""
        data = dict(self.cleaned_data)
        category = data.pop("category", None)
        district = data.pop("district", None)
        changes = {k: v for k, v in data.items() if k not in AUDIENCE_FLAGS.values()}
        changes["audience"] = [code for code, flag in AUDIENCE_FLAGS.items() if data.get(flag)]
        changes["district_code"] = district.code if district is not None else ""
        if category is not None:
            changes["category"] = category.code
        for name in ("summary", "description", "accessibility_notes", "stream_url", "replay_url"):
            changes[name] = changes.get(name) or ""
        for name in ("venue", "place_ref"):
            changes[name] = changes.get(name) or ""
        return changes

    def service_check(self, cleaned: dict[str, Any]) -> None:
        publishing.check_resource_update(
            actor=self.actor, resource_id=self.instance.pk, **self.changes()
        )


@admin.register(Resource)
class ResourceAdmin(ScopedAdmin):
    form = ResourceForm
    view_roles = access.PROVIDER_ROLES | access.REVIEWER_ROLES
    change_roles = access.PROVIDER_ROLES | access.REVIEWER_ROLES
    list_display = ["title", "kind", "status", "category", "provider", "district", "published_at"]
    list_filter = ["status", "kind", "category", "is_senior_mooc"]
    search_fields = ["title"]
    list_select_related = ["category", "provider", "district"]
    readonly_fields = ["kind", "status", "provider", "published_at", "review_note"]
    actions = ["take_down"]

    def scope_filter(self, actor: Actor) -> Q:
        return access.resources_managed_by(actor)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(level="district")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        publishing.update_resource(
            actor=request_actor(request), resource_id=obj.pk, note="后台修改", **form.changes()
        )

    @admin.action(description=_("下架所选学习资源"))
    def take_down(self, request, queryset):
        actor = request_actor(request)
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                publishing.archive_resource(actor=actor, resource_id=pk, note="后台下架")
            except DomainError as exc:
                self.message_user(request, f"{pk}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"已下架 {done} 个 / {done} taken down", messages.SUCCESS)
