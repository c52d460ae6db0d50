"""Booking activity sessions: seats, the waiting list in arrival order, cancellation that
promotes the next person and tells them, reminders, attendance.

Every change to a session's seats happens with the session row locked (`SELECT … FOR UPDATE`
on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers the same way), so a burst of
bookings can never seat more people than the capacity, and arrival numbers are handed out in
order under that lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lifelong.identity import api as identity
from lifelong.learning_map.access import (
    access_session_for_management,
    require_person,
    require_signed_in,
)
from lifelong.learning_map.models import ActivitySession, Booking
from lifelong.shared import clock
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Conflict, Invalid, NotFound
from lifelong.shared.notifications import notify

ACTIVE = (Booking.Status.BOOKED, Booking.Status.WAITLISTED)


@dataclass(frozen=True)
class BookingOutcome:
    booking: Booking
    created: bool


@dataclass(frozen=True)
class CancelOutcome:
    cancelled: Booking
    promoted: Booking | None


def _lock_session(session_id) -> ActivitySession:
    try:
        return (
            ActivitySession.objects.select_for_update()
            .select_related("activity")
            .get(pk=session_id)
        )
    except (ActivitySession.DoesNotExist, ValueError, TypeError):
        raise NotFound("找不到该场次 / No such session") from None


def _subject(actor: identity.Actor, person_id) -> tuple[str, int | None]:
    """Whom the actor books for, and the proxy relation used (None: themself)."""
    own = require_person(actor)
    if person_id is None or str(person_id) == own:
        return own, None
    return str(person_id), identity.acting_for(actor, person_id)


def _audit_proxy(action: str, actor: identity.Actor, person_id: str, proxy_id, session) -> None:
    record_audit(
        action=action,
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        on_behalf_of=person_id,
        object_type="activity_session",
        object_id=str(session.pk),
        detail={"proxy_id": proxy_id},
    )


def offering_label(session: ActivitySession) -> str:
    local = session.starts_at.astimezone(clock.SHANGHAI)
    return f"{session.activity.title}（{local:%Y-%m-%d %H:%M}）"


@transaction.atomic
def book_session(
    *, actor: identity.Actor, session_id, person_id=None, now: dt.datetime | None = None
) -> BookingOutcome:
    """Book a seat for the actor (or, with a valid proxy relation, for `person_id`): booked
    while seats remain, otherwise waitlisted. Booking again returns the existing booking."""
    subject, proxy_id = _subject(actor, person_id)
    session = _lock_session(session_id)
    now = now or clock.now()
    if session.status != ActivitySession.Status.SCHEDULED:
        raise Conflict("该场次已取消 / This session was cancelled", code="session_cancelled")
    if session.starts_at <= now:
        raise Conflict("该场次已开始，不能报名 / This session has started", code="session_started")
    existing = Booking.objects.filter(session=session, person_id=subject, status__in=ACTIVE).first()
    if existing is not None:
        return BookingOutcome(existing, created=False)
    seated = session.booked_count < session.capacity
    booking = Booking.objects.create(
        session=session,
        person_id=subject,
        booked_by_id=actor.person_id,
        proxy_relation_id=proxy_id,
        status=Booking.Status.BOOKED if seated else Booking.Status.WAITLISTED,
        queue_no=session.next_queue_no,
    )
    session.next_queue_no += 1
    if seated:
        session.booked_count += 1
    session.save(update_fields=["next_queue_no", "booked_count"])
    if proxy_id is not None:
        _audit_proxy("activity.book_for", actor, subject, proxy_id, session)
    return BookingOutcome(booking, created=True)


@transaction.atomic
def cancel_booking(
    *, actor: identity.Actor, session_id, person_id=None, now: dt.datetime | None = None
) -> CancelOutcome:
    """Cancel the actor's (or the proxied person's) booking. A freed seat goes to the first
    person on the waiting list, who is notified; nobody is promoted once the session began."""
    subject, proxy_id = _subject(actor, person_id)
    session = _lock_session(session_id)
    now = now or clock.now()
    booking = Booking.objects.filter(session=session, person_id=subject, status__in=ACTIVE).first()
    if booking is None:
        raise NotFound("没有可取消的报名 / No booking to cancel")
    freed = booking.status == Booking.Status.BOOKED
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if freed:
        session.booked_count -= 1
        if session.status == ActivitySession.Status.SCHEDULED and session.starts_at > now:
            promoted = _promote_next(session, now)
        session.save(update_fields=["booked_count"])
    if proxy_id is not None:
        _audit_proxy("activity.cancel_for", actor, subject, proxy_id, session)
    return CancelOutcome(booking, promoted)


def _promote_next(session: ActivitySession, now: dt.datetime) -> Booking | None:
    nxt = (
        Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED)
        .order_by("queue_no")
        .first()
    )
    if nxt is None:
        return None
    nxt.status = Booking.Status.BOOKED
    nxt.promoted_at = now
    nxt.save(update_fields=["status", "promoted_at"])
    session.booked_count += 1
    notify(
        recipient_id=str(nxt.person_id),
        template="waitlist_promoted",
        context={"offering": offering_label(session)},
    )
    return nxt


def my_booking(*, actor: identity.Actor, session_id) -> Booking | None:
    if actor.user_id is None or not actor.person_id:
        return None
    return Booking.objects.filter(
        session_id=session_id, person_id=actor.person_id, status__in=ACTIVE
    ).first()


@transaction.atomic
def mark_attendance(
    *, actor: identity.Actor, session_id, person_ids: list[str], attended: bool = True
) -> int:
    """Record (or clear) attendance of booked people at a session the actor manages. Returns
    how many bookings changed; a person without a seat is a 422."""
    require_signed_in(actor)
    session = access_session_for_management(actor, session_id)
    wanted = {str(p) for p in person_ids}
    bookings = list(
        Booking.objects.filter(session=session, person_id__in=wanted, status=Booking.Status.BOOKED)
    )
    missing = wanted - {str(b.person_id) for b in bookings}
    if missing:
        raise Invalid(
            "这些人没有该场次的正式报名 / These people hold no seat on this session",
            fields={"person_ids": ", ".join(sorted(missing))},
        )
    stamp = clock.now() if attended else None
    for booking in bookings:
        booking.attended_at = stamp
        booking.save(update_fields=["attended_at"])
    return len(bookings)


def send_reminders(*, within: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Remind everyone holding a seat on a session that starts within `within`, once each,
    through the notification interface. Returns how many were reminded."""
    now = clock.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.BOOKED,
            reminded_at__isnull=True,
            session__status=ActivitySession.Status.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + within,
        )
        .select_related("session__activity")
        .order_by("id")
    )
    sent = 0
    for booking in due:
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            session = booking.session
            notify(
                recipient_id=str(booking.person_id),
                template="activity_reminder",
                context={
                    "offering": offering_label(session),
                    "place": session.meeting_point or session.activity.title,
                },
            )
            sent += 1
    return sent
