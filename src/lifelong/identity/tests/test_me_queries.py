"""`GET /api/v1/me` is a hot endpoint (every app start, every page of a client): the caller is
built once, in two queries — the token with its user and person, then the memberships."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("username", "has_person"), [("citizen", True), ("district_officer", False)]
)
def test_me_costs_two_queries(as_user, django_assert_max_num_queries, username, has_person):
    client = as_user(username)

    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == username
    assert (body["person_id"] is not None) is has_person
    assert body["memberships"], "the memberships are part of the answer"
