"""Reads of the credit bank: a learner's archive with its totals, staff lists within scope,
standards, programmes, imports and conversion applications."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from lifelong.credit_bank import access, chain
from lifelong.credit_bank.models import (
    Application,
    ApplicationItem,
    Archive,
    ImportJob,
    Outcome,
    OutcomeType,
    Posting,
    Programme,
    RuleSet,
    SourceKind,
    Standard,
)
from lifelong.identity import api as identity
from lifelong.shared import jobs as shared_jobs
from lifelong.shared.errors import NotFound

OUTCOME_COLUMNS = (
    "id",
    "title",
    "type",
    "source_kind",
    "source_organisation_id",
    "external_id",
    "standard_id",
    "credits",
    "score",
    "hours",
    "achieved_on",
    "evidence",
    "status",
    "status_reason",
    "certified_by_id",
    "certified_at",
    "credential_id",
)


def _labels(choices) -> dict[str, str]:
    """Choice labels in the active language, evaluated once per call (not once per row)."""
    return {value: str(label) for value, label in choices}


@dataclass
class Totals:
    credits: Decimal = Decimal(0)
    outcomes: int = 0
    certified: int = 0
    by_type: list[dict[str, Any]] = field(default_factory=list)
    by_year: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ArchiveView:
    archive_id: str | None
    person_id: str
    outcomes: list[dict[str, Any]]
    totals: Totals
    head_seq: int = 0
    head_hash: str = chain.GENESIS
    balance: Decimal = Decimal(0)
    dormant: bool = False  # nobody has opened it yet


def _totals(outcomes: list[dict[str, Any]]) -> Totals:
    """Credits and counts of certified outcomes per type and per year (of achievement)."""
    type_labels = _labels(OutcomeType.choices)
    totals = Totals(outcomes=len(outcomes))
    by_type: dict[str, list] = defaultdict(lambda: [Decimal(0), 0])
    by_year: dict[int, list] = defaultdict(lambda: [Decimal(0), 0])
    for o in outcomes:
        if o["status"] != Outcome.Status.CERTIFIED:
            continue
        credits = o["credits"] or Decimal(0)
        totals.certified += 1
        totals.credits += credits
        by_type[o["type"]][0] += credits
        by_type[o["type"]][1] += 1
        by_year[o["achieved_on"].year][0] += credits
        by_year[o["achieved_on"].year][1] += 1
    totals.by_type = [
        {"type": t, "label": type_labels[t], "credits": by_type[t][0], "count": by_type[t][1]}
        for t in OutcomeType.values
        if t in by_type
    ]
    totals.by_year = [
        {"year": y, "credits": by_year[y][0], "count": by_year[y][1]}
        for y in sorted(by_year, reverse=True)
    ]
    return totals


_ROW_COLUMNS = tuple(c for c in OUTCOME_COLUMNS if c != "certified_at")
_ROW_KEYS = (*_ROW_COLUMNS, "certified_at")
_UNREAD = dt.datetime.min


def _stored_moment(text: str) -> dt.datetime:
    """A stored time stamp's text as the aware UTC datetime the ORM gives (PostgreSQL writes
    the offset; SQLite keeps UTC without one)."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _outcome_rows(queryset) -> list[dict[str, Any]]:
    """Outcomes as plain dicts, newest first: one query for the outcomes, one for their
    standards (few), one for the organisations' names."""
    # The certification time is read as text and parsed here: the database driver's loader
    # for time stamps (in Python, with Django's time-zone handling) took half of the time of
    # reading a thousand outcomes on PostgreSQL. Outcomes certified together share the text.
    values = (
        queryset.order_by("-achieved_on", "-created_at")
        .annotate(certified_at_text=Cast("certified_at", TextField()))
        .values_list(*_ROW_COLUMNS, "certified_at_text")
    )
    moments: dict[str | None, dt.datetime | None] = {None: None}
    rows = []
    for row in values:
        r = dict(zip(_ROW_KEYS, row, strict=True))
        text = r["certified_at"]
        moment = moments.get(text, _UNREAD)
        if moment is _UNREAD:
            moment = moments[text] = _stored_moment(text)
        r["certified_at"] = moment
        rows.append(r)
    standard_ids = {r["standard_id"] for r in rows if r["standard_id"]}
    standards = {
        pk: {"code": code, "version": version, "name": name, "level": level}
        for pk, code, version, name, level in Standard.objects.filter(
            pk__in=standard_ids
        ).values_list("pk", "code", "version", "name", "level")
    }
    org_ids = {r["source_organisation_id"] for r in rows} | {r["certified_by_id"] for r in rows}
    names = identity.organisation_names([i for i in org_ids if i]) if org_ids - {None} else {}
    types = _labels(OutcomeType.choices)
    sources = _labels(SourceKind.choices)
    statuses = _labels(Outcome.Status.choices)
    for r in rows:
        r["type_label"] = types.get(r["type"], r["type"])
        r["source_label"] = sources.get(r["source_kind"], r["source_kind"])
        r["status_label"] = statuses.get(r["status"], r["status"])
        r["source_organisation"] = names.get(r["source_organisation_id"])
        r["certified_by"] = names.get(r["certified_by_id"])
        r["standard"] = standards.get(r["standard_id"])
    return rows


