"""One-stop applications (一网通办): establishment, change and renewal, with documents, a
review by the district's regulators within a statutory time limit, and the decision on record.

    submitted ──review──▶ under_review ──approve──▶ approved
                             │  ▲        └─reject──▶ rejected
                  request_more│  │resubmit
                             ▼  │
                           more_info

The time limit is 20 working days (Monday to Friday) from submission. Approving an
establishment registers the institution (and its organisation) and issues its licence;
approving a change applies it; approving a renewal extends the licence by five years."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.api import get_region
from lifelong.shared.errors import Conflict, Forbidden, Invalid, NotFound
from lifelong.training_market import access
from lifelong.training_market.common import add_months, audit, choice, text
from lifelong.training_market.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationKind,
    Category,
    Institution,
    InstitutionCategory,
)
from lifelong.training_market.services.registry import PremisesIn, register_institution

WORKING_DAYS = 20
LICENCE_YEARS = 5
DOCUMENT_KINDS = ("application_form", "charter", "premises_lease", "fire_safety", "other")
FLOW = {
    "review": ("submitted", "under_review"),
    "request_more": ("under_review", "more_info"),
    "resubmit": ("more_info", "under_review"),
    "approve": ("under_review", "approved"),
    "reject": ("under_review", "rejected"),
}


def add_working_days(day: dt.date, days: int) -> dt.date:
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def applications_visible_to(actor: identity.Actor) -> Q:
    q = access.district_q(actor, access.SUPERVISOR_ROLES)
    if actor.user_id is not None:
        q |= Q(applicant_id=actor.user_id)
    return q


def access_application_by_id(
    actor: identity.Actor, application_id, *, for_update: bool = False
) -> Application:
    access.signed_in(actor)
    rows = Application.objects.filter(applications_visible_to(actor))
    if for_update:
        rows = rows.select_for_update()
    try:
        return rows.get(pk=application_id)
    except (Application.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("找不到该申请 / No such application") from None


@transaction.atomic
def submit_application(
    *,
    actor: identity.Actor,
    kind: str,
    district_code: str = "",
    name: str = "",
    uscc: str = "",
    institution_id: int | None = None,
    details: dict | None = None,
) -> Application:
    """Anyone signed in applies to establish an institution; its own staff apply for a change
    or a renewal."""
    user_id = access.signed_in(actor)
    kind = choice(kind, "kind", ApplicationKind.values)
    institution = None
    if kind == "establishment":
        region = get_region(district_code or "")
        if region is None or region.level != "district":
            raise Invalid("区代码无效 / Unknown district", fields={"district_code": "未知"})
        district = region.code
        name = text(name, "name", max_length=200)
    else:
        if institution_id is None:
            raise Invalid("请指明机构 / Name the institution", fields={"institution_id": "必填"})
        institution = access.access_institution_by_id(actor, institution_id, access.STAFF_ROLES)
        district, name = institution.district_id, institution.name
    now = clock.now()
    application = Application.objects.create(
        kind=kind,
        institution=institution,
        district_id=district,
        name=name,
        uscc=text(uscc, "uscc", max_length=18, required=False).upper(),
        details=details or {},
        applicant_id=user_id,
        submitted_at=now,
        due_on=add_working_days(clock.today(), WORKING_DAYS),
    )
    ApplicationEvent.objects.create(
        application=application, status="submitted", by_id=user_id, at=now
    )
    audit(actor, "application.submit", "application", application.pk, kind=kind)
    return application


@transaction.atomic
def attach_document(
    *, actor: identity.Actor, application_id: int, kind: str, upload
) -> ApplicationDocument:
    """The applicant uploads a document (size and type limited; kept in private storage)."""
    application = access_application_by_id(actor, application_id)
    if application.applicant_id != actor.user_id:
        raise Forbidden("只有申请人可以上传材料 / Only the applicant uploads documents")
    if application.status not in ("submitted", "more_info"):
        raise Conflict("当前状态不能补充材料 / Documents cannot be added now")
    kind = choice(kind, "kind", list(DOCUMENT_KINDS))
    original = PurePath(upload.name or "document").name[:200]
    suffix = PurePath(original).suffix.lower()
    allowed = settings.UPLOAD_ALLOWED_TYPES
    if suffix not in allowed or suffix not in (".pdf", ".jpg", ".png"):
        raise Invalid(
            "只接受 PDF、JPG、PNG 文件 / Only PDF, JPG or PNG files",
            fields={"file": "类型不允许 / type not allowed"},
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise Invalid("文件过大 / The file is too large", fields={"file": "过大 / too large"})
    head = upload.read(8)
    upload.seek(0)
    signatures = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",)}
    if not head.startswith(signatures[suffix]):
        raise Invalid(
            "文件内容与类型不符 / The file's content does not match its type",
            fields={"file": "内容不符 / content mismatch"},
        )
    path = storages["private"].save(
        f"training_market/applications/{application.pk}/{uuid.uuid4().hex}{suffix}", upload
    )
    document = ApplicationDocument.objects.create(
        application=application,
        kind=kind,
        original_name=original,
        content_type=allowed[suffix],
        size=upload.size,
        path=path,
    )
    audit(actor, "application.document", "application", application.pk, document=document.pk)
    return document


def _in_district(actor: identity.Actor, district: str) -> bool:
    return any(
        g.city_wide or (g.region_prefix and district.startswith(g.region_prefix))
        for g in actor.grants_for(access.ENFORCER_ROLES)
    )


@transaction.atomic
def decide_application(
    *, actor: identity.Actor, application_id: int, action: str, note: str = ""
) -> Application:
    """Move an application on: the district's regulators review, ask for more, approve or
    reject; the applicant resubmits after being asked for more."""
    action = choice(action, "action", list(FLOW))
    application = access_application_by_id(actor, application_id, for_update=True)
    if action == "resubmit":
        if application.applicant_id != actor.user_id:
            raise Forbidden("只有申请人可以重新提交 / Only the applicant resubmits")
    elif not _in_district(actor, application.district_id):
        raise Forbidden("只有该区监管人员可以审查 / Only the district's regulators review")
    before, after = FLOW[action]
    if application.status != before:
        raise Conflict(
            f"申请状态为{application.get_status_display()}，不能执行该操作 / "
            f"An application {application.status} cannot be moved by '{action}'",
            fields={"action": action},
        )
    note = text(note, "note", max_length=2000, required=action in ("request_more", "reject"))
    now = clock.now()
    if action == "approve":
        _apply(actor, application)
    application.status = after
    fields = ["status"]
    if after in ("approved", "rejected"):
        application.decided_at, application.decided_by_id = now, actor.user_id
        application.decision_note = note
        fields += ["decided_at", "decided_by", "decision_note"]
    application.save(update_fields=[*fields, "institution"])
    ApplicationEvent.objects.create(
        application=application, status=after, note=note, by_id=access.signed_in(actor), at=now
    )
    audit(actor, f"application.{action}", "application", application.pk)
    return application


def _apply(actor: identity.Actor, application: Application) -> None:
    today = clock.today()
    details = application.details if isinstance(application.details, dict) else {}
    if application.kind == "establishment":
        premises = [
            PremisesIn(
                address=str(p.get("address", ""))[:300],
                lease_end=_date(p.get("lease_end"), "details.premises.lease_end"),
            )
            for p in _list(details.get("premises"))
            if isinstance(p, dict)
        ]
        institution = register_institution(
            actor=actor,
            name=application.name,
            uscc=application.uscc,
            district_code=application.district_id,
            for_profit=bool(details.get("for_profit", False)),
            categories=[c for c in _list(details.get("categories")) if isinstance(c, str)],
            premises=premises,
            address=str(details.get("address", ""))[:300],
            licence_number=f"教民{application.district_id}{application.pk:08d}号",
            licence_issued_by="区教育局",
            licence_valid_from=today,
            licence_valid_until=add_months(today, 12 * LICENCE_YEARS),
        )
        application.institution = institution
        return
    institution = Institution.objects.select_for_update().get(pk=application.institution_id)
    if application.kind == "renewal":
        base = max(institution.licence_valid_until or today, today)
        institution.licence_valid_until = add_months(base, 12 * LICENCE_YEARS)
        institution.save(update_fields=["licence_valid_until"])
        return
    if "address" in details:
        institution.address = str(details["address"])[:300]
        institution.save(update_fields=["address"])
    if "categories" in details:
        chosen = [c for c in _list(details["categories"]) if c in Category.values]
        if not chosen:
            raise Invalid("类别无效 / Unknown categories", fields={"details.categories": "无效"})
        InstitutionCategory.objects.filter(institution=institution).delete()
        InstitutionCategory.objects.bulk_create(
            [InstitutionCategory(institution=institution, category=c) for c in sorted(set(chosen))]
        )


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _date(value, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid("日期无效 / Invalid date", fields={field: "YYYY-MM-DD"}) from None
