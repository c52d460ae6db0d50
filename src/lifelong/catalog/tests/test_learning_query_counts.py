"""The learner's own lists — "my learning" (API and page) and the points history — take a fixed
number of queries however many courses and points the learner has, so an N+1 fails here."""

from __future__ import annotations

import pytest

from lifelong.catalog.services import learning
from lifelong.catalog.tests.helpers import actor, demo, units

# Courses the demo citizen is not enrolled in: 智能手机使用 × each level.
MORE_COURSES = [f"17-{level}-course" for level in range(6)]


def _learn_more(count: int) -> None:
    """The citizen enrols in `count` more courses and finishes each one's first unit."""
    citizen = actor("citizen")
    for key in MORE_COURSES[:count]:
        course = demo(key)
        enrolment, created = learning.enrol_person(actor=citizen, resource_id=course.pk)
        assert created
        learning.record_progress(
            actor=citizen, enrolment_id=enrolment.pk, unit_id=units(course)[0].pk, completed=True
        )


@pytest.mark.parametrize("more", [0, 6])
def test_my_learning_takes_the_same_queries_whatever_the_enrolments(
    as_user, django_assert_num_queries, more
):
    _learn_more(more)
    citizen = as_user("citizen")

    # the token with its user, the memberships; the enrolments with their courses and last
    # units; their certificates
    with django_assert_num_queries(4):
        response = citizen.get("/api/v1/me/learning")

    assert response.status_code == 200
    assert response.json()["count"] == 3 + more


@pytest.mark.parametrize("more", [0, 6])
def test_my_points_take_the_same_queries_whatever_the_history(
    as_user, django_assert_num_queries, more
):
    _learn_more(more)
    citizen = as_user("citizen")

    # the token with its user, the memberships; the balance and count; the page of history
    # with its courses; the badges; the learning days of the streak
    with django_assert_num_queries(6):
        response = citizen.get("/api/v1/me/points")

    assert response.status_code == 200
    assert len(response.json()["items"]) >= 5 + more


@pytest.mark.parametrize("more", [0, 6])
def test_the_my_learning_page_takes_the_same_queries_whatever_the_enrolments(
    client, db, django_assert_num_queries, more
):
    _learn_more(more)
    client.post("/login/", {"username": "citizen", "password": "lifelong-demo"})

    # the session, the user, the memberships, the person; the enrolments; their certificates;
    # the balance, the history, the badges, the streak
    with django_assert_num_queries(10):
        response = client.get("/learn/my/")

    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == 2 + more
