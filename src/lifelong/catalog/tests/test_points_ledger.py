import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lifelong.catalog.models import BadgeAward, PointsEntry
from lifelong.catalog.services import incentives
from lifelong.catalog.tests.helpers import actor, demo, units


def test_replaying_an_award_adds_nothing(db):
    person = actor("senior_citizen").person_id

    first = incentives.award_points(
        person_id=person, reason="unit_completed", idempotency_key="k-1"
    )
    again = incentives.award_points(
        person_id=person, reason="unit_completed", idempotency_key="k-1"
    )

    assert (first, again) == (True, False)
    assert PointsEntry.objects.filter(idempotency_key="k-1").count() == 1


def test_the_ledger_refuses_changes(db):
    person = actor("senior_citizen").person_id
    incentives.award_points(person_id=person, reason="unit_completed", idempotency_key="k-2")

    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.filter(idempotency_key="k-2").update(points=1000)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.filter(idempotency_key="k-2").delete()


def test_completing_a_unit_twice_awards_its_points_once(as_user):
    citizen = as_user("senior_citizen")
    course = demo("8-0-course")
    enrolment = citizen.post(f"/api/v1/courses/{course.pk}/enrolments").json()["id"]
    url = f"/api/v1/me/learning/{enrolment}/units/{units(course)[0].pk}/progress"
    before = citizen.get("/api/v1/me/points").json()["balance"]

    citizen.post(url, {"completed": True})
    middle = citizen.get("/api/v1/me/points").json()["balance"]
    citizen.post(url, {"completed": True})
    after = citizen.get("/api/v1/me/points").json()

    assert middle - before >= 2
    assert after["balance"] == middle
    assert after["items"][0]["reason"] in ("unit_completed", "learning_day")


def test_my_points_show_balance_history_and_badges(as_user):
    body = as_user("citizen").get("/api/v1/me/points").json()

    assert body["balance"] == sum(i["points"] for i in body["items"])
    assert {"course_completed", "unit_completed", "learning_day"} <= {
        i["reason"] for i in body["items"]
    }


def test_a_seven_day_streak_earns_a_bonus_and_a_badge(db):
    person = actor("senior_citizen").person_id
    start = dt.date(2030, 3, 1)

    for offset in range(7):
        incentives.record_learning_day(person_id=person, day=start + dt.timedelta(days=offset))
    replay = incentives.record_learning_day(person_id=person, day=start + dt.timedelta(days=6))

    assert replay is False
    assert PointsEntry.objects.filter(person_id=person, reason="streak").count() == 1
    assert (
        PointsEntry.objects.filter(
            person_id=person, reason="learning_day", idempotency_key__contains="2030-03"
        ).count()
        == 7
    )
    assert BadgeAward.objects.filter(person_id=person, badge__code="streak-7").exists()


def test_finishing_a_senior_mooc_earns_the_first_senior_mooc_badge(as_user):
    citizen = as_user("senior_citizen")
    mooc = demo("0-1-mooc")
    enrolment = citizen.post(f"/api/v1/courses/{mooc.pk}/enrolments").json()["id"]
    document, audio, quiz = units(mooc)
    base = f"/api/v1/me/learning/{enrolment}/units"

    citizen.post(f"{base}/{document.pk}/progress", {"completed": True})
    citizen.post(f"{base}/{audio.pk}/progress", {"completed": True})
    citizen.post(f"{base}/{quiz.pk}/quiz", {"answers": [0, 1]})

    codes = {b["code"] for b in citizen.get("/api/v1/me/points").json()["badges"]}
    assert "senior-mooc-1" in codes


def test_the_leaderboard_shows_only_those_who_opt_in_with_masked_names(as_user, api):
    citizen = as_user("citizen")
    before = api.get("/api/v1/leaderboard/310104").json()["items"]

    citizen.post("/api/v1/me/leaderboard", {"opted_in": True})
    after = api.get("/api/v1/leaderboard/310104").json()["items"]

    assert before == []
    assert after[0]["name"] == "王**"
    assert after[0]["points"] > 0
