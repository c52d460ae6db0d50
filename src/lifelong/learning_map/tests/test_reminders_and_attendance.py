"""Reminders through the notification interface; attendance kept by those who run a session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from lifelong.learning_map.services.bookings import send_reminders
from lifelong.learning_map.tests import factories

pytestmark = pytest.mark.django_db


def _book(client, session):
    response = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings")
    assert response.status_code == 201
    return response.json()


def test_reminders_go_once_to_booked_people_of_sessions_starting_soon(as_user):
    soon = factories.session(starts_in=dt.timedelta(hours=5))
    later = factories.session(starts_in=dt.timedelta(days=5))
    citizen = as_user("citizen")
    person_id = _book(citizen, soon)["person_id"]
    _book(citizen, later)
    before = apps.get_model("shared", "Notification").objects.filter(
        recipient_id=person_id, template="activity_reminder"
    )
    assert before.count() == 0
    assert send_reminders() >= 1
    assert before.count() == 1
    assert soon.activity.title in before.get().body
    send_reminders()
    assert before.count() == 1


def test_district_officer_records_attendance_in_their_district(as_user):
    session = factories.session(district_id="310104")
    booking = _book(as_user("citizen"), session)
    officer = as_user("district_officer")
    response = officer.post(
        f"/api/v1/activities/sessions/{session.pk}/attendance",
        {"person_ids": [booking["person_id"]]},
    )
    assert response.status_code == 200 and response.json() == {"changed": 1}
    listed = officer.get(f"/api/v1/activities/sessions/{session.pk}/bookings").json()["items"]
    assert listed[0]["attended"] is True


def test_another_districts_officer_cannot_see_or_mark_the_session(as_user):
    session = factories.session(district_id="310104")
    booking = _book(as_user("citizen"), session)
    huangpu = as_user("district_officer_huangpu")
    marked = huangpu.post(
        f"/api/v1/activities/sessions/{session.pk}/attendance",
        {"person_ids": [booking["person_id"]]},
    )
    assert marked.status_code == 404
    assert huangpu.get(f"/api/v1/activities/sessions/{session.pk}/bookings").status_code == 404
    assert (
        as_user("citizen").get(f"/api/v1/activities/sessions/{session.pk}/bookings").status_code
        == 404
    )


def test_attendance_for_someone_without_a_seat_is_422(as_user):
    session = factories.session(district_id="310104")
    stranger = factories.person()
    response = as_user("district_officer").post(
        f"/api/v1/activities/sessions/{session.pk}/attendance", {"person_ids": [str(stranger.pk)]}
    )
    assert response.status_code == 422 and "person_ids" in response.json()["error"]["fields"]


def test_reminder_command_reports_how_many_were_sent(as_user):
    from io import StringIO

    from django.core.management import call_command

    soon = factories.session(starts_in=dt.timedelta(hours=2))
    _book(as_user("senior_citizen"), soon)
    out = StringIO()
    call_command("send_activity_reminders", "--hours", "3", stdout=out)
    assert int(out.getvalue().split()[-1]) >= 1
