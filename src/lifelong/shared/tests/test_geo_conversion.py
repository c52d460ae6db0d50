"""WGS-84 ⇄ GCJ-02: positions picked on a Chinese basemap come back to within a metre of where
they were stored, the offset matches the published formula, and nothing moves outside China."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.shared.errors import Invalid
from lifelong.shared.geo import (
    Point,
    distance_m,
    gcj02_to_wgs84,
    in_mainland_china,
    wgs84_to_gcj02,
)

shanghai = st.builds(
    Point,
    st.floats(min_value=30.6, max_value=31.9),
    st.floats(min_value=120.8, max_value=122.2),
)


@settings(max_examples=200)
@given(shanghai)
def test_wgs_to_gcj_and_back_lands_within_a_metre_anywhere_in_shanghai(point):
    assert distance_m(gcj02_to_wgs84(wgs84_to_gcj02(point)), point) < 1.0


@settings(max_examples=200)
@given(shanghai)
def test_gcj_to_wgs_and_back_lands_within_a_metre_anywhere_in_shanghai(point):
    assert distance_m(wgs84_to_gcj02(gcj02_to_wgs84(point)), point) < 1.0


@settings(max_examples=100)
@given(shanghai)
def test_the_offset_in_shanghai_is_a_few_hundred_metres(point):
    # Amap and Tencent maps draw Shanghai about 0.5 km off its GPS position; a much smaller or
    # larger shift means the formula is broken (or not applied).
    assert 300 < distance_m(point, wgs84_to_gcj02(point)) < 700


def test_published_reference_values_are_reproduced():
    # Reference pairs from the eviltransform project's test suite (wgs → gcj), and
    # gcoord's (gcj → wgs).
    for wgs, gcj in [
        ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
        ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
        ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
    ]:
        converted = wgs84_to_gcj02(Point(*wgs))
        assert converted.lat == pytest.approx(gcj[0], abs=1e-6)
        assert converted.lon == pytest.approx(gcj[1], abs=1e-6)
    back = gcj02_to_wgs84(Point(45.0, 123.0))
    assert back.lat == pytest.approx(44.99804071, abs=1e-6)
    assert back.lon == pytest.approx(122.99395597, abs=1e-6)


@pytest.mark.parametrize(
    "lat, lon",
    [
        (51.5007, -0.1246),  # London
        (35.6586, 139.7454),  # Tokyo
        (37.5665, 126.9780),  # Seoul
        (39.0392, 125.7625),  # Pyongyang
        (25.0330, 121.5654),  # Taipei
        (21.0285, 105.8542),  # Hanoi
        (47.8864, 106.9057),  # Ulaanbaatar
        (43.1155, 131.8855),  # Vladivostok
        (40.7128, -74.0060),  # New York
        (-33.8568, 151.2153),  # Sydney
    ],
)
def test_conversion_is_the_identity_outside_mainland_china(lat, lon):
    point = Point(lat, lon)
    assert not in_mainland_china(point)
    assert wgs84_to_gcj02(point) == point
    assert gcj02_to_wgs84(point) == point


@pytest.mark.parametrize(
    "lat, lon",
    [
        (31.2304, 121.4737),  # Shanghai
        (39.9042, 116.4074),  # Beijing
        (43.8256, 87.6168),  # Ürümqi
        (29.6525, 91.1721),  # Lhasa
        (45.8038, 126.5350),  # Harbin
        (20.0440, 110.1999),  # Haikou
        (23.1291, 113.2644),  # Guangzhou
    ],
)
def test_the_offset_applies_across_mainland_china(lat, lon):
    point = Point(lat, lon)
    assert in_mainland_china(point)
    assert distance_m(point, wgs84_to_gcj02(point)) > 50


@pytest.mark.parametrize(
    "lat, lon, field",
    [
        (90.0001, 0, "lat"),
        (-91, 0, "lat"),
        (0, 180.5, "lon"),
        (0, -181, "lon"),
        (math.nan, 0, "lat"),
        (0, math.inf, "lon"),
        (True, 0, "lat"),
        ("31.2", 121.4, "lat"),
    ],
)
def test_out_of_range_or_non_numeric_coordinates_are_invalid(lat, lon, field):
    with pytest.raises(Invalid) as caught:
        Point(lat, lon)
    assert set(caught.value.fields) == {field}
    message = caught.value.message
    assert ("纬度" in message or "经度" in message) and ("itude" in message)


def test_decimal_coordinates_from_the_database_are_accepted():
    from decimal import Decimal

    point = Point(Decimal("31.230400"), Decimal("121.473700"))
    assert (point.lat, point.lon) == (31.2304, 121.4737)
    assert isinstance(point.lat, float)


def test_the_poles_and_the_antimeridian_are_valid_positions():
    assert Point(90, 180) == Point(90.0, 180.0)
    assert Point(-90, -180).lat == -90.0
