"""Request and response shapes of the credit-bank core API (archives, standards, outcomes,
imports, conversions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

OutcomeTypeName = Literal[
    "degree_course",
    "non_degree_training",
    "enterprise_training",
    "vocational_certificate",
    "culture_leisure",
]


class StandardRef(Schema):
    code: str
    version: int
    name: str
    level: str


class OutcomeOut(Schema):
    id: UUID
    title: str
    type: str
    type_label: str
    source_kind: str
    source_label: str
    source_organisation: str | None
    external_id: str
    standard: StandardRef | None
    credits: Decimal | None
    score: Decimal | None
    hours: Decimal | None
    achieved_on: dt.date
    evidence: str
    status: str
    status_label: str
    status_reason: str
    certified_by: str | None
    certified_at: dt.datetime | None
    credential_id: UUID | None


class TypeTotal(Schema):
    type: str
    label: str
    credits: Decimal
    count: int


class YearTotal(Schema):
    year: int
    credits: Decimal
    count: int


class TotalsOut(Schema):
    credits: Decimal
    outcomes: int
    certified: int
    by_type: list[TypeTotal]
    by_year: list[YearTotal]


class ChainHeadOut(Schema):
    seq: int
    hash: str


class ArchiveOut(Schema):
    archive_id: UUID | None
    person_id: UUID
    balance: Decimal
    chain: ChainHeadOut
    totals: TotalsOut
    outcomes: list[OutcomeOut]


class StaffOutcomeOut(OutcomeOut):
    archive_id: UUID | None = None


class OutcomePage(Schema):
    items: list[StaffOutcomeOut]
    count: int


class OutcomeFilter(Schema):
    status: Literal["pending", "certified", "rejected", "revoked"] | None = None
    source_kind: (
        Literal["catalog", "institution", "enterprise_import", "partner_bank", "officer"] | None
    ) = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class DepositIn(Schema):
    external_id: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=1, max_length=32)
    standard_code: str = Field(min_length=1, max_length=40)
    achieved_on: dt.date
    score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    hours: Decimal | None = Field(None, gt=0, le=10000, max_digits=6, decimal_places=1)
    evidence: str = Field("", max_length=500)
    title: str = Field("", max_length=200)


class CertifyIn(Schema):
    standard_code: str = Field(min_length=1, max_length=40)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class CorrectIn(Schema):
    credits: Decimal = Field(ge=0, le=Decimal("999.99"), max_digits=5, decimal_places=2)
    reason: str = Field(min_length=1, max_length=500)


class ChainCheckOut(Schema):
    ok: bool
    checked: int
    head_seq: int
    first_bad_seq: int | None
    reason: str


class StandardIn(Schema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    type: OutcomeTypeName
    level: str = Field("", max_length=40)
    credits: Decimal = Field(ge=0, le=Decimal("999.99"), max_digits=5, decimal_places=2)
    criteria: str = Field(min_length=1, max_length=4000)
    awarding_body: str = Field(min_length=1, max_length=200)
    validity_months: int | None = Field(None, ge=1, le=1200)
    qualification_level: int | None = Field(None, ge=1, le=10)
    catalog_category: str = Field("", max_length=40)


class StandardOut(Schema):
    code: str
    version: int
    name: str
    name_en: str
    type: str
    level: str
    credits: Decimal
    criteria: str
    awarding_body: str
    validity_months: int | None
    qualification_level: int | None
    catalog_category: str
    status: str


class StandardList(Schema):
    items: list[StandardOut]
    count: int


class StandardFilter(Schema):
    type: OutcomeTypeName | None = None
    q: str | None = Field(None, max_length=100)
    all_versions: bool = False


class CertifierOut(Schema):
    organisation_id: int
    name: str | None


class StandardDetail(Schema):
    versions: list[StandardOut]
    certifiers: list[CertifierOut]


class CertifierIn(Schema):
    organisation_id: int = Field(ge=1, le=2**31 - 1)
    active: bool = True


class ImportCounts(Schema):
    total: int
    processed: int
    valid: int
    imported: int
    duplicates: int
    invalid: int
    batches_committed: int


class ImportOut(Schema):
    id: UUID
    job_id: UUID
    status: str
    progress: int
    message: str
    file_name: str
    dry_run: bool
    all_or_nothing: bool
    counts: ImportCounts
    error_report: str | None
    error_report_xlsx: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ImportPage(Schema):
    items: list[ImportOut]
    count: int


class PageFilter(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class RetryIn(Schema):
    dry_run: bool = False


class ProgrammeCourseOut(Schema):
    code: str
    name: str
    credits: Decimal


class RuleOut(Schema):
    standard_code: str
    course_code: str
    course_name: str
    course_credits: Decimal
    min_score: Decimal | None
    max_age_years: int | None
    automatic: bool


class ProgrammeOut(Schema):
    code: str
    name: str
    institution: str | None
    total_credits: Decimal
    courses: list[ProgrammeCourseOut]
    rule_set_version: int | None
    caps: dict[str, Decimal] | None
    rules: list[RuleOut]


class ProgrammeList(Schema):
    items: list[ProgrammeOut]
    count: int


class RuleIn(Schema):
    standard_code: str = Field(min_length=1, max_length=40)
    course_code: str = Field(min_length=1, max_length=40)
    min_score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    max_age_years: int | None = Field(None, ge=1, le=100)
    automatic: bool = True


class RuleSetIn(Schema):
    cap_total: Decimal = Field(ge=0, le=Decimal("9999.99"), max_digits=6, decimal_places=2)
    cap_per_source: Decimal = Field(ge=0, le=Decimal("9999.99"), max_digits=6, decimal_places=2)
    cap_per_year: Decimal = Field(ge=0, le=Decimal("9999.99"), max_digits=6, decimal_places=2)
    rules: list[RuleIn] = Field(max_length=500)


class RuleSetOut(Schema):
    programme_code: str
    version: int
    status: str
    rules: int


class ConversionIn(Schema):
    programme_code: str = Field(min_length=1, max_length=40)
    outcome_ids: list[UUID] = Field(min_length=1, max_length=50)


class ConversionItemOut(Schema):
    id: int
    outcome_id: UUID
    outcome_title: str
    decision: str
    course_code: str
    credits: Decimal
    reasons: list[str]
    decided_at: dt.datetime | None


class ConversionOut(Schema):
    id: UUID
    programme_code: str
    programme_name: str
    rule_set_version: int
    status: str
    granted_credits: Decimal
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    items: list[ConversionItemOut]


class ConversionPage(Schema):
    items: list[ConversionOut]
    count: int


class ConversionFilter(Schema):
    status: Literal["under_review", "decided", "withdrawn"] | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class ConversionReviewIn(Schema):
    grant: bool
    reason: str = Field(min_length=1, max_length=500)
    course_code: str = Field("", max_length=40)
