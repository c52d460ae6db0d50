"""Who may see and do what in the credit bank. Every read of a scoped object goes through an
`access_*` function here and every list through a `*_visible_to` filter.

- The learner sees their own archive, once their account is real-name verified.
- City-wide staff (credit-bank officers, the commission) see every archive; a district
  officer sees the archives of people living in the district.
- An enterprise, institution or school sees only the outcomes it deposited or certified
  (its organisation subtree), never the rest of those people's archives, and only its own
  imports.
"""

from __future__ import annotations

from django.db.models import Q

from lifelong.credit_bank.models import Application, Archive, ImportJob, Outcome
from lifelong.identity import api as identity
from lifelong.shared.errors import Forbidden, NotFound, Unauthenticated

Actor = identity.Actor

CREDIT_BANK_OFFICER = "credit_bank_officer"
ENTERPRISE_HR = "enterprise_hr"
PARTNER_SYSTEM = "partner_system"
OFFICER_ROLES = frozenset({CREDIT_BANK_OFFICER})
# Staff who read whole archives within their scope.
ARCHIVE_ROLES = frozenset({CREDIT_BANK_OFFICER, "commission_officer", "district_officer"})
# Organisations that deposit and certify outcomes: they see what they deposited or certified.
DEPOSITOR_ROLES = frozenset(
    {ENTERPRISE_HR, "institution_staff", "school_staff", PARTNER_SYSTEM, CREDIT_BANK_OFFICER}
)
IMPORT_ROLES = frozenset({ENTERPRISE_HR})
SUBTREE = "subtree"
CITY = "city"


def _none() -> Q:
    return Q(pk__in=[])


def require_login(actor: Actor) -> None:
    if actor.user_id is None:
        raise Unauthenticated("请先登录 / Please log in")


def require_role(actor: Actor, roles: frozenset[str]) -> None:
    require_login(actor)
    if not actor.grants_for(roles):
        raise Forbidden("您的角色不能执行此操作 / Your role may not do this")


def require_verified_person(actor: Actor) -> str:
    """The actor's person id; opening one's archive needs a real-name verified account."""
    require_login(actor)
    person_id = identity.person_for_user(actor.user_id)
    if person_id is None or not identity.person_is_verified(person_id):
        raise Forbidden(
            "查看学习档案需要先完成实名认证 / Verify your identity to open your learning archive",
            code="verification_required",
        )
    return person_id


def archives_visible_to(actor: Actor) -> Q:
    """Filter on Archive: whole archives this actor may read as staff."""
    q = _none()
    for grant in actor.grants_for(ARCHIVE_ROLES):
        if grant.scope == CITY:
            return Q()
        if grant.scope == SUBTREE and grant.region_prefix:
            q |= Q(person__residence_code__startswith=grant.region_prefix)
    return q


def outcomes_visible_to(actor: Actor) -> Q:
    """Filter on Outcome: outcomes this actor may read as staff (whole archives in scope, or
    what their organisation deposited or certified)."""
    q = _none()
    for grant in actor.grants_for(ARCHIVE_ROLES | DEPOSITOR_ROLES):
        if grant.scope == CITY:
            return Q()
        if grant.scope != SUBTREE:
            continue
        if grant.role in ARCHIVE_ROLES and grant.region_prefix:
            q |= Q(archive__person__residence_code__startswith=grant.region_prefix)
        if grant.role in DEPOSITOR_ROLES:
            q |= Q(source_path__startswith=grant.org_path) | Q(
                certified_by_id=grant.organisation_id
            )
    return q


def access_archive_by_id(actor: Actor, archive_id) -> Archive:
    """The archive, for staff who may read it whole; NotFound otherwise."""
    require_login(actor)
    try:
        return Archive.objects.filter(archives_visible_to(actor)).get(pk=archive_id)
    except (Archive.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该学习档案 / No such learning archive") from None


def access_outcome_by_id(actor: Actor, outcome_id, *, for_update: bool = False) -> Outcome:
    """An outcome the actor may read as staff, or the actor's own; NotFound otherwise."""
    require_login(actor)
    visible = outcomes_visible_to(actor)
    person_id = identity.person_for_user(actor.user_id)
    if person_id:
        visible |= Q(archive__person_id=person_id)
    queryset = Outcome.objects.filter(visible).select_related("standard", "archive")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=outcome_id)
    except (Outcome.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该学习成果 / No such learning outcome") from None


def imports_visible_to(actor: Actor) -> Q:
    """Filter on ImportJob: the imports of the actor's enterprises; officers see all."""
    q = _none()
    for grant in actor.grants_for(IMPORT_ROLES | OFFICER_ROLES):
        if grant.scope == CITY:
            return Q()
        if grant.scope == SUBTREE:
            q |= Q(organisation_id=grant.organisation_id)
    return q


def access_import_by_id(actor: Actor, import_id) -> ImportJob:
    require_login(actor)
    try:
        return ImportJob.objects.filter(imports_visible_to(actor)).get(pk=import_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该导入任务 / No such import") from None


def applications_visible_to(actor: Actor) -> Q:
    """Filter on Application: one's own; officers see all."""
    q = _none()
    person_id = identity.person_for_user(actor.user_id) if actor.user_id else None
    if person_id:
        q |= Q(archive__person_id=person_id)
    if any(g.scope == CITY for g in actor.grants_for(OFFICER_ROLES)):
        return Q()
    return q


def access_application_by_id(actor: Actor, application_id) -> Application:
    require_login(actor)
    try:
        return (
            Application.objects.filter(applications_visible_to(actor))
            .select_related("rule_set__programme", "archive")
            .get(pk=application_id)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该转换申请 / No such conversion application") from None


def is_officer(actor: Actor) -> bool:
    return bool(actor.grants_for(OFFICER_ROLES))
