"""The volunteer registry: joining, assignments, append-only service hours, the 100-guide goal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from lifelong.learning_map.models import ServiceHours, Volunteer
from lifelong.learning_map.tests import factories

pytestmark = pytest.mark.django_db


def _join(client, kind="guide"):
    return client.post(
        "/api/v1/volunteers",
        {
            "display_name": "周老师",
            "kind": kind,
            "skills": ["沪语讲解"],
            "available_weekdays": [6, 7],
            "district_code": "310104",
        },
    )


def test_joining_as_a_guide_counts_towards_the_target(as_user, api):
    before = api.get("/api/v1/volunteers/progress").json()
    assert before["target_guides"] == 100
    response = _join(as_user("senior_citizen"))
    assert response.status_code == 201, response.content
    after = api.get("/api/v1/volunteers/progress").json()
    assert after["guides"] == before["guides"] + 1


def test_joining_twice_is_a_conflict_and_bad_weekdays_are_422(as_user):
    senior = as_user("senior_citizen")
    assert _join(senior).status_code == 201
    assert _join(senior).status_code == 409
    bad = as_user("parent").post(
        "/api/v1/volunteers", {"display_name": "陈", "kind": "helper", "available_weekdays": [0, 8]}
    )
    assert bad.status_code == 422


def test_officer_assigns_a_guide_and_logs_hours(as_user, api):
    volunteer_id = _join(as_user("senior_citizen")).json()["id"]
    session = factories.session(district_id="310104")
    officer = as_user("district_officer")
    assigned = officer.post(
        f"/api/v1/activities/sessions/{session.pk}/volunteers",
        {"volunteer_id": volunteer_id, "role": "guide"},
    )
    assert assigned.status_code == 201, assigned.content
    assert api.get(f"/api/v1/activities/sessions/{session.pk}").json()["guide"] == "周老师"
    logged = officer.post(
        f"/api/v1/volunteers/{volunteer_id}/hours",
        {
            "served_on": str(dt.date.today() - dt.timedelta(days=1)),
            "hours": "2.50",
            "assignment_id": assigned.json()["id"],
        },
    )
    assert logged.status_code == 201, logged.content
    assert logged.json()["hours"] == "2.50"


def test_hours_are_append_only_and_corrected_by_reversal(as_user):
    volunteer_id = _join(as_user("senior_citizen")).json()["id"]
    officer = as_user("district_officer")
    entry = officer.post(
        f"/api/v1/volunteers/{volunteer_id}/hours", {"served_on": "2026-01-10", "hours": "3"}
    ).json()
    row = ServiceHours.objects.get(pk=entry["id"])
    row.hours = 5
    with pytest.raises(DatabaseError), transaction.atomic():
        row.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ServiceHours.objects.filter(pk=entry["id"]).delete()
    reversal = officer.post(
        f"/api/v1/volunteers/hours/{entry['id']}/reversal", {"note": "登记错误"}
    )
    assert reversal.status_code == 201 and reversal.json()["hours"] == "-3.00"
    assert officer.post(f"/api/v1/volunteers/hours/{entry['id']}/reversal", {}).status_code == 409
    total = sum(h.hours for h in ServiceHours.objects.filter(volunteer_id=volunteer_id))
    assert total == 0


def test_hours_outside_scope_or_role_are_refused(as_user):
    volunteer_id = _join(as_user("senior_citizen")).json()["id"]
    body = {"served_on": "2026-01-10", "hours": "1"}
    assert (
        as_user("district_officer_huangpu")
        .post(f"/api/v1/volunteers/{volunteer_id}/hours", body)
        .status_code
        == 404
    )
    assert (
        as_user("citizen").post(f"/api/v1/volunteers/{volunteer_id}/hours", body).status_code == 403
    )
    too_many = as_user("district_officer").post(
        f"/api/v1/volunteers/{volunteer_id}/hours", {"served_on": "2026-01-10", "hours": "25"}
    )
    assert too_many.status_code == 422
    assert Volunteer.objects.filter(pk=volunteer_id).exists()