def archive_view(archive: Archive | None, person_id: str, extra: Q | None = None) -> ArchiveView:
    if archive is None:
        return ArchiveView(None, person_id, [], Totals())
    queryset = Outcome.objects.filter(archive=archive)
    if extra is not None:
        queryset = queryset.filter(extra)
    rows = _outcome_rows(queryset)
    return ArchiveView(
        archive_id=str(archive.pk),
        person_id=person_id,
        outcomes=rows,
        totals=_totals(rows),
        head_seq=archive.head_seq,
        head_hash=archive.head_hash,
        balance=archive.balance,
        dormant=archive.opened_at is None,
    )


def my_archive(actor: access.Actor) -> ArchiveView:
    """The verified learner's own archive, found person-first: outcomes deposited while they
    had no account (a dormant archive) are there as soon as their account is linked."""
    person_id = access.require_verified_person(actor)
    return archive_view(Archive.objects.filter(person_id=person_id).first(), person_id)


def staff_archive(actor: access.Actor, archive_id) -> ArchiveView:
    """An archive as staff see it: whole for those who may read archives in scope; for an
    organisation, only the outcomes it deposited or certified."""
    access.require_role(actor, access.ARCHIVE_ROLES | access.DEPOSITOR_ROLES)
    whole = Archive.objects.filter(access.archives_visible_to(actor), pk=archive_id).first()
    if whole is not None:
        return archive_view(whole, str(whole.person_id))
    archive = Archive.objects.filter(pk=archive_id).first() if _is_uuid(archive_id) else None
    visible = access.outcomes_visible_to(actor)
    if archive is None or not Outcome.objects.filter(visible, archive=archive).exists():
        raise NotFound("找不到该学习档案 / No such learning archive")
    view = archive_view(archive, str(archive.person_id), visible)
    view.balance = view.totals.credits  # never the balance from others' outcomes
    view.head_seq, view.head_hash = 0, ""
    return view


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Page:
    items: list
    count: int


