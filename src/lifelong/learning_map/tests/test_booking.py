"""Booking an activity session: booked or waitlisted, never twice, cancellation promotes the
first person waiting and tells them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from lifelong.identity import api as identity
from lifelong.learning_map.models import Booking
from lifelong.learning_map.services.bookings import book_session, cancel_booking
from lifelong.learning_map.tests import factories
from lifelong.shared.ids import ric_check_character

pytestmark = pytest.mark.django_db

CITIZEN_ID = "31010419850315003" + ric_check_character("31010419850315003")  # 王晓明, demo


def _actor_for(person) -> identity.Actor:
    return identity.Actor(user_id=1, username=f"p{person.pk}", person_id=str(person.pk))


def test_citizen_books_a_seat(as_user):
    session = factories.session(capacity=5)
    response = as_user("citizen").post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "booked"
    session.refresh_from_db()
    assert session.booked_count == 1


def test_booking_twice_makes_no_second_booking(as_user):
    session = factories.session(capacity=5)
    citizen = as_user("citizen")
    first = citizen.post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    again = citizen.post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Booking.objects.filter(session=session).count() == 1
    session.refresh_from_db()
    assert session.booked_count == 1


def test_full_session_waitlists_and_cancel_promotes_the_first_waiting(
    as_user, django_capture_on_commit_callbacks
):
    session = factories.session(capacity=1)
    citizen, senior, parent = as_user("citizen"), as_user("senior_citizen"), as_user("parent")
    assert (
        citizen.post(f"/api/v1/activities/sessions/{session.pk}/bookings").json()["status"]
        == "booked"
    )
    second = senior.post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    third = parent.post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    assert second.status_code == 201 and second.json()["status"] == "waitlisted"
    assert second.json()["waitlist_position"] == 1 and third.json()["waitlist_position"] == 2

    response = citizen.client.delete(
        f"/api/v1/activities/sessions/{session.pk}/bookings", **citizen._headers()
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["cancelled"]["status"] == "cancelled"
    assert body["promoted"]["id"] == second.json()["id"] and body["promoted"]["status"] == "booked"
    assert senior.get("/api/v1/activities/bookings/mine").json()["items"][0]["status"] == "booked"
    assert (
        parent.get("/api/v1/activities/bookings/mine").json()["items"][0]["waitlist_position"] == 1
    )
    senior_person = senior.get("/api/v1/me").json()["person_id"]
    inbox = apps.get_model("shared", "Notification").objects.filter(recipient_id=senior_person)
    assert inbox.filter(template="waitlist_promoted").count() == 1


def test_cancelling_a_waitlisted_booking_promotes_nobody(as_user):
    session = factories.session(capacity=1)
    citizen, senior = as_user("citizen"), as_user("senior_citizen")
    citizen.post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    senior.post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    body = senior.client.delete(
        f"/api/v1/activities/sessions/{session.pk}/bookings", **senior._headers()
    ).json()
    assert body["promoted"] is None
    session.refresh_from_db()
    assert session.booked_count == 1


def test_waitlist_is_promoted_in_arrival_order():
    session = factories.session(capacity=2)
    people = [factories.person(f"排队{i}") for i in range(6)]
    for p in people:
        book_session(actor=_actor_for(p), session_id=session.pk)
    promoted = []
    for p in people[:2]:
        outcome = cancel_booking(actor=_actor_for(p), session_id=session.pk)
        promoted.append(str(outcome.promoted.person_id))
    assert promoted == [str(people[2].pk), str(people[3].pk)]


def test_booking_needs_a_token(api):
    session = factories.session()
    assert api.post(f"/api/v1/activities/sessions/{session.pk}/bookings").status_code == 401


def test_booking_a_started_or_unknown_session_is_refused(as_user):
    started = factories.session(starts_in=dt.timedelta(minutes=-5))
    citizen = as_user("citizen")
    response = citizen.post(f"/api/v1/activities/sessions/{started.pk}/bookings")
    assert response.status_code == 409
    assert citizen.post("/api/v1/activities/sessions/999999/bookings").status_code == 404


def test_cancelling_without_a_booking_is_404(as_user):
    session = factories.session()
    citizen = as_user("citizen")
    response = citizen.client.delete(
        f"/api/v1/activities/sessions/{session.pk}/bookings", **citizen._headers()
    )
    assert response.status_code == 404


def test_family_member_books_for_a_senior_through_a_proxy_relation(as_user):
    session = factories.session()
    senior, citizen = as_user("senior_citizen"), as_user("citizen")
    senior_person = senior.get("/api/v1/me").json()["person_id"]
    citizen_person = citizen.get("/api/v1/me").json()["person_id"]
    # Without a relation the senior is "not found" for the citizen.
    refused = citizen.post(
        f"/api/v1/activities/sessions/{session.pk}/bookings", {"person_id": senior_person}
    )
    assert refused.status_code == 404
    granted = senior.post(
        "/api/v1/me/proxies",
        {
            "kind": "family_for_senior",
            "agent_id_number": CITIZEN_ID,
            "agent_name": "王晓明",
            "consent_evidence": "本人在线授权 / granted online",
        },
    )
    assert granted.status_code == 201, granted.content
    response = citizen.post(
        f"/api/v1/activities/sessions/{session.pk}/bookings", {"person_id": senior_person}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person_id"] == senior_person and body["booked_by"] == citizen_person
    audit = apps.get_model("shared", "AuditEntry").objects.filter(action="activity.book_for")
    assert audit.filter(on_behalf_of=senior_person, object_id=str(session.pk)).exists()
    assert senior.get("/api/v1/activities/bookings/mine").json()["count"] == 1


def test_seats_never_exceed_capacity_in_the_database():
    from django.db import IntegrityError, transaction

    session = factories.session(capacity=1)
    session.booked_count = 1
    session.save()
    session.booked_count = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()
