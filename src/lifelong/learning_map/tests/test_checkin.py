"""Check-in at a walk point by the code its QR carries: once per place and day."""

from __future__ import annotations

import pytest

from lifelong.learning_map.tests import factories

pytestmark = pytest.mark.django_db


def test_check_in_once_a_day(as_user):
    place = factories.place()
    citizen = as_user("citizen")
    first = citizen.post("/api/v1/places/checkins", {"code": place.checkin_code})
    again = citizen.post("/api/v1/places/checkins", {"code": place.checkin_code})
    assert first.status_code == 201 and first.json()["place_id"] == place.pk
    assert again.status_code == 200 and again.json()["created"] is False


def test_unknown_code_is_404_and_anonymous_is_401(as_user, api):
    assert (
        as_user("citizen").post("/api/v1/places/checkins", {"code": "nosuchcode123"}).status_code
        == 404
    )
    assert api.post("/api/v1/places/checkins", {"code": "nosuchcode123"}).status_code == 401


def test_check_in_page_records_by_form(as_user, client, django_user_model):
    place = factories.place()
    client.force_login(django_user_model.objects.get(username="citizen"))
    response = client.post(f"/map/checkin/{place.checkin_code}/")
    assert response.status_code == 302 and response["Location"] == f"/map/places/{place.pk}/"
    assert place.checkins.count() == 1
