"""The back office, scoped like the API: every changelist and form goes through the same
`*_visible_to` filters, so a 徐汇区 officer never lists, opens or changes 黄浦区's rows."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from lifelong.identity.access import (
    ORGANISATION_MANAGER_ROLES,
    PEOPLE_MANAGER_ROLES,
    STAFF_ROLES,
    Actor,
    actor_for_user,
    organisations_visible_to,
    people_visible_to,
)
from lifelong.identity.models import Membership, Organisation, Person, Role
from lifelong.shared.models import AuditEntry, Region


def request_actor(request) -> Actor:
    actor = getattr(request, "_lifelong_actor", None)
    if actor is None:
        actor = actor_for_user(request.user)
        request._lifelong_actor = actor
    return actor


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows and rights come from the caller's roles and scope."""

    view_roles: frozenset[str] = STAFF_ROLES
    change_roles: frozenset[str] = frozenset()
    add_roles: frozenset[str] = frozenset()

    def scope_filter(self, actor: Actor) -> Q:
        return Q()

    def _has(self, request, roles: frozenset[str]) -> bool:
        if request.user.is_superuser:
            return True
        return bool(
            request.user.is_active
            and request.user.is_staff
            and request_actor(request).grants_for(roles)
        )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        visible = qs.model.objects.filter(self.scope_filter(request_actor(request))).values("pk")
        return qs.filter(pk__in=visible)

    def has_module_permission(self, request):
        return self._has(request, self.view_roles)

    def has_view_permission(self, request, obj=None):
        return self._has(request, self.view_roles | self.change_roles)

    def has_change_permission(self, request, obj=None):
        return self._has(request, self.change_roles)

    def has_add_permission(self, request):
        return self._has(request, self.add_roles)

    def has_delete_permission(self, request, obj=None):
        # Deletion is never a back-office action: records are deactivated or superseded.
        return False


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
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
class OrganisationAdmin(ScopedAdmin):
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
class MembershipAdmin(ScopedAdmin):
    view_roles = frozenset({Role.DISTRICT_OFFICER, Role.COMMISSION_OFFICER})
    list_display = ["user", "organisation", "role", "scope", "active"]
    list_filter = ["role", "scope", "active"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["user", "organisation", "role", "scope", "active", "created_at"]

    def scope_filter(self, actor):
        visible = Organisation.objects.filter(organisations_visible_to(actor)).values("pk")
        return Q(organisation__in=visible)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
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
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "name", "name_en", "level", "parent", "scope_prefix", "active"]


admin.site.empty_value_display = "—"
