"""What every back-office page of the training market shares: the caller's actor, the scoped
admin (rows and rights from roles and scope, changes through one use case, no deletion), the
CSV export, read-only history tables and the district filter."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import label_for_field, lookup_field
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from lifelong.identity import api as identity
from lifelong.identity.api import districts, request_actor
from lifelong.shared.errors import DomainError
from lifelong.training_market import access
from lifelong.training_market.common import CONTROL_MESSAGE, audit, control_characters_in
from lifelong.training_market.language import in_language, or_english
from lifelong.training_market.money import yuan_str

OUT_OF_RANGE_MESSAGE = "数值超出允许范围 / A value is out of the allowed range"


def refusal_text(exc: DomainError) -> str:
    """A refused use case in the reader's language, with the fields it names."""
    details = [f"{name}: {in_language(text)}" for name, text in exc.fields.items()]
    return " · ".join([in_language(exc.message), *details])


# ---- CSV export ------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@admin.action(description=_("导出所选记录（CSV）"), permissions=["view"])
def export_csv(modeladmin: ScopedAdmin, request, queryset) -> StreamingHttpResponse:
    """The list's columns for the chosen rows ("select all" takes every filtered row),
    streamed; spreadsheet programs read the UTF-8 byte-order mark."""
    columns = [c for c in modeladmin.get_list_display(request) if c != "action_checkbox"]
    model = queryset.model
    headers = [str(label_for_field(c, model, modeladmin)) for c in columns]
    count = queryset.count()
    audit(
        request_actor(request),
        "admin.export",
        model._meta.model_name,
        "",
        rows=count,
        columns=columns,
    )

    def rows() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(headers)
        for obj in queryset.iterator(chunk_size=2000):
            cells = []
            for name in columns:
                field, _attr, value = lookup_field(name, obj, modeladmin)
                if field is not None and getattr(field, "flatchoices", None):
                    value = dict(field.flatchoices).get(value, value)
                cells.append(_cell(value))
            yield writer.writerow(cells)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{model._meta.model_name}-{stamp}.csv"'
    return response


# ---- the scoped base -------------------------------------------------------------------------


class ScopedAdmin(identity.ScopedAdmin):
    """Rows and rights from the caller's roles and scope; no deletion; CSV export. A change is
    made by `apply` (one use case); a refusal comes back as a message on the same page and
    the change view's transaction is rolled back."""

    view_roles: frozenset[str] = access.SUPERVISOR_ROLES
    change_roles: frozenset[str] = frozenset()
    add_roles: frozenset[str] = frozenset()
    actions = [export_csv]
    list_per_page = 50
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # Model fields are shown, never edited: changes go through the form's own fields.
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)

    def get_fieldsets(self, request, obj=None):
        # A handled record (registry entry, complaint, case) shows its facts first and its
        # handling form last: readers without the right to change it see only the facts.
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and len(fieldsets) > 1 and not self.has_change_permission(request, obj):
            return fieldsets[:1]
        return fieldsets

    def apply(self, request, obj, form) -> None:
        """Make the change through the use case; raise its DomainError to refuse."""
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.apply(request, obj, form)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if control_characters_in(request):
            return self._refuse(request, CONTROL_MESSAGE, request.path)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # The change view runs in one transaction, which the exception has rolled back.
            return self._refuse(request, refusal_text(exc), request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        if control_characters_in(request):
            return self._refuse(request, CONTROL_MESSAGE, request.path)
        try:
            return super().changelist_view(request, extra_context)
        except OverflowError:
            # A date-hierarchy year beyond what `datetime` or the database can hold.
            return self._refuse(request, OUT_OF_RANGE_MESSAGE, request.path)

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except OverflowError:
            # An id beyond the database's integer range names no row (SQLite raises here).
            return None

    def _refuse(self, request, message: str, back_to: str) -> HttpResponseRedirect:
        self.message_user(request, in_language(message), messages.ERROR)
        return HttpResponseRedirect(back_to)


def history_table(rows: Iterable[Any], columns: list[tuple[object, Callable[[Any], object]]]):
    """An append-only history (status changes, complaint steps, case steps, postings) as a
    table on the change page: shown, never edited, and no formset to post back."""
    rows = list(rows)
    if not rows:
        return _("（无）")
    head = format_html_join("", '<th scope="col">{}</th>', ((label,) for label, _get in columns))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (format_html_join("", "<td>{}</td>", ((_cell(get(row)),) for _label, get in columns)),)
            for row in rows
        ),
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


class DistrictFilter(admin.SimpleListFilter):
    """The districts the caller supervises (all 16 for the city), by name."""

    title = _("所在区")
    parameter_name = "district"
    field = "district_id"

    def lookups(self, request, model_admin):
        actor = request_actor(request)
        grants = actor.grants_for(access.SUPERVISOR_ROLES)
        city = request.user.is_superuser or any(g.city_wide for g in grants)
        prefixes = [g.region_prefix for g in grants if g.region_prefix]
        return [
            (d.code, or_english(d.name, d.name_en))
            for d in districts()
            if city or any(d.code.startswith(p) for p in prefixes)
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class InstitutionDistrictFilter(DistrictFilter):
    field = "institution__district_id"


def yuan_or_blank(fen: int | None) -> str:
    return "" if fen is None else yuan_str(fen)
