"""GET /api/v1/places?bbox=…: the places inside the box, up to the limit."""

from __future__ import annotations

import pytest

from lifelong.learning_map.models import Place
from lifelong.learning_map.tests import factories

pytestmark = pytest.mark.django_db


def test_box_returns_exactly_the_places_inside_it(api):
    inside = factories.place(lat=31.3001, lng=121.6001)
    edge = factories.place(lat=31.30, lng=121.61)
    outside = factories.place(lat=31.2999, lng=121.6050)
    items = api.get("/api/v1/places", bbox="121.60,31.30,121.61,31.31").json()["items"]
    ids = {i["id"] for i in items}
    assert inside.pk in ids and edge.pk in ids and outside.pk not in ids
    expected = set(
        Place.objects.filter(
            active=True, lat__gte=31.30, lat__lte=31.31, lng__gte=121.60, lng__lte=121.61
        ).values_list("id", flat=True)
    )
    assert ids == expected
    assert {"id", "name", "kind", "lat", "lng", "distance_m"} <= set(items[0])


def test_box_over_the_city_is_cut_at_the_limit_and_defaults_to_500(api):
    assert len(api.get("/api/v1/places", bbox="120,30,123,32", limit=7).json()["items"]) == 7
    assert Place.objects.count() > 400
    everything = api.get("/api/v1/places", bbox="115,28,123,33").json()["items"]
    assert len(everything) == min(500, Place.objects.filter(active=True).count())


def test_box_filters_by_kind(api):
    items = api.get("/api/v1/places", bbox="115,28,123,33", kind="experience_base").json()["items"]
    assert items and {i["kind"] for i in items} == {"experience_base"}
    assert {i["id"] for i in items} == set(
        Place.objects.filter(kind="experience_base").values_list("id", flat=True)
    )


def test_places_need_no_token(api):
    assert api.get("/api/v1/places", bbox="121,31,122,32").status_code == 200
    assert api.get("/api/v1/routes").status_code == 200
