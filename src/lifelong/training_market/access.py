"""Who may see and do what in the training market. Every read of a scoped object goes through
an `access_*` function here and every list through a `*_visible_to` filter, so the API, the
pages and the services share one rule:

- city-wide supervisors (the demo `regulator`, the commission) see every institution;
- a district officer (the district's regulator) sees the institutions of their district, and
  the complaints, cases and inspections there;
- institution staff see their own institution (their membership's organisation);
- the escrow bank's system account sees the institutions whose supervised account it holds;
- a learner sees their own contracts, a guardian those of the children they act for.

An object outside the caller's scope is `NotFound`, as if it did not exist.
"""

from __future__ import annotations

from django.db.models import Q

from lifelong.identity import api as identity
from lifelong.shared import clock
from lifelong.shared.errors import Forbidden, NotFound, Unauthenticated
from lifelong.training_market.models import (
    Complaint,
    Contract,
    EscrowAgreement,
    Institution,
    PenaltyCase,
)

REGULATOR = "regulator"
DISTRICT_OFFICER = "district_officer"
COMMISSION_OFFICER = "commission_officer"
INSTITUTION_STAFF = "institution_staff"
BANK_GATEWAY = "bank_gateway"

# Register, supervise and enforce (complaints, inspections, cases, vetting appeals).
ENFORCER_ROLES = frozenset({REGULATOR, DISTRICT_OFFICER})
# Read supervision data (the commission oversees but does not enforce).
SUPERVISOR_ROLES = frozenset({REGULATOR, DISTRICT_OFFICER, COMMISSION_OFFICER})
STAFF_ROLES = frozenset({INSTITUTION_STAFF})
BANK_ROLES = frozenset({BANK_GATEWAY})

NO_INSTITUTION = "找不到该培训机构 / No such institution"
NO_CONTRACT = "找不到该合同 / No such contract"


def _none() -> Q:
    return Q(pk__in=[])


def signed_in(actor: identity.Actor) -> int:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")
    return actor.user_id


def require_role(actor: identity.Actor, roles: frozenset[str]) -> int:
    """The actor's user id, if they hold one of `roles`; Unauthenticated or Forbidden else."""
    user_id = signed_in(actor)
    if not actor.grants_for(roles):
        raise Forbidden("您的角色不能执行此操作 / Your role may not do this")
    return user_id


def district_q(actor: identity.Actor, roles: frozenset[str], field: str = "district__pk") -> Q:
    """Filter on a district column: everything for a city-wide grant, the grant's region for
    a district grant, nothing otherwise."""
    q = _none()
    for grant in actor.grants_for(roles):
        if grant.city_wide:
            return Q()
        if grant.region_prefix:
            q |= Q(**{f"{field}__startswith": grant.region_prefix})
    return q


def staff_institution_ids(actor: identity.Actor) -> list[int]:
    return [g.organisation_id for g in actor.grants_for(STAFF_ROLES)]


def bank_institution_q(actor: identity.Actor, field: str = "pk") -> Q:
    banks = [g.organisation_id for g in actor.grants_for(BANK_ROLES)]
    if not banks:
        return _none()
    ids = EscrowAgreement.objects.filter(bank_id__in=banks, closed_on__isnull=True).values(
        "institution_id"
    )
    return Q(**{f"{field}__in": ids})


def institutions_visible_to(
    actor: identity.Actor, roles: frozenset[str] = SUPERVISOR_ROLES | STAFF_ROLES
) -> Q:
    """Filter on Institution: what the actor supervises or works at (in the given roles)."""
    q = district_q(actor, roles & SUPERVISOR_ROLES)
    if q == Q():
        return q
    if roles & STAFF_ROLES:
        q |= Q(pk__in=staff_institution_ids(actor))
    if roles & BANK_ROLES:
        q |= bank_institution_q(actor)
    return q


def access_institution_by_id(
    actor: identity.Actor,
    institution_id,
    roles: frozenset[str] = SUPERVISOR_ROLES | STAFF_ROLES,
    *,
    for_update: bool = False,
) -> Institution:
    signed_in(actor)
    rows = Institution.objects.filter(institutions_visible_to(actor, roles))
    if for_update:
        rows = rows.select_for_update()
    try:
        return rows.get(pk=institution_id)
    except (Institution.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(NO_INSTITUTION) from None


def contracts_visible_to(actor: identity.Actor) -> Q:
    """Filter on Contract: contracts of institutions in the actor's scope, their own as a
    learner, and those of the people they may act for (a guardian's children)."""
    q = Q(
        institution__in=Institution.objects.filter(
            institutions_visible_to(actor, SUPERVISOR_ROLES | STAFF_ROLES | BANK_ROLES)
        ).values("pk")
    )
    people = identity.principal_ids_of(actor)
    if actor.person_id:
        people.append(actor.person_id)
    if people:
        q |= Q(learner_person_id__in=people)
    return q


def access_contract_by_id(actor: identity.Actor, contract_id) -> Contract:
    signed_in(actor)
    try:
        return (
            Contract.objects.filter(contracts_visible_to(actor))
            .select_related("institution", "state")
            .get(pk=contract_id)
        )
    except (Contract.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(NO_CONTRACT) from None


def acts_for_learner(actor: identity.Actor, contract: Contract) -> str | None:
    """ "learner" if the actor is the contract's learner, "guardian" if they act for the
    learner through a valid proxy relation now, else None."""
    if contract.learner_person_id is None or actor.person_id is None:
        return None
    if str(contract.learner_person_id) == actor.person_id:
        return "learner"
    try:
        identity.acting_for(actor, contract.learner_person_id)
    except NotFound:
        return None
    return "guardian"


def works_at(actor: identity.Actor, institution_id: int) -> bool:
    return institution_id in staff_institution_ids(actor)


def banks_for(actor: identity.Actor, institution_id: int) -> bool:
    banks = [g.organisation_id for g in actor.grants_for(BANK_ROLES)]
    return EscrowAgreement.objects.filter(
        institution_id=institution_id, bank_id__in=banks, closed_on__isnull=True
    ).exists()


def complaints_visible_to(actor: identity.Actor) -> Q:
    """Supervisors see their district's complaints; everyone sees the ones they filed."""
    q = district_q(actor, SUPERVISOR_ROLES)
    if actor.user_id is not None:
        q |= Q(complainant_id=actor.user_id)
    return q


def access_complaint_by_id(actor: identity.Actor, complaint_id) -> Complaint:
    signed_in(actor)
    try:
        return (
            Complaint.objects.filter(complaints_visible_to(actor))
            .select_related("institution")
            .get(pk=complaint_id)
        )
    except (Complaint.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("找不到该投诉 / No such complaint") from None


def cases_visible_to(actor: identity.Actor) -> Q:
    return district_q(actor, SUPERVISOR_ROLES)


def access_case_by_id(actor: identity.Actor, case_id) -> PenaltyCase:
    signed_in(actor)
    try:
        return (
            PenaltyCase.objects.filter(cases_visible_to(actor))
            .select_related("institution")
            .get(pk=case_id)
        )
    except (PenaltyCase.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("找不到该案件 / No such case") from None


def licence_valid(institution: Institution) -> bool:
    until = institution.licence_valid_until
    return bool(institution.licence_number) and (until is None or until >= clock.today())
