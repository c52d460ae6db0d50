"""Input no column can hold is a 422 in the error shape, never a 500."""

from __future__ import annotations


def test_nul_character_in_a_query_is_422(api):
    response = api.get("/api/v1/regions", parent="3101\x0004")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_nul_character_in_a_json_body_is_422(as_user):
    response = as_user("district_officer").post(
        "/api/v1/people", {"name": "张\u0000三", "id_number": "x", "district_code": "310104"}
    )
    assert response.status_code == 422
    assert "body" in response.json()["error"]["fields"]


def test_integer_beyond_the_database_range_is_422_not_500(as_user):
    response = as_user("commission_officer").get("/api/v1/organisations/27704290035233625997312")
    assert response.status_code in (404, 422)
    assert "error" in response.json()
