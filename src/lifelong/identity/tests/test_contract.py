"""The foundation's outside contract: health, home page, token, me, regions, people,
organisations."""

from __future__ import annotations

from django.db import connection

from lifelong.identity.tests.factories import id_number


def test_healthz_reports_database_ok(api):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_home_page_title_names_lifelong_learning(api):
    response = api.client.get("/")
    assert response.status_code == 200
    title = response.content.decode().split("<title>")[1].split("</title>")[0]
    assert "终身学习" in title


def test_token_then_me_lists_memberships_with_scope(as_user):
    client = as_user("district_officer")
    me = client.get("/api/v1/me").json()
    assert me["username"] == "district_officer"
    assert me["verification_level"] == "unverified"
    [membership] = me["memberships"]
    assert membership["organisation_name"] == "徐汇区教育局"
    assert membership["role"] == "district_officer"
    assert membership["scope"]["region_prefix"] == "310104"


def test_me_of_verified_citizen_shows_masked_id(as_user):
    me = as_user("citizen").get("/api/v1/me").json()
    assert me["verification_level"] == "in_person"
    assert me["id_number_masked"].startswith("310") and "*" * 11 in me["id_number_masked"]


def test_wrong_password_is_401_in_error_shape(api):
    response = api.post("/api/v1/auth/token", {"username": "citizen", "password": "wrong-password"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_me_without_token_is_401(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_regions_are_public_and_list_sixteen_districts(api):
    items = api.get("/api/v1/regions").json()["items"]
    assert len(items) == 16
    assert {"code": "310104", "name": "徐汇区"}.items() <= items[1].items()


def test_register_person_returns_masked_id(as_user):
    client = as_user("district_officer")
    number = id_number(birth="19700203", sequence="456")
    response = client.post(
        "/api/v1/people",
        {"name": "周敏", "id_number": number, "phone": "13912345678", "district_code": "310104"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number_masked"] == number[:3] + "*" * 11 + number[-4:]
    assert number not in response.content.decode()
    assert body["gender"] == "F" and body["birth_date"] == "1970-02-03"


def test_raw_row_holds_no_clear_id_number(as_user):
    client = as_user("district_officer")
    number = id_number(birth="19660708", sequence="222")
    person_id = client.post(
        "/api/v1/people", {"name": "钱进", "id_number": number, "district_code": "310104"}
    ).json()["id"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM identity_person WHERE id = %s",
            [person_id.replace("-", "") if connection.vendor == "sqlite" else person_id],
        )
        row = cursor.fetchone()
    assert row is not None
    assert not any(number in str(value) for value in row)
    assert not any(number[6:14] + number[14:17] in str(value) for value in row)


def test_bad_id_numbers_are_422_naming_the_field(as_user):
    client = as_user("district_officer")
    good = id_number()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    impossible_date = "31010419990231" + "123"
    impossible_date += "X"
    unknown_area = "999999" + good[6:]
    for bad in (wrong_check, impossible_date, unknown_area, "12345"):
        response = client.post(
            "/api/v1/people", {"name": "某某", "id_number": bad, "district_code": "310104"}
        )
        assert response.status_code == 422, bad
        assert "id_number" in response.json()["error"]["fields"], bad


def test_person_in_district_outside_scope_is_refused(as_user):
    client = as_user("district_officer")
    response = client.post(
        "/api/v1/people",
        {"name": "孙丽", "id_number": id_number(area="310101"), "district_code": "310101"},
    )
    assert response.status_code in (404, 422)


def test_people_list_shows_only_callers_scope(as_user):
    xuhui = as_user("district_officer")
    huangpu = as_user("district_officer_huangpu")
    made = xuhui.post(
        "/api/v1/people",
        {"name": "吴刚", "id_number": id_number(birth="19800808"), "district_code": "310104"},
    ).json()
    huangpu_list = huangpu.get("/api/v1/people", district_code="310104").json()
    assert made["id"] not in {p["id"] for p in huangpu_list["items"]}
    assert all(
        p["district_code"] == "310101" for p in huangpu.get("/api/v1/people").json()["items"]
    )
    assert huangpu.get(f"/api/v1/people/{made['id']}").status_code == 404
    assert xuhui.get(f"/api/v1/people/{made['id']}").status_code == 200


def test_create_top_level_organisation_with_valid_uscc(as_user):
    from lifelong.identity.demo import demo_uscc

    client = as_user("commission_officer")
    response = client.post(
        "/api/v1/organisations",
        {
            "name": "上海示范学习型企业",
            "kind": "enterprise",
            "uscc": demo_uscc("91", "310104", "MA1K7Q2B"),
            "parent_id": None,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["parent_id"] is None


def test_invalid_uscc_is_422_naming_the_field(as_user):
    client = as_user("commission_officer")
    response = client.post(
        "/api/v1/organisations",
        {"name": "某机构", "kind": "enterprise", "uscc": "91310000MA1FL3X4XX", "parent_id": None},
    )
    assert response.status_code == 422
    assert "uscc" in response.json()["error"]["fields"]


def test_malformed_json_is_400_in_error_shape(as_user):
    response = as_user("district_officer").post("/api/v1/people", raw="{not json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_body"


def test_missing_fields_are_422_with_fields(as_user):
    response = as_user("district_officer").post("/api/v1/people", {"name": "只有名字"})
    assert response.status_code == 422
    assert {"id_number", "district_code"} <= set(response.json()["error"]["fields"])


def test_citizen_may_not_register_people(as_user):
    response = as_user("citizen").post(
        "/api/v1/people", {"name": "某某", "id_number": id_number(), "district_code": "310104"}
    )
    assert response.status_code == 403
