"""Staff records and pre-employment vetting (入职查询): an applicant is checked against the
restricted list only with their recorded consent; only applicants get a pre-employment check,
current staff are re-checked periodically; a hit can be appealed and a regulator decides; every
check is audited. The ID number is sealed, blind-indexed and masked, never kept in clear."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from lifelong.identity import api as identity
from lifelong.shared import clock, pii
from lifelong.shared.errors import Conflict, Forbidden, Invalid, NotFound
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id
from lifelong.training_market import access
from lifelong.training_market.common import audit, text
from lifelong.training_market.models import (
    Institution,
    RestrictedPerson,
    StaffMember,
    VettingAppeal,
    VettingCheck,
)

STAFF_ID_CONTEXT = "training_market.staff.id_number"


def _number(raw: object, field: str = "id_number") -> str:
    try:
        return parse_resident_id(raw if isinstance(raw, str) else "").number
    except InvalidIdentifier as exc:
        raise Invalid(str(exc), fields={field: str(exc)}) from None


def staff_visible_to(actor: identity.Actor) -> Q:
    return Q(
        institution__in=Institution.objects.filter(access.institutions_visible_to(actor)).values(
            "pk"
        )
    )


def access_staff_by_id(actor: identity.Actor, staff_id, *, for_update: bool = False) -> StaffMember:
    access.signed_in(actor)
    rows = StaffMember.objects.filter(staff_visible_to(actor))
    if for_update:
        rows = rows.select_for_update()
    try:
        return rows.select_related("institution").get(pk=staff_id)
    except (StaffMember.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("找不到该从业人员 / No such staff member") from None


def _own(actor: identity.Actor, staff: StaffMember) -> None:
    if not access.works_at(actor, staff.institution_id):
        raise Forbidden("只有本机构可以办理 / Only the institution itself may do this")


@transaction.atomic
def add_staff(
    *, actor: identity.Actor, institution_id: int, name: str, id_number: str, position: str
) -> StaffMember:
    """The institution records an applicant (status `applicant`)."""
    access.require_role(actor, access.STAFF_ROLES)
    institution = access.access_institution_by_id(actor, institution_id, access.STAFF_ROLES)
    number = _number(id_number)
    index = pii.blind_index(number, context=STAFF_ID_CONTEXT)
    try:
        with transaction.atomic():
            member = StaffMember.objects.create(
                institution=institution,
                name=text(name, "name", max_length=100),
                id_number_sealed=pii.seal(number, context=STAFF_ID_CONTEXT),
                id_number_index=index,
                id_number_masked=pii.mask_id_number(number),
                position=text(position, "position", max_length=100),
            )
    except IntegrityError:
        raise Conflict(
            "此人已在本机构应聘或在职 / This person already applies or works here",
            fields={"id_number": "已登记 / already recorded"},
        ) from None
    audit(actor, "staff.add", "staff", member.pk, institution_id=institution.pk)
    return member


@transaction.atomic
def record_consent(*, actor: identity.Actor, staff_id: int, evidence: str) -> StaffMember:
    """The institution records the candidate's consent to the check (how it was given)."""
    member = access_staff_by_id(actor, staff_id, for_update=True)
    _own(actor, member)
    if member.status != "applicant":
        raise Conflict("只有应聘人员需要入职查询授权 / Consent is recorded for applicants")
    member.consent_evidence = text(evidence, "evidence", max_length=500)
    member.consent_at = clock.now()
    member.save(update_fields=["consent_evidence", "consent_at"])
    audit(actor, "staff.consent", "staff", member.pk)
    return member


def _match(member: StaffMember) -> RestrictedPerson | None:
    today = clock.today()
    return (
        RestrictedPerson.objects.filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=today),
            id_number_index=member.id_number_index,
            listed_on__lte=today,
        )
        .order_by("-listed_on")
        .first()
    )


def _check(actor: identity.Actor, member: StaffMember, kind: str) -> VettingCheck:
    entry = _match(member)
    check = VettingCheck.objects.create(
        staff=member,
        kind=kind,
        result="hit" if entry else "clear",
        matched=entry,
        consent_at=member.consent_at,
        checked_by_id=actor.user_id,
        checked_at=clock.now(),
    )
    audit(
        actor,
        "vetting.check",
        "staff",
        member.pk,
        check_id=check.pk,
        kind=kind,
        result=check.result,
        institution_id=member.institution_id,
    )
    return check


@transaction.atomic
def check_applicant(*, actor: identity.Actor, staff_id: int) -> VettingCheck:
    """The pre-employment check: for applicants only, with their consent on record."""
    member = access_staff_by_id(actor, staff_id, for_update=True)
    _own(actor, member)
    if member.status != "applicant":
        raise Conflict(
            "入职查询只适用于应聘人员 / Only applicants get a pre-employment check",
            fields={"status": member.status},
        )
    if member.consent_at is None:
        raise Invalid(
            "须先记录本人同意查询 / The candidate's consent must be recorded first",
            fields={"consent": "未记录 / not recorded"},
            code="consent_required",
        )
    return _check(actor, member, "pre_employment")


def effective_result(check: VettingCheck) -> str:
    appeal = getattr(check, "appeal", None)
    if check.result == "hit" and appeal is not None and appeal.status == "upheld":
        return "clear"
    return check.result


