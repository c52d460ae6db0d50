"""Points drawn on a GCJ-02 basemap: converted by lifelong.shared.geo, and back within 1 m."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.shared.geo import Point, distance_m, gcj02_to_wgs84, wgs84_to_gcj02

pytestmark = pytest.mark.django_db

shanghai_lat = st.floats(min_value=30.68, max_value=31.88)
shanghai_lng = st.floats(min_value=120.85, max_value=122.2)


@settings(max_examples=300)
@given(lat=shanghai_lat, lng=shanghai_lng)
def test_round_trip_in_shanghai_stays_within_one_metre(lat, lng):
    original = Point(lat, lng)
    back = gcj02_to_wgs84(wgs84_to_gcj02(original))
    assert distance_m(original, back) < 1.0


@settings(max_examples=50)
@given(lat=shanghai_lat, lng=shanghai_lng)
def test_the_offset_in_shanghai_is_real(lat, lng):
    # GCJ-02 moves Shanghai by several hundred metres: a conversion that did nothing would pass
    # the round trip trivially.
    assert 100 < distance_m(Point(lat, lng), wgs84_to_gcj02(Point(lat, lng))) < 1000


def test_api_gives_display_coordinates_for_a_gcj02_basemap(api):
    plain = api.get("/api/v1/places/nearby", lat=31.2, lng=121.44, k=3).json()["items"]
    shown = api.get("/api/v1/places/nearby", lat=31.2, lng=121.44, k=3, crs="gcj02").json()["items"]
    assert [i["id"] for i in plain] == [i["id"] for i in shown]
    for item in shown:
        expected = wgs84_to_gcj02(Point(item["lat"], item["lng"]))
        assert (item["display_lat"], item["display_lng"]) == (expected.lat, expected.lon)
        # The contract's lat/lng stay WGS-84.
        assert item["lat"] == next(p["lat"] for p in plain if p["id"] == item["id"])


def test_route_stops_carry_display_coordinates_for_gcj02(api):
    route = api.get("/api/v1/routes").json()["items"][0]
    stops = api.get(f"/api/v1/routes/{route['id']}", crs="gcj02").json()["stops"]
    for stop in stops:
        expected = wgs84_to_gcj02(Point(stop["lat"], stop["lng"]))
        assert stop["display_lat"] == expected.lat and stop["display_lng"] == expected.lon
