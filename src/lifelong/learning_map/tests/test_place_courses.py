"""Courses held at a place, read from the catalog through its api.py: the courses that name
the place, and a school's own offline courses, on the place page and in the place API."""

from __future__ import annotations

import datetime as dt

import pytest

from lifelong.learning_map.models import Place
from lifelong.shared import clock

pytestmark = pytest.mark.django_db


def _published_course_at(as_user, place: Place, *, title: str, starts_in_days: int) -> int:
    """An offline course naming the place, published the way providers and reviewers do."""
    starts = clock.now() + dt.timedelta(days=starts_in_days)
    provider = as_user("institution_staff")
    created = provider.post(
        "/api/v1/courses",
        {
            "kind": "offline",
            "title": title,
            "category": "language",
            "district_code": "310104",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
            "capacity": 20,
            "venue": place.name,
            "place_ref": str(place.pk),
        },
    )
    assert created.status_code == 201, created.content
    course = created.json()["id"]
    provider.post(
        f"/api/v1/courses/{course}/units", {"title": "第一讲", "kind": "document", "body": "讲义"}
    )
    assert provider.post(f"/api/v1/courses/{course}/submit").json()["status"] == "in_review"
    approved = as_user("district_officer").post(f"/api/v1/courses/{course}/approve", {})
    assert approved.json()["status"] == "published"
    return course


def _walk_point() -> Place:
    return Place.objects.filter(kind="walk_point", district_id="310104").order_by("id").first()


def test_a_course_naming_the_place_is_in_the_place_api_and_on_its_page(api, as_user, client):
    place = _walk_point()
    before = api.get(f"/api/v1/places/{place.pk}").json()["courses"]

    course = _published_course_at(as_user, place, title="沪语童谣现场课", starts_in_days=3)

    assert before == []
    courses = api.get(f"/api/v1/places/{place.pk}").json()["courses"]
    assert [(c["id"], c["title"], c["kind"]) for c in courses] == [
        (course, "沪语童谣现场课", "offline")
    ]
    assert courses[0]["url"] == f"/learn/courses/{course}/"
    html = client.get(f"/map/places/{place.pk}/").content.decode()
    assert f'<a href="/learn/courses/{course}/">沪语童谣现场课</a>' in html


def test_courses_that_have_ended_are_left_out(api, as_user, monkeypatch):
    place = _walk_point()
    _published_course_at(as_user, place, title="已经结束的课", starts_in_days=1)
    assert len(api.get(f"/api/v1/places/{place.pk}").json()["courses"]) == 1

    later = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)

    assert api.get(f"/api/v1/places/{place.pk}").json()["courses"] == []


def test_a_schools_own_offline_courses_are_listed_soonest_first(api):
    school = Place.objects.get(name="天平路街道社区学校")
    assert school.organisation_id is not None

    courses = api.get(f"/api/v1/places/{school.pk}").json()["courses"]

    assert courses, "the demo school offers offline courses"
    starts = [c["starts_at"] for c in courses]
    assert starts == sorted(starts)
    now = clock.now()
    for item in courses:
        detail = api.get(f"/api/v1/courses/{item['id']}").json()
        assert (detail["provider"], detail["format"]) == ("天平路街道社区学校", "offline")
        assert dt.datetime.fromisoformat(detail["ends_at"]) > now


def test_a_place_with_nothing_held_there_says_so(api, client):
    place = _walk_point()

    assert api.get(f"/api/v1/places/{place.pk}").json()["courses"] == []
    html = client.get(f"/map/places/{place.pk}/").content.decode()
    assert "近期没有在这里开设的课程。" in html


def test_place_api_and_page_query_counts_are_pinned(api, client, django_assert_max_num_queries):
    school = Place.objects.get(name="天平路街道社区学校")

    # place, photos, courses
    with django_assert_max_num_queries(3):
        assert api.get(f"/api/v1/places/{school.pk}").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/map/places/{school.pk}/").status_code == 200
