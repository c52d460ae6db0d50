DRAFT = {
    "kind": "course",
    "title": "沪语童谣欣赏",
    "category": "language",
    "summary": "学唱上海童谣",
    "audience": ["seniors", "youth"],
    "district_code": "310104",
}
UNIT = {"title": "第一讲", "kind": "document", "body": "摇啊摇，摇到外婆桥。"}


def _submitted(as_user) -> int:
    provider = as_user("institution_staff")
    course = provider.post("/api/v1/courses", DRAFT).json()["id"]
    provider.post(f"/api/v1/courses/{course}/units", UNIT)
    assert provider.post(f"/api/v1/courses/{course}/submit").json()["status"] == "in_review"
    return course


def test_a_provider_draft_is_published_by_the_district_reviewer_and_becomes_searchable(
    as_user, api
):
    course = _submitted(as_user)
    hidden = api.get("/api/v1/courses", q="童谣欣赏").json()["count"]

    response = as_user("district_officer").post(f"/api/v1/courses/{course}/approve", {"note": "好"})

    assert hidden == 0
    assert response.json()["status"] == "published"
    found = api.get("/api/v1/courses", q="童谣欣赏").json()["items"]
    assert [i["id"] for i in found] == [course]


def test_another_districts_reviewer_cannot_see_the_request(as_user):
    course = _submitted(as_user)

    queue = as_user("district_officer_huangpu").get("/api/v1/review-queue").json()["items"]
    response = as_user("district_officer_huangpu").post(f"/api/v1/courses/{course}/approve", {})

    assert course not in {i["id"] for i in queue}
    assert response.status_code == 404


def test_the_commission_reviews_anything_and_can_send_it_back(as_user):
    course = _submitted(as_user)

    queue = as_user("commission_officer").get("/api/v1/review-queue").json()["items"]
    rejected = as_user("commission_officer").post(
        f"/api/v1/courses/{course}/reject", {"note": "请补充简介"}
    )

    assert course in {i["id"] for i in queue}
    assert rejected.json()["status"] == "draft"
    assert rejected.json()["review_note"] == "请补充简介"


def test_rejecting_needs_a_reason(as_user):
    course = _submitted(as_user)

    response = as_user("commission_officer").post(f"/api/v1/courses/{course}/reject", {"note": ""})

    assert response.status_code == 422


def test_a_citizen_cannot_publish(as_user):
    response = as_user("citizen").post("/api/v1/courses", DRAFT)

    assert response.status_code == 403


def test_a_draft_is_hidden_from_the_public(as_user, api):
    course = as_user("institution_staff").post("/api/v1/courses", DRAFT).json()["id"]

    assert api.get(f"/api/v1/courses/{course}").status_code == 404
    assert as_user("institution_staff").get("/api/v1/my-courses").json()["items"][0]["id"] == course


def test_a_live_class_needs_its_times(as_user):
    response = as_user("institution_staff").post("/api/v1/courses", {**DRAFT, "kind": "live"})

    assert response.status_code == 422
    assert "starts_at" in response.json()["error"]["fields"]


def test_a_course_without_units_cannot_be_submitted(as_user):
    provider = as_user("institution_staff")
    course = provider.post("/api/v1/courses", DRAFT).json()["id"]

    assert provider.post(f"/api/v1/courses/{course}/submit").status_code == 422


def test_categories_are_nine_at_first_and_only_the_commission_edits_them(as_user, api):
    before = api.get("/api/v1/categories").json()["items"]
    denied = as_user("district_officer").post(
        "/api/v1/categories", {"code": "sports", "name": "体育"}
    )
    saved = as_user("commission_officer").post(
        "/api/v1/categories", {"code": "taiji", "name": "太极", "parent": "health"}
    )

    assert len([c for c in before if c["parent"] is None]) == 9
    assert denied.status_code == 403
    assert saved.json()["code"] == "taiji"
    assert "taiji" in {c["code"] for c in api.get("/api/v1/categories").json()["items"]}
