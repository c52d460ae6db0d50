"""The plumbing of /api answers in the error shape too, not only the endpoints: unknown paths
and methods a path does not offer. Requests run with CSRF checks on, as a real client meets
them (Django's test client turns them off by default)."""

from __future__ import annotations

import pytest
from django.test import Client

UNSAFE_AND_SAFE_METHODS = ["get", "post", "put", "patch", "delete"]


def send(method: str, path: str):
    client = Client(enforce_csrf_checks=True)
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, "{}", content_type="application/json")


def assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["error"]["fields"] == {}


@pytest.mark.parametrize("method", UNSAFE_AND_SAFE_METHODS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/does-not-exist",
        "/api/v1/does-not-exist/",
        "/api/v1/regions/none/of/these",  # a known prefix with segments no route takes
        "/api/v1/me/",  # a known path with a slash it does not take
    ],
)
def test_unknown_path_under_api_v1_is_404_in_error_shape(db, method, path):
    response = send(method, path)

    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v2/me", "/api/", "/api/v1"])
def test_unknown_api_version_is_404_in_error_shape(db, path):
    response = send("get", path)

    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_method_a_path_does_not_offer_is_405_in_error_shape(db, method):
    response = send(method, "/api/v1/regions")

    assert_error_shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_405_still_names_every_method_the_path_offers(db):
    response = send("delete", "/api/v1/people")

    assert_error_shape(response, 405, "method_not_allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
