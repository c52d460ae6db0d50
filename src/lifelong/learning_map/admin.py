"""The learning map's back office, scoped like the API: places, routes, activity sessions
and volunteers are listed only to the staff whose area covers them (`access.*_managed_by`).
Places and routes are corrected through `services.backoffice`, so a place's grid key and a
route's length follow every change; sessions (seats change only under the row lock of the
booking service) and volunteers (their hours are append-only) are read-only here. Nothing is
ever deleted: places and routes are closed with their `active` box."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.identity.api import Actor, ScopedAdmin, request_actor
from lifelong.learning_map import access
from lifelong.learning_map.models import (
    ActivitySession,
    Booking,
    Place,
    PlacePhoto,
    Route,
    RouteStop,
    ServiceHours,
    Volunteer,
)
from lifelong.learning_map.services import backoffice
from lifelong.learning_map.services.places import check_route_stops
from lifelong.shared.errors import DomainError


class MapAdmin(ScopedAdmin):
    """The map's tables are kept by the staff who manage places in their area."""

    view_roles: frozenset[str] = access.MANAGER_ROLES


def _refused(exc: DomainError, form: forms.Form) -> forms.ValidationError:
    for name, message in exc.fields.items():
        if name in form.fields:
            form.add_error(name, message)
    return forms.ValidationError(exc.message)


def _code(region) -> str | None:
    return region.pk if region is not None else None


# ---- places ----------------------------------------------------------------------------------