def list_outcomes(
    actor: access.Actor,
    *,
    status: str | None = None,
    source_kind: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page:
    """Outcomes staff may see (their scope, or what their organisation deposited)."""
    access.require_role(actor, access.ARCHIVE_ROLES | access.DEPOSITOR_ROLES)
    queryset = Outcome.objects.filter(access.outcomes_visible_to(actor))
    if status:
        queryset = queryset.filter(status=status)
    if source_kind:
        queryset = queryset.filter(source_kind=source_kind)
    count = queryset.count()
    start = (page - 1) * page_size
    rows = _outcome_rows(
        Outcome.objects.filter(
            pk__in=list(
                queryset.order_by("-achieved_on", "-created_at").values_list("pk", flat=True)[
                    start : start + page_size
                ]
            )
        )
    )
    archives = dict(
        Outcome.objects.filter(pk__in=[r["id"] for r in rows]).values_list("id", "archive_id")
    )
    for r in rows:
        r["archive_id"] = archives.get(r["id"])
    return Page(rows, count)


def archive_postings(archive: Archive) -> list[dict[str, Any]]:
    return list(Posting.objects.filter(archive=archive).order_by("seq").values(*chain.CHAIN_FIELDS))


def verify_archive_chain(archive: Archive) -> chain.ChainCheck:
    """Recompute the archive's hash chain from its postings and compare with its head."""
    rows = Posting.objects.filter(archive=archive).order_by("seq").values(*chain.CHAIN_FIELDS)
    return chain.verify_rows(
        rows.iterator(), head_seq=archive.head_seq, head_hash=archive.head_hash
    )


# ---- standards and programmes ----------------------------------------------------------------


def list_standards(*, type: str | None = None, q: str | None = None, all_versions: bool = False):
    queryset = Standard.objects.all()
    if not all_versions:
        queryset = queryset.filter(status=Standard.Status.ACTIVE)
    if type:
        queryset = queryset.filter(type=type)
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return list(queryset.order_by("code", "-version"))


def standard_versions(code: str) -> list[Standard]:
    return list(Standard.objects.filter(code=code).order_by("-version"))


def certifiers_of(code: str) -> list[dict[str, Any]]:
    from lifelong.credit_bank.models import Certifier

    grants = list(Certifier.objects.filter(standard_code=code, active=True).order_by("pk"))
    names = identity.organisation_names([g.organisation_id for g in grants])
    return [
        {"organisation_id": g.organisation_id, "name": names.get(g.organisation_id)} for g in grants
    ]


def standards_certifiable_by(organisation_id: int) -> list[Standard]:
    from lifelong.credit_bank.models import Certifier

    codes = Certifier.objects.filter(organisation_id=organisation_id, active=True).values_list(
        "standard_code", flat=True
    )
    return list(
        Standard.objects.filter(code__in=list(codes), status=Standard.Status.ACTIVE).order_by(
            "code"
        )
    )


def list_programmes() -> list[tuple[Programme, RuleSet | None]]:
    programmes = list(Programme.objects.order_by("code"))
    active = {
        rs.programme_id: rs
        for rs in RuleSet.objects.filter(status=RuleSet.Status.ACTIVE).prefetch_related("rules")
    }
    return [(p, active.get(p.pk)) for p in programmes]


# ---- imports ---------------------------------------------------------------------------------


FINISHED = ("succeeded", "failed")


def _job_of(imported: ImportJob):
    try:
        return shared_jobs.job_for_owner(imported.pk, str(imported.uploaded_by_id))
    except NotFound:
        return None


@dataclass(frozen=True)
class ImportStatus:
    imported: ImportJob
    job: Any

    @property
    def status(self) -> str:
        return self.job.status if self.job is not None else self.imported.status

    @property
    def percent(self) -> int:
        return shared_jobs.job_percent(self.job) if self.job is not None else 0

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def status_label(self) -> str:
        return _labels(ImportJob.Status.choices).get(self.status, self.status)

    @property
    def message(self) -> str:
        return (self.job.message if self.job is not None else "") or self.imported.message


def import_status(actor: access.Actor, import_id) -> ImportStatus:
    imported = access.access_import_by_id(actor, import_id)
    return ImportStatus(imported, _job_of(imported))


def list_imports(actor: access.Actor, *, page: int = 1, page_size: int = 20) -> Page:
    access.require_role(actor, access.IMPORT_ROLES | access.OFFICER_ROLES)
    queryset = ImportJob.objects.filter(access.imports_visible_to(actor)).order_by("-created_at")
    items = list(queryset[(page - 1) * page_size : page * page_size])
    return Page([ImportStatus(i, _job_of(i)) for i in items], queryset.count())


def import_errors(actor: access.Actor, import_id) -> list[tuple[int, str, str]]:
    imported = access.access_import_by_id(actor, import_id)
    from lifelong.credit_bank.services.imports import report_rows

    return report_rows(imported.pk)


# ---- conversion applications -----------------------------------------------------------------


def list_applications(
    actor: access.Actor, *, status: str | None = None, page: int = 1, page_size: int = 20
) -> Page:
    access.require_login(actor)
    queryset = Application.objects.filter(access.applications_visible_to(actor))
    if status:
        queryset = queryset.filter(status=status)
    items = list(
        queryset.select_related("rule_set__programme")
        .prefetch_related("items__outcome", "items__rule")
        .order_by("-submitted_at")[(page - 1) * page_size : page * page_size]
    )
    return Page(items, queryset.count())


def application_items(application: Application) -> list[ApplicationItem]:
    return list(application.items.select_related("outcome", "rule").order_by("id"))
