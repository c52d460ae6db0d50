"""The base every domain's back office (Django admin) builds on: rows and rights come from the
caller's roles and scope, exactly as in the API, and nothing is ever deleted there.

A domain's admin sets `view_roles`, `change_roles` and `add_roles` and narrows the rows with
`scope_filter(actor)`; without one, a staff member sees no rows (superusers see all). Forms get
the caller's actor as `form.actor`, so their validation can ask the same services the API asks.
Other domains reach this through `identity.api`.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from lifelong.identity.access import Actor, actor_for_user


def request_actor(request) -> Actor:
    """The caller's actor, built once per request."""
    actor = getattr(request, "_lifelong_actor", None)
    if actor is None:
        actor = actor_for_user(request.user)
        request._lifelong_actor = actor
    return actor


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows and rights come from the caller's roles and scope; no
    deletion (records are deactivated, closed, taken down or superseded instead)."""

    view_roles: frozenset[str] = frozenset()
    change_roles: frozenset[str] = frozenset()
    add_roles: frozenset[str] = frozenset()
    # Filter through a primary-key subquery when the scope joins to many-valued relations
    # (a person in several organisations would otherwise be listed once per match).
    scope_by_subquery = False

    def scope_filter(self, actor: Actor) -> Q:
        return Q(pk__in=[])

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
        scope = self.scope_filter(request_actor(request))
        if self.scope_by_subquery:
            return qs.filter(pk__in=qs.model.objects.filter(scope).values("pk"))
        return qs.filter(scope)

    def has_module_permission(self, request):
        return self._has(request, self.view_roles | self.change_roles)

    def has_view_permission(self, request, obj=None):
        return self._has(request, self.view_roles | self.change_roles)

    def has_change_permission(self, request, obj=None):
        return self._has(request, self.change_roles)

    def has_add_permission(self, request):
        return self._has(request, self.add_roles)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request_actor(request)
        return form
