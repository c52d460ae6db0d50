"""The institution registry: registering an institution (an `identity` organisation plus
registry data), its premises, escrow agreement and status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.api import get_region
from lifelong.shared.errors import Conflict, Invalid, NotFound
from lifelong.shared.ids import InvalidIdentifier, validate_uscc
from lifelong.training_market import access
from lifelong.training_market.common import audit, choice, text
from lifelong.training_market.models import (
    Branch,
    Category,
    EscrowAgreement,
    Institution,
    InstitutionCategory,
    InstitutionStatus,
    Premises,
    StatusChange,
)
from lifelong.training_market.services.ledger import open_institution_accounts

MAX_PREMISES = 50


@dataclass(frozen=True)
class PremisesIn:
    address: str
    lease_end: dt.date
    lease_start: dt.date | None = None


def _district(code: str) -> str:
    region = get_region(code or "")
    if region is None or region.level != "district":
        raise Invalid(
            "区代码无效 / Unknown district code",
            fields={"district_code": "未知的区代码 / unknown district"},
        )
    return region.code


def _categories(values: list[str]) -> list[str]:
    if not values:
        raise Invalid(
            "至少选择一个培训类别 / Choose at least one category",
            fields={"categories": "必填 / required"},
        )
    for value in values:
        choice(value, "categories", Category.values)
    return sorted(set(values))


@transaction.atomic
def register_institution(
    *,
    actor: identity.Actor,
    name: str,
    uscc: str,
    district_code: str,
    for_profit: bool,
    categories: list[str],
    premises: list[PremisesIn],
    address: str = "",
    licence_number: str = "",
    licence_issued_by: str = "",
    licence_valid_from: dt.date | None = None,
    licence_valid_until: dt.date | None = None,
) -> Institution:
    """A regulator (city-wide, or a district officer in their district) registers a training
    institution: the organisation in `identity` and its registry data here, atomically."""
    access.require_role(actor, access.ENFORCER_ROLES)
    name = text(name, "name", max_length=200)
    district = _district(district_code)
    if not _district_in_scope(actor, district):
        raise Invalid(
            "该区不在您的管辖范围内 / That district is outside your scope",
            fields={"district_code": "超出管辖范围 / outside your scope"},
        )
    try:
        uscc = validate_uscc(uscc if isinstance(uscc, str) else "")
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={"uscc": str(exc)}) from None
    chosen = _categories(categories)
    if len(premises) > MAX_PREMISES:
        raise Invalid("场所过多 / Too many premises", fields={"premises": f"≤ {MAX_PREMISES}"})
    for i, place in enumerate(premises):
        text(place.address, f"premises.{i}.address", max_length=300)
        if place.lease_start and place.lease_end <= place.lease_start:
            raise Invalid(
                "租期结束须晚于开始 / The lease must end after it starts",
                fields={f"premises.{i}.lease_end": "早于开始 / before the start"},
            )
    if licence_valid_from and licence_valid_until and licence_valid_until < licence_valid_from:
        raise Invalid(
            "许可证有效期不正确 / The licence period is wrong",
            fields={"licence_valid_until": "早于生效日 / before it starts"},
        )
    grant = next(iter(actor.grants_for(access.ENFORCER_ROLES)))
    brief = identity.register_organisation(
        actor,
        name=name,
        kind="training_institution",
        uscc=uscc,
        region_code=district,
        parent_id=None if grant.city_wide else grant.organisation_id,
        address=text(address, "address", max_length=300, required=False),
    )
    institution = Institution.objects.create(
        organisation_id=brief.id,
        name=name,
        uscc=uscc,
        district_id=district,
        address=address,
        for_profit=bool(for_profit),
        licence_number=text(licence_number, "licence_number", max_length=64, required=False),
        licence_issued_by=text(
            licence_issued_by, "licence_issued_by", max_length=200, required=False
        ),
        licence_valid_from=licence_valid_from,
        licence_valid_until=licence_valid_until,
        registered_by_id=actor.user_id,
    )
    InstitutionCategory.objects.bulk_create(
        [InstitutionCategory(institution=institution, category=c) for c in chosen]
    )
    Premises.objects.bulk_create(
        [
            Premises(
                institution=institution,
                address=p.address.strip(),
                lease_start=p.lease_start,
                lease_end=p.lease_end,
            )
            for p in premises
        ]
    )
    open_institution_accounts(institution.pk)
    audit(actor, "institution.register", "institution", institution.pk, district=district)
    return institution


def _district_in_scope(actor: identity.Actor, district: str) -> bool:
    for grant in actor.grants_for(access.ENFORCER_ROLES):
        if grant.city_wide or (grant.region_prefix and district.startswith(grant.region_prefix)):
            return True
    return False


@transaction.atomic
def add_premises(*, actor: identity.Actor, institution_id: int, place: PremisesIn) -> Premises:
    """The institution (or its regulator) records premises and their lease."""
    institution = access.access_institution_by_id(
        actor, institution_id, access.ENFORCER_ROLES | access.STAFF_ROLES
    )
    address = text(place.address, "address", max_length=300)
    if place.lease_start and place.lease_end <= place.lease_start:
        raise Invalid(
            "租期结束须晚于开始 / The lease must end after it starts",
            fields={"lease_end": "早于开始 / before the start"},
        )
    premises = Premises.objects.create(
        institution=institution,
        address=address,
        lease_start=place.lease_start,
        lease_end=place.lease_end,
    )
    audit(actor, "premises.add", "institution", institution.pk, premises_id=premises.pk)
    return premises


@transaction.atomic
def add_branch(
    *, actor: identity.Actor, institution_id: int, name: str, address: str, district_code: str
) -> Branch:
    """The institution (or its regulator) records a branch; a branch in another district
    is supervised from the institution's district, where its licence was issued."""
    institution = access.access_institution_by_id(
        actor, institution_id, access.ENFORCER_ROLES | access.STAFF_ROLES
    )
    branch = Branch.objects.create(
        institution=institution,
        name=text(name, "name", max_length=200),
        address=text(address, "address", max_length=300),
        district_id=_district(district_code),
        opened_on=clock.today(),
    )
    audit(actor, "branch.add", "institution", institution.pk, branch_id=branch.pk)
    return branch


