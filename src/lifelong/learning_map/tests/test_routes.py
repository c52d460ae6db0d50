"""Routes: the list, one route, its computed length, GPX 1.1, GeoJSON and the printable sheet."""

from __future__ import annotations

import json

import pytest

from lifelong.learning_map.models import Route
from lifelong.learning_map.services.places import move_place
from lifelong.learning_map.tests import factories
from lifelong.learning_map.tests.gpx_schema import NS, GpxInvalid, validate
from lifelong.shared.geo import Point, distance_m

pytestmark = pytest.mark.django_db


def test_routes_lists_every_active_route(api):
    body = api.get("/api/v1/routes").json()
    assert len(body["items"]) == Route.objects.filter(active=True).count() >= 45
    first = body["items"][0]
    assert first["stops"] and [s["position"] for s in first["stops"]] == sorted(
        s["position"] for s in first["stops"]
    )


def test_route_length_is_the_sum_of_its_legs(api):
    route = factories.route(points=((31.20, 121.44), (31.21, 121.45), (31.23, 121.45)))
    body = api.get(f"/api/v1/routes/{route.pk}").json()
    legs = zip(body["stops"], body["stops"][1:], strict=False)
    expected = sum(
        distance_m(Point(a["lat"], a["lng"]), Point(b["lat"], b["lng"])) for a, b in legs
    )
    assert body["length_m"] == round(expected)
    assert 3000 < body["length_m"] < 4000


def test_moving_a_stop_recomputes_the_length(api):
    route = factories.route(points=((31.20, 121.44), (31.21, 121.45)))
    before = route.length_m
    last = route.stops.order_by("position").last()
    move_place(place_id=last.place_id, lat=31.25, lng=121.45)
    assert api.get(f"/api/v1/routes/{route.pk}").json()["length_m"] > before


def test_unknown_route_is_404(api):
    assert api.get("/api/v1/routes/999999").status_code == 404
    assert api.get("/api/v1/routes/999999.gpx").status_code == 404


def test_gpx_is_valid_gpx_1_1_with_every_stop(api):
    route = Route.objects.order_by("id").first()
    response = api.get(f"/api/v1/routes/{route.pk}.gpx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/gpx+xml")
    root = validate(response.content)
    stops = list(route.stops.order_by("position").select_related("place"))
    points = root.findall(f"{{{NS}}}rte/{{{NS}}}rtept")
    assert [(float(p.get("lat")), float(p.get("lon"))) for p in points] == [
        (round(s.place.lat, 7), round(s.place.lng, 7)) for s in stops
    ]
    assert len(root.findall(f"{{{NS}}}wpt")) == len(stops)


def test_the_gpx_validator_rejects_broken_documents():
    good = f'<gpx xmlns="{NS}" version="1.1" creator="t"><wpt lat="31" lon="121"><name>a</name></wpt></gpx>'
    validate(good.encode())
    for broken in [
        good.replace('version="1.1"', 'version="1.0"'),
        good.replace(' creator="t"', ""),
        good.replace('lat="31"', 'lat="91"'),
        good.replace('lon="121"', 'lon="180"'),
        good.replace(NS, "http://www.topografix.com/GPX/1/0"),
        f'<gpx xmlns="{NS}" version="1.1" creator="t"><rte/><wpt lat="1" lon="1"/></gpx>',
        f'<gpx xmlns="{NS}" version="1.1" creator="t"><wpt lat="1" lon="1"><desc>x</desc><name>y</name></wpt></gpx>',
    ]:
        with pytest.raises(GpxInvalid):
            validate(broken.encode())


def test_geojson_is_a_feature_collection_in_lng_lat_order(api):
    route = Route.objects.order_by("id").first()
    response = api.get(f"/api/v1/routes/{route.pk}.geojson")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    line = body["features"][0]
    first_stop = route.stops.order_by("position").select_related("place").first()
    assert line["geometry"]["type"] == "LineString"
    assert line["geometry"]["coordinates"][0] == [first_stop.place.lng, first_stop.place.lat]
    assert len(body["features"]) == 1 + route.stops.count()


def test_route_sheet_is_a_chinese_pdf(api):
    route = Route.objects.order_by("id").first()
    response = api.get(f"/api/v1/routes/{route.pk}/sheet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"STSong-Light" in response.content and b"UniGB-UCS2-H" in response.content
