"""The map pages: plain HTML that works without JavaScript (filters, near-me by typed street,
booking by form POST), Leaflet vendored, a notice when no basemap is configured."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.contrib.staticfiles import finders

from lifelong.learning_map.models import ActivitySession, Booking, Place, Route

pytestmark = pytest.mark.django_db


def _signed_in(client, django_user_model, username: str):
    client.force_login(django_user_model.objects.get(username=username))
    return client


def test_map_page_has_the_map_filters_and_vendored_leaflet(client):
    response = client.get("/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="learning-map"' in html and 'data-api="/api/v1/places"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    for label_for in ("filter-kind", "filter-district", "filter-audience", "near-street"):
        assert f'<label for="{label_for}">' in html
    # The Content-Security-Policy forbids inline scripts: every script has a src.
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert ' style="' not in html


def test_vendored_assets_and_their_licences_exist():
    for path in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/leaflet/LICENSE",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "vendor/leaflet.markercluster/LICENSE",
        "learning_map/map.js",
        "learning_map/map.css",
    ):
        assert finders.find(path), path


def test_without_a_tile_server_the_map_shows_a_notice(client, settings):
    settings.LIFELONG_MAP_TILE_URL = ""
    html = client.get("/map/").content.decode()
    assert 'id="map-notice"' in html and "no-tiles" in html


def test_with_a_tile_server_its_host_may_serve_images(client, settings):
    settings.LIFELONG_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.LIFELONG_MAP_TILE_CRS = "gcj02"
    response = client.get("/map/")
    html = response.content.decode()
    assert 'id="map-notice"' not in html
    assert 'data-tile-crs="gcj02"' in html
    assert "img-src 'self' https://*.tiles.example.org" in response["Content-Security-Policy"]


def test_filters_narrow_the_list(client):
    html = client.get("/map/", {"kind": "experience_base", "district": "310115"}).content.decode()
    bases = Place.objects.filter(kind="experience_base", district_id="310115", active=True)
    assert bases.exists()
    for place in bases:
        assert f"/map/places/{place.pk}/" in html
    walk_point = Place.objects.filter(kind="walk_point", district_id="310115").first()
    assert f'/map/places/{walk_point.pk}/"' not in html


def test_near_me_by_typed_street_lists_places_nearest_first(client):
    response = client.get("/map/", {"street": "天平路街道"})
    assert response.status_code == 200
    html = response.content.decode()
    listed = re.search(r'<ol class="near-list" id="near-list">(.*?)</ol>', html, re.S).group(1)
    distances = [int(d) for d in re.findall(r'data-distance="(\d+)"', listed)]
    assert len(distances) == 10 and distances == sorted(distances)


def test_near_me_by_browser_location(client):
    html = client.get("/map/", {"lat": "31.2", "lng": "121.44"}).content.decode()
    assert 'data-origin-lat="31.2"' in html and 'id="near-list"' in html


def test_unknown_street_is_explained(client):
    response = client.get("/map/", {"street": "不存在的街道"})
    assert response.status_code == 422
    assert "没有找到该街道" in response.content.decode()


def test_place_page_shows_access_facts_and_404_for_unknown(client):
    place = Place.objects.filter(kind="community_school").first()
    html = client.get(f"/map/places/{place.pk}/").content.decode()
    assert place.name in html and "无障碍通道" in html
    assert client.get("/map/places/99999999/").status_code == 404


def test_route_page_lists_stops_in_order_with_downloads(client):
    route = Route.objects.order_by("id").first()
    html = client.get(f"/map/routes/{route.pk}/").content.decode()
    names = [s.place.name for s in route.stops.order_by("position").select_related("place")]
    stops = re.search(r'<ol class="stops" id="route-stops">(.*?)</ol>', html, re.S).group(1)
    positions = [stops.index(f">{n}</a>") for n in names]
    assert positions == sorted(positions)
    assert (
        f"/api/v1/routes/{route.pk}.gpx" in html and f"/api/v1/routes/{route.pk}/sheet.pdf" in html
    )
    assert 'data-mode="route"' in html


def test_senior_books_a_guided_walk_in_elder_mode_by_form(client, django_user_model):
    session = (
        ActivitySession.objects.filter(activity__kind="guided_walk", booked_count=0)
        .order_by("id")
        .first()
    )
    client = _signed_in(client, django_user_model, "senior_citizen")
    client.cookies["ll_elder"] = "1"
    page = client.get(f"/map/routes/{session.activity.route_id}/")
    html = page.content.decode()
    assert 'class="text-large elder"' in html
    assert f'action="/map/sessions/{session.pk}/book/"' in html
    response = client.post(
        f"/map/sessions/{session.pk}/book/", {"next": f"/map/sessions/{session.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/map/sessions/{session.pk}/"
    after = client.get(f"/map/sessions/{session.pk}/").content.decode()
    assert "您已报名" in after
    assert Booking.objects.filter(session=session, status="booked").count() == 1


def test_booking_form_asks_anonymous_visitors_to_log_in(client):
    session = ActivitySession.objects.order_by("id").first()
    response = client.post(f"/map/sessions/{session.pk}/book/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_booking_form_does_not_redirect_off_site(client, django_user_model):
    session = ActivitySession.objects.order_by("id").last()
    client = _signed_in(client, django_user_model, "citizen")
    response = client.post(f"/map/sessions/{session.pk}/book/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/map/sessions/{session.pk}/"


@pytest.mark.parametrize(
    "path", ["/map/routes/", "/map/events/", "/map/bases/", "/map/volunteers/"]
)
def test_other_pages_render(client, path):
    assert client.get(path).status_code == 200


def test_routes_api_query_count_is_pinned(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/routes").status_code == 200


def test_page_query_counts_do_not_grow_with_the_sessions_listed(
    client, django_user_model, django_assert_max_num_queries
):
    busiest = Counter(
        ActivitySession.objects.filter(activity__place__isnull=False).values_list(
            "activity__place_id", flat=True
        )
    ).most_common(1)[0][0]
    place = Place.objects.get(pk=busiest)
    client = _signed_in(client, django_user_model, "citizen")

    # session and user, person and roles, place, sessions, the citizen's bookings of them,
    # routes, photos, courses
    with django_assert_max_num_queries(10):
        html = client.get(f"/map/places/{place.pk}/").content.decode()
    assert html.count('class="card session"') > 1
    # session and user, districts, every street (one query), the street's centre, the
    # near-me search, the page's places and their count
    with django_assert_max_num_queries(8):
        assert client.get("/map/", {"street": "天平路街道"}).status_code == 200
