"""Volunteers: registering oneself, assignments to sessions, the append-only log of service
hours; and check-ins at walk points by QR code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from lifelong.identity import api as identity
from lifelong.learning_map.access import (
    access_session_for_management,
    access_volunteer_for_management,
    require_person,
)
from lifelong.learning_map.models import (
    CheckIn,
    Place,
    ServiceHours,
    Volunteer,
    VolunteerAssignment,
)
from lifelong.learning_map.selectors.places import place_by_checkin_code
from lifelong.shared import clock
from lifelong.shared.errors import Conflict, Invalid, NotFound


def _district_code(code: str | None) -> str | None:
    if not code:
        return None
    if code not in {d.code for d in identity.districts()}:
        raise Invalid("未知的区 / Unknown district", fields={"district_code": "unknown"})
    return code


@transaction.atomic
def register_volunteer(
    *,
    actor: identity.Actor,
    display_name: str,
    kind: str,
    skills: list[str],
    available_weekdays: list[int],
    availability_note: str = "",
    district_code: str | None = None,
) -> Volunteer:
    """The signed-in person joins the volunteer registry (once)."""
    person_id = require_person(actor)
    if kind not in Volunteer.Kind.values:
        raise Invalid("未知的志愿者类型 / Unknown kind", fields={"kind": "guide, helper"})
    if any(d not in range(1, 8) for d in available_weekdays):
        raise Invalid("星期应为 1–7 / Weekdays are 1–7", fields={"available_weekdays": "1–7"})
    display_name = display_name.strip()
    if not display_name:
        raise Invalid("请填写称呼 / A name is required", fields={"display_name": "必填 / required"})
    if Volunteer.objects.filter(person_id=person_id).exists():
        raise Conflict("您已是登记志愿者 / You are already registered")
    return Volunteer.objects.create(
        person_id=person_id,
        display_name=display_name,
        kind=kind,
        skills=[s.strip() for s in skills if s.strip()],
        available_weekdays=sorted(set(available_weekdays)),
        availability_note=availability_note.strip(),
        district_id=_district_code(district_code),
        joined_on=clock.today(),
    )


@transaction.atomic
def assign_volunteer(
    *, actor: identity.Actor, session_id, volunteer_id: int, role: str
) -> VolunteerAssignment:
    """Put a volunteer on a session the actor manages; a guide also becomes its guide."""
    session = access_session_for_management(actor, session_id)
    volunteer = access_volunteer_for_management(actor, volunteer_id)
    if role not in VolunteerAssignment.Role.values:
        raise Invalid("未知的分工 / Unknown role", fields={"role": "guide, helper"})
    if not volunteer.active:
        raise Invalid("该志愿者已不在册 / This volunteer is inactive", fields={"volunteer_id": ""})
    if role == VolunteerAssignment.Role.GUIDE and volunteer.kind != Volunteer.Kind.GUIDE:
        raise Invalid(
            "只有讲解志愿者可以担任讲解 / Only guide volunteers may guide",
            fields={"role": "guide"},
        )
    try:
        with transaction.atomic():
            assignment = VolunteerAssignment.objects.create(
                volunteer=volunteer, session=session, role=role
            )
    except IntegrityError:
        raise Conflict("该志愿者已在此场次 / Already assigned to this session") from None
    if role == VolunteerAssignment.Role.GUIDE:
        session.guide = volunteer
        session.save(update_fields=["guide"])
    return assignment


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise Invalid("时长无效 / Invalid hours", fields={"hours": "0.01–24"}) from None
    if not Decimal("0") < hours <= Decimal("24"):
        raise Invalid("时长应在 0 到 24 小时之间 / Hours are 0–24", fields={"hours": "0.01–24"})
    return hours


@transaction.atomic
def record_service_hours(
    *,
    actor: identity.Actor,
    volunteer_id: int,
    served_on: dt.date,
    hours,
    note: str = "",
    assignment_id: int | None = None,
) -> ServiceHours:
    volunteer = access_volunteer_for_management(actor, volunteer_id)
    if served_on > clock.today():
        raise Invalid(
            "不能登记未来的服务 / Service cannot be in the future", fields={"served_on": ""}
        )
    assignment = None
    if assignment_id is not None:
        assignment = VolunteerAssignment.objects.filter(
            pk=assignment_id, volunteer=volunteer
        ).first()
        if assignment is None:
            raise Invalid("服务安排不存在 / Unknown assignment", fields={"assignment_id": ""})
    return ServiceHours.objects.create(
        volunteer=volunteer,
        assignment=assignment,
        served_on=served_on,
        hours=_hours(hours),
        note=note.strip()[:200],
        recorded_by=actor.label,
    )


@transaction.atomic
def reverse_service_hours(*, actor: identity.Actor, entry_id: int, note: str) -> ServiceHours:
    """Correct a wrong entry with its negative: the log keeps both."""
    entry = ServiceHours.objects.filter(pk=entry_id, hours__gt=0).first()
    if entry is None:
        raise NotFound("找不到该记录 / No such entry")
    access_volunteer_for_management(actor, entry.volunteer_id)
    if ServiceHours.objects.filter(reverses=entry).exists():
        raise Conflict("该记录已冲正 / Already reversed")
    return ServiceHours.objects.create(
        volunteer_id=entry.volunteer_id,
        assignment_id=entry.assignment_id,
        served_on=entry.served_on,
        hours=-entry.hours,
        note=(note.strip() or "冲正 / reversal")[:200],
        reverses=entry,
        recorded_by=actor.label,
    )


@dataclass(frozen=True)
class CheckInOutcome:
    place: Place
    created: bool


@transaction.atomic
def check_in(*, actor: identity.Actor, code: str) -> CheckInOutcome:
    """Check in at the place whose QR code carries `code`; once per place and day."""
    person_id = require_person(actor)
    place = place_by_checkin_code(code)
    _, created = CheckIn.objects.get_or_create(person_id=person_id, place=place, day=clock.today())
    return CheckInOutcome(place, created)
