"""Fixtures shared by every domain's tests: the demo data loaded once per session (each test
then runs inside a transaction that is rolled back), and an API client that speaks JSON."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

DEMO_PASSWORD = "lifelong-demo"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


class ApiClient:
    """A JSON client for /api/v1 that can sign in as a demo account."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get(path, params, **self._headers())

    def post(self, path: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(path, data, content_type="application/json", **self._headers())

    def login(self, username: str, password: str = DEMO_PASSWORD) -> ApiClient:
        response = Client().post(
            "/api/v1/auth/token",
            json.dumps({"username": username, "password": password}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return ApiClient(response.json()["token"])


@pytest.fixture
def api(db) -> ApiClient:
    return ApiClient()


@pytest.fixture
def as_user(db):
    """`as_user("district_officer")` → an ApiClient holding a real token of that demo account.

    The token is minted directly (password checks are tested on their own) so that the scope
    matrices, which sign in hundreds of times, do not spend their time hashing passwords."""
    from django.contrib.auth import get_user_model

    from lifelong.identity.services import create_api_token_for

    def make(username: str) -> ApiClient:
        user = get_user_model().objects.get(username=username)
        return ApiClient(create_api_token_for(user=user, name="test"))

    return make
