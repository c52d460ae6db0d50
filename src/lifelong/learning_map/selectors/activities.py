"""Reading sessions, bookings, events, experience bases and the volunteer registry."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from lifelong.identity import api as identity
from lifelong.learning_map.access import access_session_for_management
from lifelong.learning_map.models import (
    ActivitySession,
    Booking,
    Event,
    ExperienceBase,
    ServiceHours,
    Volunteer,
)
from lifelong.shared import clock
from lifelong.shared.errors import NotFound

GUIDE_TARGET = 100


def _sessions() -> QuerySet[ActivitySession]:
    return ActivitySession.objects.select_related(
        "activity", "activity__place", "activity__route", "activity__event", "guide"
    ).annotate(
        waitlisted_count=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED))
    )


def list_sessions(
    *,
    kind: str | None = None,
    district: str | None = None,
    route_id: int | None = None,
    place_id: int | None = None,
    event_id: int | None = None,
    upcoming_only: bool = True,
    limit: int = 100,
) -> list[ActivitySession]:
    rows = _sessions().filter(status=ActivitySession.Status.SCHEDULED)
    if upcoming_only:
        rows = rows.filter(starts_at__gt=clock.now())
    if kind:
        rows = rows.filter(activity__kind=kind)
    if district:
        rows = rows.filter(activity__district_id=district)
    if route_id:
        rows = rows.filter(activity__route_id=route_id)
    if place_id:
        rows = rows.filter(
            Q(activity__place_id=place_id) | Q(activity__route__stops__place_id=place_id)
        )
    if event_id:
        rows = rows.filter(activity__event_id=event_id)
    return list(rows.order_by("starts_at", "id").distinct()[:limit])


def get_session(session_id) -> ActivitySession:
    try:
        return _sessions().get(pk=session_id)
    except (ActivitySession.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该场次 / No such session") from None


def waitlist_position(booking: Booking) -> int | None:
    """1 for the first person waiting, …; None for a booking that is not waiting."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = Booking.objects.filter(
        session_id=booking.session_id,
        status=Booking.Status.WAITLISTED,
        queue_no__lt=booking.queue_no,
    ).count()
    return ahead + 1


def my_bookings(actor: identity.Actor) -> list[Booking]:
    if not actor.person_id:
        return []
    return list(
        Booking.objects.filter(
            person_id=actor.person_id,
            status__in=[Booking.Status.BOOKED, Booking.Status.WAITLISTED],
        )
        .select_related("session__activity")
        .order_by("session__starts_at", "id")
    )


def my_bookings_by_session(actor: identity.Actor, session_ids: list[int]) -> dict[int, Booking]:
    """The actor's active booking (seat or waiting) of each of these sessions, in one query."""
    if actor.user_id is None or not actor.person_id or not session_ids:
        return {}
    rows = Booking.objects.filter(
        person_id=actor.person_id,
        session_id__in=session_ids,
        status__in=[Booking.Status.BOOKED, Booking.Status.WAITLISTED],
    )
    return {b.session_id: b for b in rows}


def session_bookings(actor: identity.Actor, session_id) -> tuple[ActivitySession, list[Booking]]:
    """Seats and waiting list of a session the actor manages, in arrival order."""
    session = access_session_for_management(actor, session_id)
    rows = list(
        Booking.objects.filter(session=session)
        .exclude(status=Booking.Status.CANCELLED)
        .order_by("queue_no")
    )
    return session, rows


def list_events(*, current_only: bool = False) -> list[Event]:
    rows = Event.objects.annotate(activity_count=Count("activities"))
    if current_only:
        rows = rows.filter(ends_on__gte=clock.today())
    return list(rows.order_by("starts_on", "id"))


def get_event(event_id) -> Event:
    try:
        return Event.objects.get(pk=event_id)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该活动 / No such event") from None


def list_bases(*, province: str | None = None, level: str | None = None) -> list[ExperienceBase]:
    rows = ExperienceBase.objects.select_related("place", "place__district").prefetch_related(
        "projects"
    )
    if province:
        rows = rows.filter(place__province=province)
    if level:
        rows = rows.filter(level=level)
    return list(rows.filter(place__active=True).order_by("place__province", "id"))


def get_base(base_id) -> ExperienceBase:
    try:
        return (
            ExperienceBase.objects.select_related("place")
            .prefetch_related("projects")
            .get(pk=base_id, place__active=True)
        )
    except (ExperienceBase.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该体验基地 / No such experience base") from None


@dataclass(frozen=True)
class VolunteerProgress:
    guides: int
    helpers: int
    target_guides: int
    total_hours: Decimal

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.guides / self.target_guides))


def volunteer_progress() -> VolunteerProgress:
    """Active guides against the work plan's target of a 100-strong guide team."""
    counts = dict(
        Volunteer.objects.filter(active=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    hours = ServiceHours.objects.aggregate(total=Sum("hours"))["total"] or Decimal("0")
    return VolunteerProgress(
        guides=counts.get(Volunteer.Kind.GUIDE, 0),
        helpers=counts.get(Volunteer.Kind.HELPER, 0),
        target_guides=GUIDE_TARGET,
        total_hours=hours,
    )


def volunteer_hours(volunteer: Volunteer) -> Decimal:
    return ServiceHours.objects.filter(volunteer=volunteer).aggregate(total=Sum("hours"))[
        "total"
    ] or Decimal("0")
