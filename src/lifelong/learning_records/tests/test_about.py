"""The About resource is open: no credentials and no version header are needed (Part 3,
2.8), and it names the versions the store conforms to."""

from __future__ import annotations

from django.test import Client


def test_about_answers_without_credentials_or_version_header(db):
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json()["version"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_about_holds_only_the_properties_the_specification_defines(db):
    document = Client().get("/xapi/about").json()
    assert set(document) <= {"version", "extensions"}


def test_about_ignores_an_unsupported_version_header(db):
    response = Client().get("/xapi/about", HTTP_X_EXPERIENCE_API_VERSION="0.95")
    assert response.status_code == 200


def test_about_head_has_the_headers_and_no_body(db):
    response = Client().head("/xapi/about")
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response.content == b""


def test_about_refuses_writes_with_405(db):
    response = Client().post("/xapi/about", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert "GET" in response["Allow"]
