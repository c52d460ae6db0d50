from lifelong.catalog.tests.helpers import demo

REQUEST = {"topic": "智能手机使用", "audience": "seniors", "learners": 40, "schedule": "每周三下午"}


def test_a_school_asks_and_the_district_fulfils_and_both_see_the_history(as_user):
    school = as_user("school_staff")
    district = as_user("district_officer")
    created = school.post("/api/v1/deliveries", REQUEST)
    request_id = created.json()["id"]

    district.post(
        f"/api/v1/deliveries/{request_id}/items", {"course_ids": [demo("17-0-course").pk]}
    )
    done = district.post(f"/api/v1/deliveries/{request_id}/fulfil", {"note": "已配送"})

    assert created.status_code == 201
    assert done.json()["state"] == "fulfilled"
    seen = {d["id"]: d for d in school.get("/api/v1/deliveries").json()["items"]}[request_id]
    assert [e["action"] for e in seen["history"]] == ["submitted", "items_added", "fulfilled"]
    assert seen["items"][0]["title"] == "智能手机使用入门"


def test_another_district_cannot_see_or_fulfil_the_request(as_user):
    request_id = as_user("school_staff").post("/api/v1/deliveries", REQUEST).json()["id"]
    huangpu = as_user("district_officer_huangpu")

    listed = huangpu.get("/api/v1/deliveries").json()["items"]
    response = huangpu.post(
        f"/api/v1/deliveries/{request_id}/items", {"course_ids": [demo("17-0-course").pk]}
    )

    assert request_id not in {d["id"] for d in listed}
    assert response.status_code == 404


def test_a_citizen_cannot_request_delivery(as_user):
    assert as_user("citizen").post("/api/v1/deliveries", REQUEST).status_code == 403


def test_fulfilling_with_nothing_delivered_is_a_conflict(as_user):
    request_id = as_user("school_staff").post("/api/v1/deliveries", REQUEST).json()["id"]

    response = as_user("commission_officer").post(f"/api/v1/deliveries/{request_id}/fulfil", {})

    assert response.status_code == 409


def test_the_school_can_cancel_its_open_request(as_user):
    school = as_user("school_staff")
    request_id = school.post("/api/v1/deliveries", REQUEST).json()["id"]

    body = school.post(f"/api/v1/deliveries/{request_id}/cancel", {"note": "时间冲突"}).json()

    assert body["state"] == "cancelled"