@transaction.atomic
def open_escrow(
    *,
    actor: identity.Actor,
    institution_id: int,
    bank_id: int,
    account_number: str,
    opened_on: dt.date,
) -> EscrowAgreement:
    """A regulator records the institution's supervised account at an escrow bank."""
    access.require_role(actor, access.ENFORCER_ROLES)
    institution = access.access_institution_by_id(actor, institution_id, access.ENFORCER_ROLES)
    bank = identity.organisation_by_id(bank_id)
    if bank is None or bank.kind != "bank":
        raise Invalid("不是银行 / Not a bank", fields={"bank_id": "不是银行 / not a bank"})
    number = text(account_number, "account_number", max_length=40)
    if EscrowAgreement.objects.filter(institution=institution, closed_on__isnull=True).exists():
        raise Conflict("该机构已有监管账户 / The institution already has an open escrow account")
    agreement = EscrowAgreement.objects.create(
        institution=institution,
        bank_id=bank.id,
        account_number_masked=mask_account(number),
        opened_on=opened_on,
    )
    audit(actor, "escrow.open", "institution", institution.pk, bank_id=bank.id)
    return agreement


def mask_account(number: str) -> str:
    digits = number.replace(" ", "")
    return ("*" * max(len(digits) - 4, 0) + digits[-4:])[:32]


@transaction.atomic
def change_status(
    *, actor: identity.Actor, institution_id: int, status: str, reason: str
) -> Institution:
    """A regulator suspends, closes or reopens an institution; the change is kept on record."""
    access.require_role(actor, access.ENFORCER_ROLES)
    institution = access.access_institution_by_id(
        actor, institution_id, access.ENFORCER_ROLES, for_update=True
    )
    status = choice(status, "status", InstitutionStatus.values)
    why = text(reason, "reason", max_length=500)
    if institution.status == status:
        raise Conflict("状态未变化 / The status is already that", fields={"status": status})
    if institution.status == "closed":
        raise Conflict("已关停的机构不能恢复 / A closed institution stays closed")
    Institution.objects.filter(pk=institution.pk).update(status=status)
    StatusChange.objects.create(
        institution=institution, status=status, reason=why, changed_by_id=actor.user_id
    )
    institution.status = status
    audit(actor, "institution.status", "institution", institution.pk, status=status)
    return institution


def institution_or_404(institution_id) -> Institution:
    try:
        return Institution.objects.get(pk=institution_id)
    except (Institution.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(access.NO_INSTITUTION) from None
