"""GET /api/v1/places/nearby: the k nearest places, exactly as a brute-force haversine ranking
would give them, read through the grid pre-filter."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifelong.learning_map.models import Place
from lifelong.learning_map.tests import factories
from lifelong.shared.geo import Point, distance_m

pytestmark = pytest.mark.django_db


def brute_force(lat: float, lng: float, k: int, kind: str | None = None) -> list[int]:
    rows = Place.objects.filter(active=True)
    if kind:
        rows = rows.filter(kind=kind)
    centre = Point(lat, lng)
    ranked = sorted(
        (distance_m(centre, Point(p_lat, p_lng)), pk)
        for pk, p_lat, p_lng in rows.values_list("id", "lat", "lng")
    )
    return [pk for _, pk in ranked[:k]]


@pytest.fixture
def scattered_places(db):
    """A dense cluster, a sparse ring and a few far-away points on top of the demo data."""
    rng = random.Random(20260101)
    made = []
    for _ in range(150):
        made.append(
            factories.place(
                lat=31.23 + rng.uniform(-0.01, 0.01), lng=121.47 + rng.uniform(-0.01, 0.01)
            )
        )
    for _ in range(60):
        made.append(
            factories.place(
                lat=31.0 + rng.uniform(-0.6, 0.6), lng=121.4 + rng.uniform(-0.6, 0.6), kind="museum"
            )
        )
    made.append(factories.place(lat=39.9, lng=116.4, kind="library"))
    # Exactly on cell edges.
    made.append(factories.place(lat=31.25, lng=121.50))
    made.append(factories.place(lat=31.26, lng=121.51))
    return made


def test_contract_shape_and_order(api):
    response = api.get("/api/v1/places/nearby", lat=31.2, lng=121.44, k=10)
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 10
    assert {"id", "name", "kind", "lat", "lng", "distance_m"} <= set(items[0])
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances)


def test_kind_filter_keeps_only_that_kind(api):
    items = api.get(
        "/api/v1/places/nearby", lat=31.2, lng=121.44, k=5, kind="experience_base"
    ).json()["items"]
    assert items and {i["kind"] for i in items} == {"experience_base"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lat=st.floats(min_value=30.5, max_value=31.9),
    lng=st.floats(min_value=120.8, max_value=122.1),
    k=st.integers(min_value=1, max_value=40),
    kind=st.sampled_from([None, None, "walk_point", "museum", "library", "experience_base"]),
)
def test_nearest_equals_brute_force_haversine_ranking(scattered_places, api, lat, lng, k, kind):
    params = {"lat": lat, "lng": lng, "k": k}
    if kind:
        params["kind"] = kind
    response = api.get("/api/v1/places/nearby", **params)
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == brute_force(lat, lng, k, kind)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lat=st.floats(min_value=-60, max_value=60),
    lng=st.floats(min_value=-179.9, max_value=179.9),
    k=st.integers(min_value=1, max_value=5),
)
def test_far_from_any_place_still_equals_brute_force(scattered_places, api, lat, lng, k):
    items = api.get("/api/v1/places/nearby", lat=lat, lng=lng, k=k).json()["items"]
    assert [i["id"] for i in items] == brute_force(lat, lng, k)


def test_nearby_query_count_is_pinned(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/places/nearby", lat=31.2, lng=121.44, k=10)
    assert response.status_code == 200


def test_distances_are_those_of_shared_geo(api):
    items = api.get("/api/v1/places/nearby", lat=31.21, lng=121.47, k=20).json()["items"]
    for item in items:
        expected = distance_m(Point(31.21, 121.47), Point(item["lat"], item["lng"]))
        assert item["distance_m"] == round(expected, 1)


def test_responses_match_the_documented_schema(api):
    from lifelong.learning_map.schemas import PlaceList

    for response in (
        api.get("/api/v1/places/nearby", lat=31.21, lng=121.47, k=5, crs="gcj02"),
        api.get("/api/v1/places", bbox="121.4,31.1,121.5,31.3"),
    ):
        assert response["Content-Type"] == "application/json"
        body = PlaceList.model_validate(response.json())
        assert body.count == len(body.items) > 0
