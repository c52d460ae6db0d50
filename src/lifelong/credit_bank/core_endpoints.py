"""HTTP endpoints of the credit-bank core under /api/v1: my archive, staff views of archives
and outcomes, deposits and corrections, standards, enterprise imports and conversions."""

from __future__ import annotations

import json
from uuid import UUID

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from lifelong.credit_bank import access, selectors
from lifelong.credit_bank.importing import reports
from lifelong.credit_bank.models import Application, Standard
from lifelong.credit_bank.schemas import (
    ArchiveOut,
    CertifierIn,
    CertifierOut,
    CertifyIn,
    ChainCheckOut,
    ConversionFilter,
    ConversionIn,
    ConversionOut,
    ConversionPage,
    ConversionReviewIn,
    CorrectIn,
    DepositIn,
    ImportOut,
    ImportPage,
    OutcomeFilter,
    OutcomePage,
    PageFilter,
    ProgrammeList,
    ReasonIn,
    RetryIn,
    RuleSetIn,
    RuleSetOut,
    StaffOutcomeOut,
    StandardDetail,
    StandardFilter,
    StandardIn,
    StandardList,
    StandardOut,
)
from lifelong.credit_bank.services import conversions, imports, outcomes, standards
from lifelong.identity import api as identity
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, NotFound

router = Router(tags=["credit_bank"])
bearer = identity.BearerAuth()


def _str(value) -> str | None:
    return None if value is None else str(value)


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def outcome_json(o: dict) -> dict:
    """One outcome in the `OutcomeOut` shape, JSON-ready (decimals as strings)."""
    return {
        "id": str(o["id"]),
        "title": o["title"],
        "type": o["type"],
        "type_label": o["type_label"],
        "source_kind": o["source_kind"],
        "source_label": o["source_label"],
        "source_organisation": o["source_organisation"],
        "external_id": o["external_id"],
        "standard": o["standard"],
        "credits": _str(o["credits"]),
        "score": _str(o["score"]),
        "hours": _str(o["hours"]),
        "achieved_on": o["achieved_on"].isoformat(),
        "evidence": o["evidence"],
        "status": o["status"],
        "status_label": o["status_label"],
        "status_reason": o["status_reason"],
        "certified_by": o["certified_by"],
        "certified_at": _iso(o["certified_at"]),
        "credential_id": _str(o["credential_id"]),
    }


def archive_out(view: selectors.ArchiveView) -> dict:
    totals = view.totals
    return {
        "archive_id": view.archive_id,
        "person_id": view.person_id,
        "balance": str(view.balance),
        "chain": {"seq": view.head_seq, "hash": view.head_hash},
        "totals": {
            "credits": str(totals.credits),
            "outcomes": totals.outcomes,
            "certified": totals.certified,
            "by_type": [{**t, "credits": str(t["credits"])} for t in totals.by_type],
            "by_year": [{**y, "credits": str(y["credits"])} for y in totals.by_year],
        },
        "outcomes": [outcome_json(o) for o in view.outcomes],
    }


def archive_response(view: selectors.ArchiveView) -> HttpResponse:
    """The archive rendered straight to JSON: a learner may hold thousands of outcomes, and
    this shape is fixed by `ArchiveOut` (which the OpenAPI document still shows)."""
    return HttpResponse(
        json.dumps(archive_out(view), ensure_ascii=False), content_type="application/json"
    )


def _outcome_dict(actor, outcome_id) -> dict:
    outcome = access.access_outcome_by_id(actor, outcome_id)
    row = selectors._outcome_rows(type(outcome).objects.filter(pk=outcome.pk))[0]
    row["archive_id"] = outcome.archive_id
    return row


# ---- archives --------------------------------------------------------------------------------


@router.get(
    "/me/archive",
    response=ArchiveOut,
    auth=bearer,
    summary="My learning archive: every outcome and the totals per type and year "
    "(a verified account is required)",
)
def my_archive(request):
    view = selectors.my_archive(request.auth)
    if view.dormant:
        outcomes.claim_archive(view.person_id)
    return archive_response(view)


@router.get(
    "/credit-bank/archives/{archive_id}",
    response=ArchiveOut,
    auth=bearer,
    summary="A learning archive in your scope (an organisation sees only what it deposited)",
)
def staff_archive(request, archive_id: UUID):
    view = selectors.staff_archive(request.auth, archive_id)
    record_audit(
        action="credit_bank.archive_view",
        actor_id=request.auth.user_id,
        actor_label=request.auth.label,
        role=request.auth.primary_role,
        object_type="credit_bank.archive",
        object_id=str(archive_id),
    )
    return archive_response(view)


