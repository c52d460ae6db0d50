import datetime as dt

from lifelong.catalog.models import Enrolment, Kind, Resource, Status
from lifelong.catalog.services import learning, publishing
from lifelong.catalog.tests.helpers import actor
from lifelong.learning_records import api as learning_records
from lifelong.shared import clock, notifications


def _live(starts_in: dt.timedelta, capacity: int | None = None) -> Resource:
    live = Resource.objects.filter(kind=Kind.LIVE, status=Status.PUBLISHED).first()
    starts = clock.now() + starts_in
    publishing.update_resource(
        actor=actor("commission_officer"),
        resource_id=live.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=capacity,
    )
    live.refresh_from_db()
    return live


def test_attending_a_live_class_while_it_is_on_earns_points_once(as_user):
    live = _live(dt.timedelta(minutes=-5))
    citizen = as_user("senior_citizen")
    citizen.post(f"/api/v1/courses/{live.pk}/enrolments")
    before = citizen.get("/api/v1/me/points").json()["balance"]

    first = citizen.post(f"/api/v1/courses/{live.pk}/attendance")
    again = citizen.post(f"/api/v1/courses/{live.pk}/attendance")

    assert first.status_code == again.status_code == 200
    assert first.json()["state"] == "completed"
    points = citizen.get("/api/v1/me/points").json()
    assert points["balance"] - before >= 5
    assert [i["reason"] for i in points["items"]].count("live_attended") == 1
    person = Enrolment.objects.get(pk=first.json()["id"]).person_id
    attended = learning_records.statements_for_agent(
        str(person), verb="http://adlnet.gov/expapi/verbs/attended"
    )
    assert len(attended) == 1


def test_attendance_before_the_class_is_refused(as_user):
    live = _live(dt.timedelta(hours=3))
    citizen = as_user("senior_citizen")
    citizen.post(f"/api/v1/courses/{live.pk}/enrolments")

    response = citizen.post(f"/api/v1/courses/{live.pk}/attendance")

    assert response.status_code == 409


def test_attendance_needs_a_sign_up(as_user):
    live = _live(dt.timedelta(minutes=-5))

    assert (
        as_user("senior_citizen").post(f"/api/v1/courses/{live.pk}/attendance").status_code == 409
    )


def test_a_full_live_class_refuses_more_sign_ups(as_user):
    live = _live(
        dt.timedelta(hours=3), capacity=Enrolment.objects.filter(resource__kind=Kind.LIVE).count()
    )
    Enrolment.objects.filter(resource__kind=Kind.LIVE).update(resource=live)

    response = as_user("senior_citizen").post(f"/api/v1/courses/{live.pk}/enrolments")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "full"


def test_reminders_go_out_once_for_classes_in_the_next_day(
    as_user, django_capture_on_commit_callbacks
):
    live = _live(dt.timedelta(hours=5))
    as_user("senior_citizen").post(f"/api/v1/courses/{live.pk}/enrolments")
    notifications.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = learning.send_live_reminders()
        again = learning.send_live_reminders()

    assert sent >= 1 and again == 0
    assert any(
        e.message.template == "catalog_live_reminder" and live.title in e.message.body_zh
        for e in notifications.outbox
    )


def test_upcoming_live_classes_are_listed_on_their_page(client, db):
    live = _live(dt.timedelta(hours=2))

    response = client.get("/learn/live/")

    assert live.title in response.content.decode()
