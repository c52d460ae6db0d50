"""The demo data the work plan asks for: 300 walk points and 45 routes over the 16 districts,
experience bases in the Yangtze River Delta, events, sessions and volunteers."""

from __future__ import annotations

import pytest

from lifelong.learning_map.api import load_demo
from lifelong.learning_map.models import ActivitySession, Event, ExperienceBase, Place, Route

pytestmark = pytest.mark.django_db


def test_walk_points_and_routes_cover_every_district():
    assert Place.objects.filter(kind="walk_point").count() == 300
    assert Route.objects.count() == 45
    assert Place.objects.filter(kind="walk_point").values("district").distinct().count() == 16
    assert Route.objects.values("district").distinct().count() == 16


def test_bases_reach_jiangsu_zhejiang_and_anhui_and_link_organisations():
    provinces = set(ExperienceBase.objects.values_list("place__province", flat=True))
    assert {"310000", "320000", "330000", "340000"} <= provinces
    assert not ExperienceBase.objects.filter(place__organisation__isnull=True).exists()


def test_the_three_kinds_of_senior_learning_points_and_workshops_exist():
    for kind in (
        "senior_point_neighbourhood",
        "senior_point_care",
        "senior_point_remote",
        "learning_workshop",
        "community_school",
    ):
        assert Place.objects.filter(kind=kind).exists(), kind


def test_loading_again_changes_nothing():
    before = (
        Place.objects.count(),
        Route.objects.count(),
        ActivitySession.objects.count(),
        Event.objects.count(),
    )
    counts = load_demo()
    after = (
        Place.objects.count(),
        Route.objects.count(),
        ActivitySession.objects.count(),
        Event.objects.count(),
    )
    assert before == after
    assert counts["walk_points"] == 300 and counts["routes"] == 45
