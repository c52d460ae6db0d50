"""Request and response shapes of the credential endpoints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field


class VerifyIn(Schema):
    verifiableCredential: Any = Field(  # noqa: N815 (VC-API field name)
        ..., description="The credential to verify (JSON-LD)"
    )


class VerifyOut(Schema):
    verified: bool
    errors: list[str]
    warnings: list[str]
    checks: list[str]


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class RevokeOut(Schema):
    id: UUID
    revoked: bool
    revoked_at: dt.datetime
    reason: str


class TranscriptIn(Schema):
    partner: str = Field("", max_length=40, description="Code of the partner it is exported for")


class CredentialOut(Schema):
    id: str
    kind: str
    name: str
    code: str
    credits: Decimal | None
    issuer_name: str
    issued_at: dt.datetime
    revoked: bool
    page_url: str


class CredentialPage(Schema):
    items: list[CredentialOut]
    count: int


class TranscriptOut(Schema):
    id: UUID
    page_url: str
    credential: dict[str, Any]


class PartnerIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1, max_length=200)
    province: str = Field(min_length=1, max_length=40)
    did: str = Field(min_length=8, max_length=240)
    verification_method: str = Field("", max_length=400)
    public_key_multibase: str = Field("", max_length=80)


class PartnerOut(Schema):
    code: str
    name: str
    province: str
    did: str
    verification_method: str
    public_key_multibase: str


class PartnerPage(Schema):
    items: list[PartnerOut]
    count: int


class RecognitionIn(Schema):
    partner: str = Field(max_length=40)
    partner_standard_code: str = Field(min_length=1, max_length=100)
    partner_standard_name: str = Field(min_length=1, max_length=200)
    standard_code: str = Field(min_length=1, max_length=40)
    note: str = Field("", max_length=500)
    active: bool = True


class RecognitionOut(Schema):
    partner: str
    partner_name: str
    partner_standard_code: str
    partner_standard_name: str
    standard_code: str
    standard_name: str
    standard_credits: Decimal | None
    note: str


class RecognitionPage(Schema):
    items: list[RecognitionOut]
    count: int


class ImportIn(Schema):
    person_id: UUID
    verifiableCredential: dict[str, Any]  # noqa: N815 (VC-API field name)


class PartnerImportOut(Schema):
    id: UUID
    partner: str
    credential_id: str
    achievement_code: str
    achievement_name: str
    credits: Decimal | None
    standard_code: str | None
    recognised_credits: Decimal | None
    outcome_id: str
    verified_at: dt.datetime


class PartnerImportPage(Schema):
    items: list[PartnerImportOut]
    count: int


class IssuerOut(Schema):
    organisation_id: int
    did: str
    verification_method: str
    public_key_multibase: str


class IssuerPage(Schema):
    items: list[IssuerOut]
    count: int
