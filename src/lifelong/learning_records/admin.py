"""The back office of learning_records, for superusers only: LRS clients are platform
configuration (credentials of outside systems), statements are read-only evidence."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.hashers import make_password

from lifelong.learning_records.models import LrsClient, Statement
from lifelong.learning_records.services import authority_for
from lifelong.shared.api import record_audit


class SuperuserOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


class LrsClientForm(forms.ModelForm):
    new_secret = forms.CharField(
        label="新密钥 new secret",
        required=False,
        min_length=12,
        widget=forms.PasswordInput(render_value=False),
        help_text="留空则不变 / Leave empty to keep the current secret",
    )

    class Meta:
        model = LrsClient
        fields = ["key", "name", "scope", "active"]

    def clean_key(self):
        key = self.cleaned_data["key"]
        if ":" in key:
            raise forms.ValidationError("密钥名不能含冒号 / The key cannot contain a colon")
        return key

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("new_secret"):
            self.add_error("new_secret", "新客户端须设密钥 / A new client needs a secret")
        return cleaned

    def save(self, commit=True):
        client = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            client.secret_hash = make_password(self.cleaned_data["new_secret"])
        if client.pk is None:
            client.authority = authority_for(client.key, client.name)
        if commit:
            client.save()
        return client


@admin.register(LrsClient)
class LrsClientAdmin(SuperuserOnly):
    form = LrsClientForm
    list_display = ["key", "name", "scope", "active", "created_at"]
    list_filter = ["scope", "active"]
    search_fields = ["key", "name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_audit(
            action="learning_records.client_changed"
            if change
            else "learning_records.client_registered",
            actor_id=request.user.pk,
            actor_label=request.user.get_username(),
            object_type="lrs_client",
            object_id=obj.key,
            detail={
                "fields": sorted(form.changed_data),
                "secret_changed": bool(form.cleaned_data.get("new_secret")),
            },
        )

    def get_readonly_fields(self, request, obj=None):
        # The key names the client in every statement's authority: fixed once registered.
        return ["key"] if obj else []

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Statement)
class StatementAdmin(SuperuserOnly):
    list_display = ["id", "verb_id", "activity_id", "stored"]
    search_fields = ["=id", "=activity_id", "=verb_id"]
    readonly_fields = ("id", "payload", "verb_id", "activity_id", "registration", "stored")
    fields = readonly_fields
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