def _https_by_default(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class PlaceForm(forms.ModelForm):
    actor: Actor

    class Meta:
        model = Place
        formfield_callback = _https_by_default
        fields = [
            "name",
            "name_en",
            "kind",
            "audience",
            "organisation",
            "province",
            "city",
            "district",
            "street",
            "address",
            "lat",
            "lng",
            "opening_hours",
            "step_free",
            "seating",
            "accessible_toilet",
            "phone",
            "website",
            "description",
            "active",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        district, street = _code(cleaned.get("district")), _code(cleaned.get("street"))
        adding = self.instance.pk is None
        if adding or (district, street) != (self.instance.district_id, self.instance.street_id):
            roles = access.PLACE_CREATOR_ROLES if adding else access.MANAGER_ROLES
            try:
                access.require_place_in_scope(
                    self.actor, district=district, street=street, roles=roles
                )
            except DomainError as exc:
                raise _refused(exc, self) from exc
        return cleaned

    def facts(self) -> dict[str, Any]:
        """The form's values in the terms of `services.backoffice`."""
        data = dict(self.cleaned_data)
        lat, lng = data.pop("lat"), data.pop("lng")
        for name in ("organisation", "district", "street"):
            value = data.pop(name, None)
            data[f"{name}_id"] = value.pk if value is not None else None
        return {"lat": lat, "lng": lng, **data}


class PhotoInline(admin.TabularInline):
    model = PlacePhoto
    extra = 0
    fields = ["position", "url", "alt"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Place)
class PlaceAdmin(MapAdmin):
    form = PlaceForm
    change_roles = access.MANAGER_ROLES
    add_roles = access.PLACE_CREATOR_ROLES
    list_display = ["name", "kind", "province", "district", "street", "audience", "active"]
    list_filter = ["kind", "province", "audience", "active"]
    search_fields = ["name", "address"]
    list_select_related = ["district", "street"]
    raw_id_fields = ["organisation"]
    inlines = [PhotoInline]

    def scope_filter(self, actor: Actor) -> Q:
        return access.places_managed_by(actor)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Shanghai's districts and streets only: the region table holds every code ever issued.
        regions = db_field.remote_field.model.objects
        if db_field.name == "district":
            kwargs["queryset"] = regions.filter(level="district", code__startswith="31")
        elif db_field.name == "street":
            kwargs["queryset"] = regions.filter(level="street", code__startswith="31")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        facts = form.facts()
        actor = request_actor(request)
        if change:
            saved = backoffice.update_place(actor=actor, place_id=obj.pk, **facts)
        else:
            saved = backoffice.register_place(actor=actor, **facts)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # The photos are shown, not edited, here; nothing else hangs off the form.
        return None


# ---- routes ----------------------------------------------------------------------------------


class RouteForm(forms.ModelForm):
    actor: Actor
    stop_ids = forms.CharField(
        label=_("站点（场所编号，按顺序，逗号分隔）"),
        help_text=_("至少两个站点；保存后重新计算全长。"),
    )

    class Meta:
        model = Route
        fields = [
            "name",
            "theme",
            "audience",
            "district",
            "circle",
            "description",
            "duration_minutes",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            ids = self.instance.stops.order_by("position").values_list("place_id", flat=True)
            self.fields["stop_ids"].initial = ",".join(str(i) for i in ids)

    def clean_stop_ids(self) -> list[int]:
        raw = self.cleaned_data.get("stop_ids") or ""
        try:
            ids = [int(part) for part in raw.replace("，", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("请填写场所编号，用逗号分隔。")) from None
        try:
            check_route_stops(ids)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return ids

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not backoffice.district_allowed(self.actor, _code(cleaned.get("district"))):
            raise forms.ValidationError(_("该区不在您的管辖范围内。"))
        return cleaned

    def facts(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        stops = data.pop("stop_ids")
        for name in ("district", "circle"):
            value = data.pop(name, None)
            data[f"{name}_id"] = value.pk if value is not None else None
        return {"stop_place_ids": stops, **data}


class StopInline(admin.TabularInline):
    model = RouteStop
    extra = 0
    fields = ["position", "place", "note"]
    readonly_fields = ["position", "place", "note"]
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Route)
class RouteAdmin(MapAdmin):
    form = RouteForm
    change_roles = access.PLACE_CREATOR_ROLES
    add_roles = access.PLACE_CREATOR_ROLES
    list_display = [
        "name",
        "theme",
        "audience",
        "district",
        "length_m",
        "duration_minutes",
        "active",
    ]
    list_filter = ["theme", "audience", "active"]
    search_fields = ["name"]
    list_select_related = ["district"]
    readonly_fields = ["length_m"]
    inlines = [StopInline]

    def scope_filter(self, actor: Actor) -> Q:
        return access.routes_managed_by(actor)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                level="district", code__startswith="31"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        facts = form.facts()
        actor = request_actor(request)
        if change:
            saved = backoffice.update_route(actor=actor, route_id=obj.pk, **facts)
        else:
            saved = backoffice.register_route(actor=actor, **facts)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        return None


# ---- sessions and volunteers (read-only) -----------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BookingInline(ReadOnlyInline):
    model = Booking
    fields = readonly_fields = (
        "queue_no",
        "status",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "attended_at",
    )
    ordering = ["queue_no"]


@admin.register(ActivitySession)
class ActivitySessionAdmin(MapAdmin):
    list_display = ["activity", "starts_at", "capacity", "booked_count", "status"]
    list_filter = ["status", "activity__kind"]
    search_fields = ["activity__title"]
    list_select_related = ["activity"]
    date_hierarchy = "starts_at"
    fields = readonly_fields = (
        "activity",
        "starts_at",
        "ends_at",
        "capacity",
        "booked_count",
        "meeting_point",
        "guide",
        "status",
    )
    inlines = [BookingInline]

    def scope_filter(self, actor: Actor) -> Q:
        return access.sessions_managed_by(actor)


class ServiceHoursInline(ReadOnlyInline):
    model = ServiceHours
    fields = readonly_fields = ("served_on", "hours", "note", "reverses", "recorded_by")


@admin.register(Volunteer)
class VolunteerAdmin(MapAdmin):
    list_display = ["display_name", "kind", "district", "joined_on", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["display_name"]
    list_select_related = ["district"]
    fields = readonly_fields = (
        "display_name",
        "kind",
        "skills",
        "available_weekdays",
        "availability_note",
        "district",
        "joined_on",
        "active",
    )
    inlines = [ServiceHoursInline]

    def scope_filter(self, actor: Actor) -> Q:
        return access.volunteers_managed_by(actor)
