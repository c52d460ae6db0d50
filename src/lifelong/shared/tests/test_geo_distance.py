"""Great-circle distances in metres, and the bounding boxes that pre-filter "within N metres"
look-ups without ever dropping a point that is within N metres."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lifelong.shared.errors import Invalid
from lifelong.shared.geo import EARTH_MEAN_RADIUS_M, Point, bounding_box, distance_m

anywhere = st.builds(
    Point,
    st.floats(min_value=-90, max_value=90),
    st.floats(min_value=-180, max_value=180),
)


def destination(start: Point, bearing_deg: float, distance: float) -> Point:
    """Where `distance` metres along `bearing_deg` from `start` lands on the same sphere (the
    direct problem; an independent formula from the haversine under test)."""
    delta = distance / EARTH_MEAN_RADIUS_M
    theta = math.radians(bearing_deg)
    phi1, lambda1 = math.radians(start.lat), math.radians(start.lon)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    lon = (math.degrees(lambda2) + 540) % 360 - 180
    return Point(max(-90.0, min(90.0, math.degrees(phi2))), lon)


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Length of a degree of latitude and of longitude on the WGS-84 ellipsoid at `lat` (the
    standard series expansions), for checking short distances against the ellipsoid."""
    phi = math.radians(lat)
    m_lat = 111132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    m_lon = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    return m_lat, m_lon


def test_peoples_square_to_the_bund_agrees_with_the_ellipsoid_within_one_percent():
    peoples_square = Point(31.2310, 121.4700)
    the_bund = Point(31.2400, 121.4905)  # 陈毅广场, where Nanjing Road meets the river
    m_lat, m_lon = metres_per_degree((peoples_square.lat + the_bund.lat) / 2)
    on_ellipsoid = math.hypot(
        (the_bund.lat - peoples_square.lat) * m_lat, (the_bund.lon - peoples_square.lon) * m_lon
    )
    assert 2000 < on_ellipsoid < 2300
    assert distance_m(peoples_square, the_bund) == pytest.approx(on_ellipsoid, rel=0.01)


def test_lands_end_to_john_o_groats_is_the_published_970_km():
    # The straight-line distance between the two signposts is 970 km (from their Ordnance
    # Survey grid references; Google Earth gives 602.70 miles).
    lands_end = Point(50.0658, -5.7148)
    john_o_groats = Point(58.6439, -3.0700)
    assert distance_m(lands_end, john_o_groats) == pytest.approx(970_000, rel=0.01)


def test_a_degree_of_latitude_in_shanghai_is_about_111_km():
    m_lat, _ = metres_per_degree(31.2)
    assert distance_m(Point(30.7, 121.4), Point(31.7, 121.4)) == pytest.approx(m_lat, rel=0.005)


@settings(max_examples=200)
@given(anywhere, anywhere)
def test_distance_is_symmetric_non_negative_and_at_most_half_the_circumference(a, b):
    d = distance_m(a, b)
    assert d == pytest.approx(distance_m(b, a), abs=1e-6)
    assert 0 <= d <= math.pi * EARTH_MEAN_RADIUS_M + 1e-6


@settings(max_examples=200)
@given(anywhere, anywhere, anywhere)
def test_distance_obeys_the_triangle_inequality(a, b, c):
    assert distance_m(a, c) <= distance_m(a, b) + distance_m(b, c) + 1e-6


@settings(max_examples=100)
@given(anywhere)
def test_a_point_is_zero_metres_from_itself(point):
    assert distance_m(point, point) == 0


def test_antipodes_are_half_the_circumference_apart():
    assert distance_m(Point(0, 0), Point(0, 180)) == pytest.approx(
        math.pi * EARTH_MEAN_RADIUS_M, rel=1e-12
    )


@settings(max_examples=200)
@given(
    center=st.builds(
        Point, st.floats(min_value=-89, max_value=89), st.floats(min_value=-180, max_value=180)
    ),
    radius=st.floats(min_value=1, max_value=200_000),
    bearing=st.floats(min_value=0, max_value=360),
    fraction=st.floats(min_value=0, max_value=0.999),
)
def test_every_point_within_the_radius_is_inside_the_bounding_box(
    center, radius, bearing, fraction
):
    inside = destination(center, bearing, radius * fraction)
    assert distance_m(center, inside) <= radius
    assert bounding_box(center, radius).contains(inside)


@settings(max_examples=100)
@given(
    center=st.builds(
        Point,
        st.floats(min_value=30.6, max_value=31.9),
        st.floats(min_value=120.8, max_value=122.2),
    ),
    radius=st.floats(min_value=10, max_value=50_000),
)
def test_the_box_in_shanghai_hugs_the_circle(center, radius):
    box = bounding_box(center, radius)
    height = distance_m(Point(box.min_lat, center.lon), Point(box.max_lat, center.lon))
    width = distance_m(Point(center.lat, box.min_lon), Point(center.lat, box.max_lon))
    assert height == pytest.approx(2 * radius, rel=1e-6)
    # Along the parallel the box is a little wider than the circle's diameter (the circle's
    # widest point lies slightly poleward), but never by more than a fraction of a percent here.
    assert 2 * radius * 0.999 <= width <= 2 * radius * 1.01


@settings(max_examples=100)
@given(anywhere, st.floats(min_value=1000, max_value=5_000_000))
def test_a_point_beyond_the_box_is_beyond_the_radius(center, radius):
    box = bounding_box(center, radius)
    assume(box.min_lat > -89.98)
    outside = Point(box.min_lat - 0.01, center.lon)
    assert distance_m(center, outside) > radius


def test_a_circle_around_a_pole_spans_every_longitude():
    box = bounding_box(Point(89.99, 10), 5_000)
    assert (box.min_lon, box.max_lon, box.max_lat) == (-180, 180, 90)


def test_a_circle_across_the_antimeridian_spans_every_longitude():
    box = bounding_box(Point(-17.7, 179.99), 10_000)  # Fiji
    assert (box.min_lon, box.max_lon) == (-180, 180)
    assert box.contains(Point(-17.7, -179.99))


@pytest.mark.parametrize("radius", [-1, math.nan, math.inf, "500", True])
def test_a_negative_or_non_numeric_radius_is_invalid(radius):
    with pytest.raises(Invalid) as caught:
        bounding_box(Point(31.23, 121.47), radius)
    assert set(caught.value.fields) == {"radius_m"}
