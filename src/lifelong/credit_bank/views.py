"""Pages of the credit-bank core: the learner's archive timeline (/credit-bank/), the
enterprise import page with live progress and error reports, and the conversion application
page. Plain forms and links; the import page polls its progress with htmx."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from lifelong.credit_bank import access, selectors
from lifelong.credit_bank.importing import reports
from lifelong.credit_bank.importing.columns import COLUMNS
from lifelong.credit_bank.services import conversions, imports, outcomes
from lifelong.identity import api as identity
from lifelong.shared.errors import DomainError


def _actor(request):
    return identity.actor_for_user(request.user)


def _error_page(request, exc: DomainError):
    return render(request, "credit_bank/error.html", {"error": exc}, status=exc.status)


@login_required
@require_GET
def archive_page(request):
    """My learning archive: totals per type and per year, then the outcomes by year."""
    actor = _actor(request)
    is_importer = bool(actor.grants_for(access.IMPORT_ROLES))
    try:
        view = selectors.my_archive(actor)
    except DomainError as exc:
        if is_importer:
            return HttpResponseRedirect(reverse("credit_bank:imports"))
        return render(
            request,
            "credit_bank/archive_locked.html",
            {"error": exc},
            status=exc.status,
        )
    if view.dormant:
        outcomes.claim_archive(view.person_id)
    by_year: dict[int, list] = defaultdict(list)
    for outcome in view.outcomes:
        by_year[outcome["achieved_on"].year].append(outcome)
    return render(
        request,
        "credit_bank/archive.html",
        {
            "view": view,
            "timeline": sorted(by_year.items(), reverse=True),
            "is_importer": is_importer,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def imports_page(request):
    """Enterprise HR: download the template, upload a file, see earlier imports."""
    actor = _actor(request)
    if not actor.grants_for(access.IMPORT_ROLES | access.OFFICER_ROLES):
        return _error_page(
            request,
            DomainError("只有企业人力资源账号可以导入 / Only enterprise HR accounts can import"),
        )
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise imports.reader.rejected("请选择文件", "Choose a file")
            imported = imports.start_import(
                actor=actor,
                file_name=upload.name or "",
                upload=upload,
                size=upload.size or 0,
                dry_run=request.POST.get("dry_run") == "1",
                all_or_nothing=request.POST.get("all_or_nothing") == "1",
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request, "文件已上传，正在后台导入 / Uploaded: importing in the background"
            )
            return HttpResponseRedirect(reverse("credit_bank:import", args=[imported.pk]))
    page = selectors.list_imports(actor, page=1, page_size=20)
    return render(
        request,
        "credit_bank/imports.html",
        {"imports": page.items, "error": error, "columns": COLUMNS},
        status=error.status if error else 200,
    )


def _status_context(request, import_id):
    status = selectors.import_status(_actor(request), import_id)
    return {"status": status, "imported": status.imported}


@login_required
@require_GET
def import_page(request, import_id):
    try:
        context = _status_context(request, import_id)
    except DomainError as exc:
        return _error_page(request, exc)
    return render(request, "credit_bank/import.html", context)


@login_required
@require_GET
def import_progress(request, import_id):
    """The progress fragment the import page polls (htmx) until the job has finished."""
    try:
        context = _status_context(request, import_id)
    except DomainError as exc:
        return _error_page(request, exc)
    return render(request, "credit_bank/_import_progress.html", context)


@login_required
@require_GET
def import_errors(request, import_id, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    actor = _actor(request)
    try:
        status = selectors.import_status(actor, import_id)
        rows = selectors.import_errors(actor, import_id)
    except DomainError as exc:
        return _error_page(request, exc)
    if status.status != "succeeded":
        return _error_page(request, DomainError("导入尚未完成 / The import has not finished"))
    if fmt == "csv":
        content, content_type = reports.error_report_csv(rows), reports.CSV_TYPE
    else:
        content, content_type = reports.error_report_xlsx(rows), reports.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-errors-{import_id}.{fmt}"'
    return response


@require_GET
def import_template(request):
    actor = _actor(request)
    uscc, codes = "", []
    grants = actor.grants_for(access.IMPORT_ROLES)
    if grants:
        uscc = identity.organisation_uscc(grants[0].organisation_id) or ""
        codes = [
            (s.code, s.name) for s in selectors.standards_certifiable_by(grants[0].organisation_id)
        ]
    response = HttpResponse(
        reports.template_xlsx(uscc=uscc, standards=codes), content_type=reports.XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="credit-bank-import-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def conversions_page(request):
    """Apply to convert certified outcomes into a programme, and follow the applications."""
    actor = _actor(request)
    try:
        view = selectors.my_archive(actor)
    except DomainError as exc:
        return render(request, "credit_bank/archive_locked.html", {"error": exc}, status=exc.status)
    error = None
    if request.method == "POST":
        try:
            conversions.apply_for_conversion(
                actor=actor,
                programme_code=(request.POST.get("programme_code") or "")[:40],
                outcome_ids=request.POST.getlist("outcome_ids")[:50],
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "申请已提交 / Application submitted")
            return HttpResponseRedirect(reverse("credit_bank:conversions"))
    applications = selectors.list_applications(actor, page=1, page_size=50).items
    return render(
        request,
        "credit_bank/conversions.html",
        {
            "programmes": selectors.list_programmes(),
            "certified": [o for o in view.outcomes if o["status"] == "certified"],
            "applications": [(a, selectors.application_items(a)) for a in applications],
            "error": error,
        },
        status=error.status if error else 200,
    )
