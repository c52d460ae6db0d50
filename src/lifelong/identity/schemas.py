from __future__ import annotations

import datetime as dt
from uuid import UUID

from ninja import Schema
from pydantic import Field


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=256)
    otp: str | None = Field(None, max_length=10)


class TokenOut(Schema):
    token: str
    expires_in: int
    totp_enrolment_required: bool = Field(
        False,
        description="动态口令已被管理员重置，请重新绑定 / the authenticator was reset: enrol a new one",
    )


class ScopeOut(Schema):
    kind: str
    organisation_id: int
    region_prefix: str


class MembershipOut(Schema):
    organisation_id: int
    organisation_name: str
    role: str
    scope: ScopeOut


class MeOut(Schema):
    username: str
    person_id: UUID | None
    name: str | None
    verification_level: str
    id_number_masked: str | None
    district_code: str | None
    prefers_elder_mode: bool
    memberships: list[MembershipOut]


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None


class RegionList(Schema):
    items: list[RegionOut]


class PersonIn(Schema):
    name: str = Field(max_length=100)
    id_number: str = Field(max_length=32)
    phone: str = Field("", max_length=32)
    district_code: str = Field(max_length=12)
    street_code: str | None = Field(None, max_length=12)


class PersonOut(Schema):
    id: UUID
    name: str
    id_number_masked: str
    gender: str
    birth_date: dt.date | None
    phone_masked: str
    district_code: str | None
    street_code: str | None
    verification_level: str


class PersonPage(Schema):
    items: list[PersonOut]
    count: int
    page: int
    page_size: int


class RevealIn(Schema):
    purpose: str = Field(max_length=200)


class RevealOut(Schema):
    id_number: str


class OrganisationIn(Schema):
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    uscc: str | None = Field(None, max_length=32)
    parent_id: int | None = None
    region_code: str | None = Field(None, max_length=12)
    address: str = Field("", max_length=300)


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    uscc: str | None
    parent_id: int | None
    region_code: str | None


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    count: int
    page: int
    page_size: int
