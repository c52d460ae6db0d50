"""Bad coordinates, bounding boxes and limits are a 422 naming the field, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params, field",
    [
        ({"lat": 91, "lng": 121}, "lat"),
        ({"lat": -90.5, "lng": 121}, "lat"),
        ({"lat": 31, "lng": 181}, "lng"),
        ({"lat": "nan", "lng": 121}, "lat"),
        ({"lat": "inf", "lng": 121}, "lat"),
        ({"lat": "abc", "lng": 121}, "lat"),
        ({"lng": 121}, "lat"),
        ({"lat": 31, "lng": 121, "k": 0}, "k"),
        ({"lat": 31, "lng": 121, "k": 101}, "k"),
        ({"lat": 31, "lng": 121, "kind": "castle"}, "kind"),
    ],
)
def test_nearby_rejects_bad_input_with_422(api, params, field):
    response = api.get("/api/v1/places/nearby", **params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"bbox": "121,31,122"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "122,31,121,32"}, "bbox"),
        ({"bbox": "121,32,122,31"}, "bbox"),
        ({"bbox": "121,31,190,32"}, "bbox"),
        ({"bbox": "121,-95,122,32"}, "bbox"),
        ({"bbox": "121,31,122,nan"}, "bbox"),
        ({"bbox": "121,31,122,32", "limit": 5001}, "limit"),
        ({"bbox": "121,31,122,32", "limit": 0}, "limit"),
        ({}, "bbox"),
    ],
)
def test_bbox_rejects_bad_input_with_422(api, params, field):
    response = api.get("/api/v1/places", **params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
