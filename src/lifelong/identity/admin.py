"""The back office, scoped like the API: every changelist and form goes through the same
`*_visible_to` filters, so a 徐汇区 officer never lists, opens or changes 黄浦区's rows."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifelong.identity import totp
from lifelong.identity.access import (
    ACCOUNT_ADMIN_ROLES,
    ORGANISATION_MANAGER_ROLES,
    PEOPLE_MANAGER_ROLES,
    STAFF_ROLES,
    Actor,
    accounts_administered_by,
    organisations_visible_to,
    people_visible_to,
)
from lifelong.identity.backoffice import ScopedAdmin, request_actor
from lifelong.identity.models import Membership, Organisation, Person, Role, TotpDevice
from lifelong.shared.errors import DomainError
from lifelong.shared.models import AuditEntry, Region


class IdentityAdmin(ScopedAdmin):
    """Identity's tables: staff see what their scope covers (every row of the reference
    tables: regions, and for commission staff the audit log)."""

    view_roles: frozenset[str] = STAFF_ROLES
    scope_by_subquery = True

    def scope_filter(self, actor: Actor) -> Q:
        return Q()


@admin.register(Person)
class PersonAdmin(IdentityAdmin):
    view_roles = PEOPLE_MANAGER_ROLES
    list_display = [
        "name",
        "id_number_masked",
        "phone_masked",
        "district",
        "street",
        "verification_level",
    ]
    list_filter = ["verification_level", "district"]
    search_fields = ["name"]
    list_select_related = ["district", "street"]
    readonly_fields = [
        "name",
        "id_number_masked",
        "phone_masked",
        "gender",
        "birth_date",
        "district",
        "street",
        "verification_level",
        "verified_at",
        "user",
        "registered_by",
        "prefers_elder_mode",
    ]
    fields = list(readonly_fields)

    def scope_filter(self, actor):
        return people_visible_to(actor)


@admin.register(Organisation)
class OrganisationAdmin(IdentityAdmin):
    change_roles = ORGANISATION_MANAGER_ROLES
    list_display = ["name", "kind", "uscc", "region", "parent", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region", "parent"]
    fields = ["name", "name_en", "kind", "uscc", "region", "address", "active", "parent"]
    readonly_fields = ["kind", "uscc", "parent"]

    def scope_filter(self, actor):
        return organisations_visible_to(actor)


@admin.register(Membership)
class MembershipAdmin(IdentityAdmin):
    view_roles = frozenset({Role.DISTRICT_OFFICER, Role.COMMISSION_OFFICER})
    list_display = ["user", "organisation", "role", "scope", "active"]
    list_filter = ["role", "scope", "active"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["user", "organisation", "role", "scope", "active", "created_at"]

    def scope_filter(self, actor):
        visible = Organisation.objects.filter(organisations_visible_to(actor)).values("pk")
        return Q(organisation__in=visible)


@admin.register(TotpDevice)
class TotpDeviceAdmin(IdentityAdmin):
    """The authenticators of the staff accounts the caller administers. The one thing to do
    here is reset a lost one, with a reason: the same use case as the API's."""

    view_roles = ACCOUNT_ADMIN_ROLES
    list_display = ["user", "state", "confirmed_at", "reset_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "confirmed_at", "reset_at"]
    fields = list(readonly_fields)
    actions = ["reset_devices"]

    def scope_filter(self, actor):
        return Q(user__in=accounts_administered_by(actor))

    @admin.display(description=_("状态"))
    def state(self, device: TotpDevice) -> str:
        if device.confirmed_at:
            return gettext("已启用")
        if device.reset_at:
            return gettext("已重置，待重新绑定")
        return gettext("待确认")

    @admin.action(description=_("重置所选账号的动态口令（设备遗失）"))
    def reset_devices(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        confirmed = request.POST.get("post") == "yes"
        if not (confirmed and reason):
            return TemplateResponse(
                request,
                "admin/identity/totpdevice/reset_selected.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("重置动态口令"),
                    "opts": self.model._meta,
                    "queryset": queryset.select_related("user"),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "error": gettext("请填写重置原因") if confirmed else "",
                    "reason": reason,
                    "media": self.media,
                },
                status=422 if confirmed else 200,
            )
        done = 0
        for device in queryset.select_related("user"):
            try:
                totp.reset_totp(
                    actor=request_actor(request), username=device.user.get_username(), reason=reason
                )
            except DomainError as exc:
                self.message_user(request, f"{device.user}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            message = gettext("已重置 %(count)d 个账号的动态口令，本人已收到通知") % {"count": done}
            self.message_user(request, message, messages.SUCCESS)
        return None


@admin.register(AuditEntry)
class AuditEntryAdmin(IdentityAdmin):
    """Readable by commission staff only; nobody may change or delete an entry."""

    view_roles = frozenset({Role.COMMISSION_OFFICER})
    list_display = [
        "at",
        "actor_label",
        "role",
        "action",
        "object_type",
        "object_id",
        "outcome",
        "ip",
    ]
    list_filter = ["outcome", "action"]
    search_fields = ["actor_label", "action", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(Region)
class RegionAdmin(IdentityAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "name", "name_en", "level", "parent", "scope_prefix", "active"]


admin.site.empty_value_display = "—"
