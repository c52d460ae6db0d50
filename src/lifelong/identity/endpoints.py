"""HTTP endpoints of identity under /api/v1: tokens, me, regions, people, organisations."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.identity import selectors, services
from lifelong.identity.access import (
    access_organisation_by_id,
    access_person_by_id,
    person_of_user,
)
from lifelong.identity.auth import BearerAuth
from lifelong.identity.schemas import (
    MeOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    PersonIn,
    PersonOut,
    PersonPage,
    RegionList,
    RevealIn,
    RevealOut,
    TokenIn,
    TokenOut,
)
from lifelong.shared import context
from lifelong.shared.api import list_districts, list_streets

router = Router(tags=["identity"])
bearer = BearerAuth()


def person_out(p) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "id_number_masked": p.id_number_masked,
        "gender": p.gender,
        "birth_date": p.birth_date,
        "phone_masked": p.phone_masked,
        "district_code": p.district_id,
        "street_code": p.street_id,
        "verification_level": p.verification_level,
    }


def org_out(o) -> dict:
    return {
        "id": o.pk,
        "name": o.name,
        "kind": o.kind,
        "uscc": o.uscc,
        "parent_id": o.parent_id,
        "region_code": o.region_id,
    }


@router.post(
    "/auth/token",
    response=TokenOut,
    auth=None,
    summary="Exchange username and password for a bearer token",
)
def create_token(request, payload: TokenIn):
    issued = services.issue_api_token(
        username=payload.username,
        password=payload.password,
        ip=context.client_ip(),
        otp=payload.otp,
    )
    return {
        "token": issued.token,
        "expires_in": settings.API_TOKEN_TTL_SECONDS,
        "totp_enrolment_required": issued.totp_enrolment_required,
    }


@router.get(
    "/me",
    response=MeOut,
    auth=bearer,
    summary="The caller: person, verification level, memberships",
)
def me(request):
    actor = request.auth
    # The bearer authentication loaded the user with their person: no further query.
    person = person_of_user(request.user)
    return {
        "username": actor.username,
        "person_id": person.id if person else None,
        "name": person.name if person else None,
        "verification_level": person.verification_level if person else "unverified",
        "id_number_masked": person.id_number_masked if person else None,
        "district_code": person.district_id if person else None,
        "prefers_elder_mode": person.prefers_elder_mode if person else False,
        "memberships": [
            {
                "organisation_id": g.organisation_id,
                "organisation_name": g.organisation_name,
                "role": g.role,
                "scope": {
                    "kind": g.scope,
                    "organisation_id": g.organisation_id,
                    "region_prefix": g.region_prefix,
                },
            }
            for g in actor.grants
        ],
    }


class RegionFilter(Schema):
    parent: str | None = Field(None, max_length=12)


@router.get(
    "/regions",
    response=RegionList,
    auth=None,
    summary="Shanghai's districts, or the streets of one",
)
def regions(request, filters: Query[RegionFilter]):
    items = list_streets(filters.parent) if filters.parent else list_districts()
    return {"items": [r.__dict__ for r in items]}


@router.post(
    "/people",
    response={201: PersonOut},
    auth=bearer,
    summary="Register a person living in your scope",
)
def create_person(request, payload: PersonIn):
    person = services.register_person(actor=request.auth, **payload.dict())
    return Status(201, person_out(person))


class PeopleFilter(Schema):
    district_code: str | None = Field(None, max_length=12)
    q: str | None = Field(None, max_length=100)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


@router.get("/people", response=PersonPage, auth=bearer, summary="People in your scope")
def people(request, filters: Query[PeopleFilter]):
    page = selectors.list_people(actor=request.auth, **filters.dict())
    return {
        "items": [person_out(p) for p in page.items],
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
    }


@router.get("/people/{person_id}", response=PersonOut, auth=bearer)
def person_detail(request, person_id: UUID):
    return person_out(access_person_by_id(request.auth, person_id))


@router.post(
    "/people/{person_id}/reveal-id-number",
    response=RevealOut,
    auth=bearer,
    summary="The unmasked ID number (audited)",
)
def reveal(request, person_id: UUID, payload: RevealIn):
    return {
        "id_number": services.reveal_id_number(
            actor=request.auth, person_id=person_id, purpose=payload.purpose
        )
    }


@router.post(
    "/organisations",
    response={201: OrganisationOut},
    auth=bearer,
    summary="Register an organisation",
)
def create_organisation(request, payload: OrganisationIn):
    org = services.create_organisation(actor=request.auth, **payload.dict())
    return Status(201, org_out(org))


class OrgFilter(Schema):
    kind: str | None = Field(None, max_length=32)
    q: str | None = Field(None, max_length=100)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


@router.get(
    "/organisations", response=OrganisationPage, auth=bearer, summary="Organisations in your scope"
)
def organisations(request, filters: Query[OrgFilter]):
    page = selectors.list_organisations(actor=request.auth, **filters.dict())
    return {
        "items": [org_out(o) for o in page.items],
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
    }


@router.get("/organisations/{organisation_id}", response=OrganisationOut, auth=bearer)
def organisation_detail(request, organisation_id: int):
    return org_out(access_organisation_by_id(request.auth, organisation_id))
