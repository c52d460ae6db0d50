from lifelong.catalog.models import Enrolment
from lifelong.catalog.services import publishing
from lifelong.catalog.tests.helpers import actor, demo


def test_enrolling_twice_gives_one_enrolment(as_user):
    citizen = as_user("senior_citizen")
    course = demo("2-1-course")

    first = citizen.post(f"/api/v1/courses/{course.pk}/enrolments")
    again = citizen.post(f"/api/v1/courses/{course.pk}/enrolments")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Enrolment.objects.filter(resource=course).count() == 1


def test_enrolling_needs_a_token(api):
    response = api.post(f"/api/v1/courses/{demo('2-1-course').pk}/enrolments")

    assert response.status_code == 401


def test_an_account_without_a_person_cannot_enrol(as_user):
    response = as_user("district_officer").post(
        f"/api/v1/courses/{demo('2-1-course').pk}/enrolments"
    )

    assert response.status_code == 403


def test_a_draft_cannot_be_enrolled_in(as_user):
    draft = as_user("institution_staff").post(
        "/api/v1/courses", {"kind": "article", "title": "草稿文章", "category": "life"}
    )

    response = as_user("citizen").post(f"/api/v1/courses/{draft.json()['id']}/enrolments")

    assert response.status_code == 404


def test_a_course_taken_down_cannot_be_enrolled_in(as_user):
    course = demo("2-2-course")
    publishing.archive_resource(actor=actor("commission_officer"), resource_id=course.pk)

    response = as_user("citizen").post(f"/api/v1/courses/{course.pk}/enrolments")

    assert response.status_code == 404


def test_a_mooc_enrolment_joins_its_open_run(as_user):
    mooc = demo("3-0-mooc")

    body = as_user("senior_citizen").post(f"/api/v1/courses/{mooc.pk}/enrolments").json()

    assert Enrolment.objects.get(pk=body["id"]).run == mooc.runs.get()


def test_my_learning_lists_enrolments_with_progress_most_recent_first(as_user):
    body = as_user("citizen").get("/api/v1/me/learning").json()

    titles = {i["title"]: i for i in body["items"]}
    assert body["count"] == len(body["items"]) >= 3
    assert titles["太极拳入门"]["progress_percent"] == 33
    assert titles["八段锦入门"]["state"] == "completed"
    assert titles["八段锦入门"]["certificate_id"]


def test_my_learning_is_my_own(as_user):
    body = as_user("senior_citizen").get("/api/v1/me/learning").json()

    assert "太极拳入门" not in {i["title"] for i in body["items"]}
