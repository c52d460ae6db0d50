"""On PostgreSQL, a burst of parallel bookings never seats more than the capacity and
waitlists the rest in the order their bookings took the session lock.

The test is skipped before any database set-up when the suite runs on SQLite: a transactional
test ends with a flush, which SQLite carries out as DELETEs that the append-only tables refuse
(PostgreSQL truncates instead, which their row triggers allow)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, connections

from lifelong.identity import api as identity
from lifelong.learning_map.models import Activity, ActivitySession, Booking, Route
from lifelong.learning_map.services.bookings import book_session, cancel_booking
from lifelong.shared import clock


def _make_session(capacity: int) -> ActivitySession:
    route = Route.objects.create(name="并发测试路线", theme="riverside", duration_minutes=60)
    activity = Activity.objects.create(kind="guided_walk", title="并发测试导览", route=route)
    starts = clock.now() + dt.timedelta(days=2)
    return ActivitySession.objects.create(
        activity=activity,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=capacity,
    )


ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="row locks are tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_bookings_for_twenty_seats():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) are tested on PostgreSQL")
    person_model = apps.get_model("identity", "Person")
    people = [person_model.objects.create(name=f"并发{i}") for i in range(50)]
    session = _make_session(capacity=20)
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def book(person) -> None:
        try:
            start.wait()
            actor = identity.Actor(user_id=1, username=f"p{person.pk}", person_id=str(person.pk))
            book_session(actor=actor, session_id=session.pk)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors

    session.refresh_from_db()
    rows = list(Booking.objects.filter(session=session).order_by("queue_no"))
    booked = [b for b in rows if b.status == "booked"]
    waiting = [b for b in rows if b.status == "waitlisted"]
    assert session.booked_count == len(booked) == 20
    assert len(waiting) == 30 and len(rows) == 50
    assert [b.queue_no for b in rows] == list(range(1, 51))
    # Seats went to the first twenty to take the lock, the waiting list to the rest, in order.
    assert max(b.queue_no for b in booked) < min(b.queue_no for b in waiting)
    assert [b.created_at for b in waiting] == sorted(b.created_at for b in waiting)

    # A cancellation hands the seat to the head of the waiting list.
    first = booked[0]
    actor = identity.Actor(user_id=1, username="x", person_id=str(first.person_id))
    outcome = cancel_booking(actor=actor, session_id=session.pk)
    assert outcome.promoted is not None and outcome.promoted.pk == waiting[0].pk