@router.get(
    "/credit-bank/archives/{archive_id}/chain",
    response=ChainCheckOut,
    auth=bearer,
    summary="Recompute an archive's hash chain and say whether it is intact",
)
def archive_chain(request, archive_id: UUID):
    access.require_role(request.auth, access.OFFICER_ROLES)
    archive = access.access_archive_by_id(request.auth, archive_id)
    return selectors.verify_archive_chain(archive).__dict__


# ---- outcomes --------------------------------------------------------------------------------


@router.get(
    "/credit-bank/outcomes",
    response=OutcomePage,
    auth=bearer,
    summary="Outcomes in your scope, or deposited or certified by your organisation",
)
def list_outcomes(request, filters: Query[OutcomeFilter]):
    page = selectors.list_outcomes(request.auth, **filters.dict())
    return {"items": page.items, "count": page.count}


@router.post(
    "/credit-bank/outcomes",
    response={200: StaffOutcomeOut, 201: StaffOutcomeOut},
    auth=bearer,
    summary="Deposit one outcome for a person, certified by your organisation (idempotent on "
    "external_id: 200 with the existing outcome)",
)
def deposit(request, payload: DepositIn):
    outcome, created = outcomes.deposit_outcome(actor=request.auth, **payload.dict())
    return Status(201 if created else 200, _outcome_dict(request.auth, outcome.pk))


@router.get(
    "/credit-bank/outcomes/{outcome_id}",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="One outcome (yours, or in your scope)",
)
def outcome_detail(request, outcome_id: UUID):
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/certify",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Certify a pending outcome against a standard (credit-bank officers)",
)
def certify(request, outcome_id: UUID, payload: CertifyIn):
    outcomes.certify_pending_outcome(
        actor=request.auth, outcome_id=outcome_id, standard_code=payload.standard_code
    )
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/reject",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Refuse to certify a pending outcome, with the reason (credit-bank officers)",
)
def reject(request, outcome_id: UUID, payload: ReasonIn):
    outcomes.reject_outcome(actor=request.auth, outcome_id=outcome_id, reason=payload.reason)
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/revoke",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Revoke a certified outcome: a reversing posting with the reason",
)
def revoke(request, outcome_id: UUID, payload: ReasonIn):
    outcomes.revoke_outcome(actor=request.auth, outcome_id=outcome_id, reason=payload.reason)
    return _outcome_dict(request.auth, outcome_id)


@router.post(
    "/credit-bank/outcomes/{outcome_id}/corrections",
    response=StaffOutcomeOut,
    auth=bearer,
    summary="Correct a certified outcome's credits: a reversal and a new posting, with the reason",
)
def correct(request, outcome_id: UUID, payload: CorrectIn):
    outcomes.correct_outcome_credits(
        actor=request.auth, outcome_id=outcome_id, credits=payload.credits, reason=payload.reason
    )
    return _outcome_dict(request.auth, outcome_id)


# ---- standards -------------------------------------------------------------------------------


def standard_out(s: Standard) -> dict:
    return {
        f: getattr(s, f)
        for f in (
            "code",
            "version",
            "name",
            "name_en",
            "type",
            "level",
            "credits",
            "criteria",
            "awarding_body",
            "validity_months",
            "qualification_level",
            "catalog_category",
            "status",
        )
    }


@router.get(
    "/credit-bank/standards",
    response=StandardList,
    auth=None,
    summary="The certification-standard catalogue (versions in force, or all)",
)
def list_standards(request, filters: Query[StandardFilter]):
    items = selectors.list_standards(**filters.dict())
    return {"items": [standard_out(s) for s in items], "count": len(items)}


@router.post(
    "/credit-bank/standards",
    response={201: StandardOut},
    auth=bearer,
    summary="Publish a standard, or the next version of one (credit-bank officers)",
)
def publish_standard(request, payload: StandardIn):
    standard = standards.publish_standard(actor=request.auth, **payload.dict())
    return Status(201, standard_out(standard))


@router.get(
    "/credit-bank/standards/{code}",
    response=StandardDetail,
    auth=None,
    summary="Every version of a standard and who may certify it",
)
def standard_detail(request, code: str):
    versions = selectors.standard_versions(code[:40])
    if not versions:
        raise NotFound("找不到该标准 / No such standard")
    return {
        "versions": [standard_out(s) for s in versions],
        "certifiers": selectors.certifiers_of(versions[0].code),
    }


@router.post(
    "/credit-bank/standards/{code}/retire",
    response=StandardOut,
    auth=bearer,
    summary="Stop certifying against a standard (credit-bank officers)",
)
def retire_standard(request, code: str):
    return standard_out(standards.retire_standard(actor=request.auth, code=code[:40]))


@router.post(
    "/credit-bank/standards/{code}/certifiers",
    response=CertifierOut,
    auth=bearer,
    summary="Allow or stop allowing an organisation to certify a standard (credit-bank officers)",
)
def set_certifier(request, code: str, payload: CertifierIn):
    grant = standards.set_certifier(actor=request.auth, standard_code=code[:40], **payload.dict())
    names = identity.organisation_names([grant.organisation_id])
    return {"organisation_id": grant.organisation_id, "name": names.get(grant.organisation_id)}


