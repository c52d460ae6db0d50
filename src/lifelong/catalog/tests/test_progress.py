from lifelong.catalog.models import Certificate, Enrolment, UnitProgress
from lifelong.catalog.tests.helpers import demo, units
from lifelong.learning_records import api as learning_records

VERB = "http://adlnet.gov/expapi/verbs/"


def _enrol(client, resource) -> int:
    return client.post(f"/api/v1/courses/{resource.pk}/enrolments").json()["id"]


def test_the_resume_position_is_kept_and_progress_never_goes_back(as_user):
    citizen = as_user("senior_citizen")
    course = demo("6-0-course")
    enrolment = _enrol(citizen, course)
    audio = units(course)[1]
    url = f"/api/v1/me/learning/{enrolment}/units/{audio.pk}/progress"

    citizen.post(url, {"position_seconds": 4})
    body = citizen.post(url, {"position_seconds": 2}).json()

    assert body["position_seconds"] == 2
    assert body["percent"] == 50
    assert body["completed"] is False


def test_finishing_every_unit_completes_the_course_with_a_certificate(as_user):
    citizen = as_user("senior_citizen")
    course = demo("6-1-course")
    enrolment = _enrol(citizen, course)
    document, audio, quiz = units(course)
    base = f"/api/v1/me/learning/{enrolment}/units"

    citizen.post(f"{base}/{document.pk}/progress", {"completed": True})
    citizen.post(f"{base}/{audio.pk}/progress", {"position_seconds": 8})
    failed = citizen.post(f"{base}/{quiz.pk}/quiz", {"answers": [1, 0]}).json()
    passed = citizen.post(f"{base}/{quiz.pk}/quiz", {"answers": [0, 1]}).json()

    assert failed["passed"] is False and failed["enrolment_state"] == "active"
    assert passed["passed"] is True and passed["score"] == 100
    assert passed["enrolment_state"] == "completed"
    assert passed["enrolment_progress_percent"] == 100
    assert Certificate.objects.filter(enrolment_id=enrolment).exists()


def test_a_quiz_is_not_completed_by_marking_it_done(as_user):
    citizen = as_user("senior_citizen")
    course = demo("6-2-course")
    enrolment = _enrol(citizen, course)

    response = citizen.post(
        f"/api/v1/me/learning/{enrolment}/units/{units(course)[2].pk}/progress", {"completed": True}
    )

    assert response.status_code == 422


def test_a_quiz_needs_every_answer(as_user):
    citizen = as_user("senior_citizen")
    course = demo("6-3-course")
    enrolment = _enrol(citizen, course)

    response = citizen.post(
        f"/api/v1/me/learning/{enrolment}/units/{units(course)[2].pk}/quiz", {"answers": [0]}
    )

    assert response.status_code == 422
    assert "answers" in response.json()["error"]["fields"]


def test_someone_elses_enrolment_is_not_found(as_user):
    other = (
        Enrolment.objects.exclude(person__user__username="senior_citizen")
        .filter(resource__kind="course")
        .first()
    )

    response = as_user("senior_citizen").post(
        f"/api/v1/me/learning/{other.pk}/units/{other.resource.units.first().pk}/progress",
        {"completed": True},
    )

    assert response.status_code == 404


def test_progress_is_written_as_xapi_statements(as_user):
    citizen = as_user("senior_citizen")
    course = demo("7-0-course")
    enrolment = _enrol(citizen, course)
    document, audio, _ = units(course)
    person = Enrolment.objects.get(pk=enrolment).person_id

    citizen.post(
        f"/api/v1/me/learning/{enrolment}/units/{audio.pk}/progress", {"position_seconds": 3}
    )
    citizen.post(
        f"/api/v1/me/learning/{enrolment}/units/{document.pk}/progress", {"completed": True}
    )

    progressed = learning_records.statements_for_agent(str(person), verb=VERB + "progressed")
    completed = learning_records.statements_for_agent(str(person), verb=VERB + "completed")
    assert progressed[0]["object"]["id"].endswith(f"/units/{audio.pk}")
    assert completed[0]["object"]["id"].endswith(f"/units/{document.pk}")


def test_reading_an_article_is_experienced(as_user):
    citizen = as_user("senior_citizen")
    article = demo("7-0-article")
    enrolment = _enrol(citizen, article)
    person = Enrolment.objects.get(pk=enrolment).person_id

    body = citizen.post(
        f"/api/v1/me/learning/{enrolment}/units/{units(article)[0].pk}/progress",
        {"completed": True},
    ).json()

    assert body["enrolment_state"] == "completed"
    statements = learning_records.statements_for_agent(str(person), verb=VERB + "experienced")
    assert statements[0]["object"]["id"].endswith(f"/resources/{article.pk}")
    assert UnitProgress.objects.get(enrolment_id=enrolment).completed_at is not None