@transaction.atomic
def hire(*, actor: identity.Actor, staff_id: int, hired_on: dt.date | None = None) -> StaffMember:
    """An applicant becomes staff only after a clear pre-employment check (or a hit whose
    appeal was upheld)."""
    member = access_staff_by_id(actor, staff_id, for_update=True)
    _own(actor, member)
    if member.status != "applicant":
        raise Conflict("只能录用应聘人员 / Only applicants can be hired")
    latest = (
        VettingCheck.objects.filter(staff=member, kind="pre_employment")
        .select_related("appeal")
        .order_by("-checked_at", "-id")
        .first()
    )
    if latest is None or effective_result(latest) != "clear":
        raise Invalid(
            "未通过入职查询，不得录用 / No clear pre-employment check: cannot hire",
            fields={"check": "未查询或命中限制名单 / not checked, or on the restricted list"},
            code="vetting_required",
        )
    member.status = "employed"
    member.hired_on = hired_on or clock.today()
    member.save(update_fields=["status", "hired_on"])
    audit(actor, "staff.hire", "staff", member.pk)
    return member


@transaction.atomic
def end_employment(*, actor: identity.Actor, staff_id: int, status: str) -> StaffMember:
    """An applicant is not hired, or a member of staff leaves."""
    member = access_staff_by_id(actor, staff_id, for_update=True)
    _own(actor, member)
    allowed = {"applicant": "not_hired", "employed": "left"}
    if allowed.get(member.status) != status:
        raise Conflict(
            "状态不允许 / Not allowed from the current status", fields={"status": status}
        )
    member.status = status
    if status == "left":
        member.left_on = clock.today()
    member.save(update_fields=["status", "left_on"])
    audit(actor, "staff.end", "staff", member.pk, status=status)
    return member


@transaction.atomic
def recheck_staff(
    *, actor: identity.Actor, institution_id: int | None = None
) -> list[VettingCheck]:
    """Periodic re-check of everyone employed in the actor's scope (a regulator's district or
    the institution itself), or of one institution."""
    access.require_role(actor, access.ENFORCER_ROLES | access.STAFF_ROLES)
    rows = StaffMember.objects.filter(staff_visible_to(actor), status="employed")
    if institution_id is not None:
        rows = rows.filter(institution_id=institution_id)
    return [_check(actor, member, "periodic") for member in rows.order_by("pk")]


@transaction.atomic
def appeal_check(*, actor: identity.Actor, check_id: int, reason: str) -> VettingAppeal:
    """The institution files the checked person's appeal against a hit."""
    check = VettingCheck.objects.select_related("staff").filter(pk=check_id).first()
    if check is None:
        raise NotFound("找不到该查询记录 / No such check")
    access_staff_by_id(actor, check.staff_id)
    _own(actor, check.staff)
    if check.result != "hit":
        raise Conflict("只有命中的查询可以申诉 / Only a hit can be appealed")
    try:
        with transaction.atomic():
            appeal = VettingAppeal.objects.create(
                check_record=check,
                reason=text(reason, "reason", max_length=2000),
                filed_by_id=access.signed_in(actor),
                filed_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict("该查询已申诉 / This check was already appealed") from None
    audit(actor, "vetting.appeal", "staff", check.staff_id, check_id=check.pk)
    return appeal


@transaction.atomic
def decide_appeal(
    *, actor: identity.Actor, appeal_id: int, upheld: bool, note: str
) -> VettingAppeal:
    """A regulator in the institution's district decides the appeal, once."""
    access.require_role(actor, access.ENFORCER_ROLES)
    appeal = (
        VettingAppeal.objects.select_for_update()
        .select_related("check_record__staff")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise NotFound("找不到该申诉 / No such appeal")
    access.access_institution_by_id(
        actor, appeal.check_record.staff.institution_id, access.ENFORCER_ROLES
    )
    if appeal.status != "pending":
        raise Conflict("该申诉已有决定 / The appeal was already decided")
    appeal.status = "upheld" if upheld else "dismissed"
    appeal.decision_note = text(note, "note", max_length=2000)
    appeal.decided_by_id = actor.user_id
    appeal.decided_at = clock.now()
    appeal.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    audit(actor, "vetting.appeal_decide", "staff", appeal.check_record.staff_id, upheld=upheld)
    return appeal


@transaction.atomic
def add_restricted_person(
    *, actor: identity.Actor, name: str, id_number: str, basis: str, listed_on: dt.date
) -> RestrictedPerson:
    """A city regulator adds a person to the restricted list (kept as a blind index only)."""
    access.require_role(actor, access.ENFORCER_ROLES)
    if not any(g.city_wide for g in actor.grants_for(access.ENFORCER_ROLES)):
        raise Forbidden("限制名单由市级部门维护 / The restricted list is kept city-wide")
    number = _number(id_number)
    entry = RestrictedPerson.objects.create(
        id_number_index=pii.blind_index(number, context=STAFF_ID_CONTEXT),
        name_masked=pii.mask_name(text(name, "name", max_length=100)),
        basis=text(basis, "basis", max_length=300),
        listed_on=listed_on,
        created_by_id=access.signed_in(actor),
    )
    audit(actor, "restricted.add", "restricted_person", entry.pk)
    return entry