# ---- imports ---------------------------------------------------------------------------------


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


# ---- conversions -----------------------------------------------------------------------------


@router.get(
    "/credit-bank/programmes",
    response=ProgrammeList,
    auth=None,
    summary="Programmes open to credit conversion, with the rules and caps in force",
)
def list_programmes(request):
    items = []
    pairs = selectors.list_programmes()
    names = identity.organisation_names([p.institution_id for p, _ in pairs])
    for programme, rule_set in pairs:
        items.append(
            {
                "code": programme.code,
                "name": programme.name,
                "institution": names.get(programme.institution_id),
                "total_credits": programme.total_credits,
                "courses": [
                    {"code": code, "name": c["name"], "credits": c["credits"]}
                    for code, c in sorted((programme.courses or {}).items())
                ],
                "rule_set_version": rule_set.version if rule_set else None,
                "caps": {
                    "total": rule_set.cap_total,
                    "per_source": rule_set.cap_per_source,
                    "per_year": rule_set.cap_per_year,
                }
                if rule_set
                else None,
                "rules": [
                    {
                        "standard_code": r.standard_code,
                        "course_code": r.course_code,
                        "course_name": r.course_name,
                        "course_credits": r.course_credits,
                        "min_score": r.min_score,
                        "max_age_years": r.max_age_years,
                        "automatic": r.automatic,
                    }
                    for r in (rule_set.rules.all() if rule_set else [])
                ],
            }
        )
    return {"items": items, "count": len(items)}


@router.post(
    "/credit-bank/programmes/{code}/rule-sets",
    response={201: RuleSetOut},
    auth=bearer,
    summary="Publish the next version of a programme's conversion rules and caps "
    "(credit-bank officers)",
)
def publish_rule_set(request, code: str, payload: RuleSetIn):
    rule_set = conversions.publish_rule_set(
        actor=request.auth,
        programme_code=code[:40],
        cap_total=payload.cap_total,
        cap_per_source=payload.cap_per_source,
        cap_per_year=payload.cap_per_year,
        rules_in=[r.dict() for r in payload.rules],
    )
    return Status(
        201,
        {
            "programme_code": code,
            "version": rule_set.version,
            "status": rule_set.status,
            "rules": rule_set.rules.count(),
        },
    )


def conversion_out(application: Application) -> dict:
    programme = application.rule_set.programme
    return {
        "id": application.pk,
        "programme_code": programme.code,
        "programme_name": programme.name,
        "rule_set_version": application.rule_set.version,
        "status": application.status,
        "granted_credits": application.granted_credits,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "items": [
            {
                "id": i.pk,
                "outcome_id": i.outcome_id,
                "outcome_title": i.outcome.title,
                "decision": i.decision,
                "course_code": i.course_code,
                "credits": i.credits,
                "reasons": i.reasons,
                "decided_at": i.decided_at,
            }
            for i in application.items.all()
        ],
    }


@router.post(
    "/credit-bank/conversions",
    response={201: ConversionOut},
    auth=bearer,
    summary="Apply to convert outcomes of your archive into a programme's courses: decided "
    "at once where a rule decides, otherwise under staff review",
)
def apply_conversion(request, payload: ConversionIn):
    application = conversions.apply_for_conversion(
        actor=request.auth,
        programme_code=payload.programme_code,
        outcome_ids=payload.outcome_ids,
    )
    return Status(
        201, conversion_out(access.access_application_by_id(request.auth, application.pk))
    )


@router.get(
    "/credit-bank/conversions",
    response=ConversionPage,
    auth=bearer,
    summary="Your conversion applications (officers: all, e.g. those under review)",
)
def list_conversions(request, filters: Query[ConversionFilter]):
    page = selectors.list_applications(request.auth, **filters.dict())
    return {"items": [conversion_out(a) for a in page.items], "count": page.count}


@router.get(
    "/credit-bank/conversions/{application_id}",
    response=ConversionOut,
    auth=bearer,
    summary="One conversion application with its decisions and reasons",
)
def conversion_detail(request, application_id: UUID):
    return conversion_out(access.access_application_by_id(request.auth, application_id))


@router.post(
    "/credit-bank/conversions/{application_id}/items/{item_id}/review",
    response=ConversionOut,
    auth=bearer,
    summary="Decide an item under review (credit-bank officers)",
)
def review_conversion(request, application_id: UUID, item_id: int, payload: ConversionReviewIn):
    conversions.review_conversion_item(
        actor=request.auth, application_id=application_id, item_id=item_id, **payload.dict()
    )
    return conversion_out(access.access_application_by_id(request.auth, application_id))
