"""The nearest-place search with every filter at once (several kinds, a district, an
audience): still exactly the brute-force haversine ranking of the matching active places,
with the very floats of `shared.geo.distance_m`; one query per square of cells read."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifelong.learning_map import api as map_api
from lifelong.learning_map.models import Place
from lifelong.learning_map.selectors.places import nearest_places
from lifelong.learning_map.tests import factories
from lifelong.shared.geo import Point, distance_m

pytestmark = pytest.mark.django_db

KINDS = ["walk_point", "museum", "library", "community_school", "senior_school"]
AUDIENCES = ["all", "senior", "youth", "family"]
DISTRICTS = ["310104", "310101", "310115"]


def brute_force(lat, lng, k, kinds=(), district=None, audience=None) -> list[tuple[int, float]]:
    rows = Place.objects.filter(active=True)
    if kinds:
        rows = rows.filter(kind__in=kinds)
    if district:
        rows = rows.filter(district_id=district)
    if audience:
        rows = rows.filter(audience__in=[audience, "all"])
    centre = Point(lat, lng)
    ranked = sorted(
        (distance_m(centre, Point(a, b)), pk) for pk, a, b in rows.values_list("id", "lat", "lng")
    )
    return [(pk, d) for d, pk in ranked[:k]]


@pytest.fixture
def mixed_places(db):
    """Places of several kinds, audiences and districts around central Shanghai, a few of
    them closed."""
    rng = random.Random(20261130)
    for n in range(120):
        factories.place(
            lat=31.2 + rng.uniform(-0.05, 0.05),
            lng=121.46 + rng.uniform(-0.05, 0.05),
            kind=rng.choice(KINDS),
            audience=rng.choice(AUDIENCES),
            district_id=rng.choice(DISTRICTS),
            active=n % 10 != 0,
        )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lat=st.floats(min_value=31.1, max_value=31.3),
    lng=st.floats(min_value=121.35, max_value=121.6),
    k=st.integers(min_value=1, max_value=30),
    kinds=st.lists(st.sampled_from(KINDS), max_size=3, unique=True),
    district=st.sampled_from([None, *DISTRICTS]),
    audience=st.sampled_from([None, "senior", "youth", "family"]),
)
def test_filtered_nearest_equals_brute_force(mixed_places, lat, lng, k, kinds, district, audience):
    hits = nearest_places(
        lat=lat, lng=lng, k=k, kinds=tuple(kinds), district=district, audience=audience
    )

    assert [(h.id, h.distance_m) for h in hits] == brute_force(
        lat, lng, k, kinds, district, audience
    )


def test_closed_places_are_never_found(mixed_places):
    closed = Place.objects.filter(active=False).first()

    hits = nearest_places(lat=closed.lat, lng=closed.lng, k=5)

    assert closed.pk not in [h.id for h in hits]
    assert len(hits) == 5


def test_the_public_api_gives_the_distances_of_shared_geo(mixed_places):
    near = map_api.places_near(31.2, 121.46, k=15, kinds=("museum", "library"))

    assert near and {p.kind for p in near} <= {"museum", "library"}
    for place in near:
        assert place.distance_m == distance_m(Point(31.2, 121.46), Point(place.lat, place.lng))


def test_a_search_reads_one_square_of_cells_in_one_query(mixed_places, django_assert_num_queries):
    # Dense enough here that the first square of 3 × 3 cells holds the answer.
    with django_assert_num_queries(1):
        hits = nearest_places(lat=31.2, lng=121.46, k=3)
    assert len(hits) == 3
