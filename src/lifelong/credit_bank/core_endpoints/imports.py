"""Enterprise bulk imports: upload, progress, retry, error reports and the template
(under /api/v1)."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from lifelong.credit_bank import access, selectors
from lifelong.credit_bank.importing import reports
from lifelong.credit_bank.schemas import ImportOut, ImportPage, PageFilter, RetryIn
from lifelong.credit_bank.services import imports
from lifelong.identity import api as identity
from lifelong.shared.errors import Conflict

router = Router(tags=["credit_bank"])
bearer = identity.BearerAuth()


def import_out(status: selectors.ImportStatus) -> dict:
    i = status.imported
    finished = status.status == "succeeded"
    return {
        "id": i.pk,
        "job_id": i.pk,
        "status": status.status,
        "progress": status.percent,
        "message": status.message,
        "file_name": i.file_name,
        "dry_run": i.dry_run,
        "all_or_nothing": i.all_or_nothing,
        "counts": {
            "total": i.total_rows,
            "processed": i.processed_rows,
            "valid": i.valid_rows,
            "imported": i.imported_rows,
            "duplicates": i.duplicate_rows,
            "invalid": i.invalid_rows,
            "batches_committed": i.batches_committed,
        },
        "error_report": reverse("api:credit_bank_import_errors_csv", args=[i.pk])
        if finished
        else None,
        "error_report_xlsx": reverse("api:credit_bank_import_errors_xlsx", args=[i.pk])
        if finished
        else None,
        "created_at": i.created_at,
        "finished_at": i.finished_at,
    }


@router.post(
    "/credit-bank/imports",
    response={202: ImportOut},
    auth=bearer,
    summary="Upload an Excel or CSV file of training outcomes (enterprise HR); imported in "
    "the background",
)
def create_import(
    request,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    all_or_nothing: Form[bool] = False,
):
    imported = imports.start_import(
        actor=request.auth,
        file_name=file.name or "",
        upload=file,
        size=file.size or 0,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )
    return Status(202, import_out(selectors.import_status(request.auth, imported.pk)))


@router.get(
    "/credit-bank/imports",
    response=ImportPage,
    auth=bearer,
    summary="Your organisation's imports, newest first",
)
def list_imports(request, filters: Query[PageFilter]):
    page = selectors.list_imports(request.auth, **filters.dict())
    return {"items": [import_out(s) for s in page.items], "count": page.count}


@router.get(
    "/credit-bank/imports/{import_id}",
    response=ImportOut,
    auth=bearer,
    summary="An import: status, progress, counts and the error-report link",
)
def import_detail(request, import_id: UUID):
    return import_out(selectors.import_status(request.auth, import_id))


@router.post(
    "/credit-bank/imports/{import_id}/retry",
    response={202: ImportOut},
    auth=bearer,
    summary="Run a stored file again as a new job; rows already imported are skipped",
)
def retry_import(request, import_id: UUID, payload: RetryIn):
    imported = imports.retry_import(actor=request.auth, import_id=import_id, **payload.dict())
    return Status(202, import_out(selectors.import_status(request.auth, imported.pk)))


def _report(request, import_id: UUID, fmt: str) -> HttpResponse:
    status = selectors.import_status(request.auth, import_id)
    if status.status != "succeeded":
        raise Conflict("导入尚未完成 / The import has not finished")
    rows = selectors.import_errors(request.auth, import_id)
    if fmt == "csv":
        content, content_type = reports.error_report_csv(rows), reports.CSV_TYPE
    else:
        content, content_type = reports.error_report_xlsx(rows), reports.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-errors-{import_id}.{fmt}"'
    return response


@router.get(
    "/credit-bank/imports/{import_id}/errors.csv",
    auth=bearer,
    url_name="credit_bank_import_errors_csv",
    summary="The error report as CSV (行号/row, 列/column, 原因/reason)",
)
def import_errors_csv(request, import_id: UUID):
    return _report(request, import_id, "csv")


@router.get(
    "/credit-bank/imports/{import_id}/errors.xlsx",
    auth=bearer,
    url_name="credit_bank_import_errors_xlsx",
    summary="The error report as Excel",
)
def import_errors_xlsx(request, import_id: UUID):
    return _report(request, import_id, "xlsx")


@router.get(
    "/credit-bank/import-template.xlsx",
    auth=None,
    summary="The Excel template for imports (with your USCC and standards when signed in)",
)
def import_template(request):
    actor = identity.optional_actor(request)
    uscc, codes = "", []
    grants = actor.grants_for(access.IMPORT_ROLES)
    if grants:
        uscc = identity.organisation_uscc(grants[0].organisation_id) or ""
        codes = [
            (s.code, s.name) for s in selectors.standards_certifiable_by(grants[0].organisation_id)
        ]
    response = FileResponse(
        iter([reports.template_xlsx(uscc=uscc, standards=codes)]),
        content_type=reports.XLSX_TYPE,
        as_attachment=True,
        filename="credit-bank-import-template.xlsx",
    )
    return response
