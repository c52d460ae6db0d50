"""The learning map's back office: scoped like the API (a 徐汇区 officer never lists, opens or
changes 黄浦区's places), and every save goes through the services, so a moved place keeps
its grid key and the routes through it are re-measured."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.learning_map import grid
from lifelong.learning_map.models import ActivitySession, Place, Route, Volunteer

pytestmark = pytest.mark.django_db

XUHUI, HUANGPU = "310104", "310101"


def _admin(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _no_inline_rows(prefix: str) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "0",
    }


def _place_form(place: Place, **changes) -> dict:
    data = {
        "name": place.name,
        "name_en": place.name_en,
        "kind": place.kind,
        "audience": place.audience,
        "organisation": place.organisation_id or "",
        "province": place.province,
        "city": place.city,
        "district": place.district_id or "",
        "street": place.street_id or "",
        "address": place.address,
        "lat": place.lat,
        "lng": place.lng,
        "opening_hours": place.opening_hours,
        "phone": place.phone,
        "website": place.website,
        "description": place.description,
        "_save": "保存",
        **_no_inline_rows("photos"),
    }
    for flag in ("step_free", "seating", "accessible_toilet", "active"):
        if getattr(place, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def _route_form(route: Route, stop_ids: list[int], **changes) -> dict:
    data = {
        "name": route.name,
        "theme": route.theme,
        "audience": route.audience,
        "district": route.district_id or "",
        "circle": route.circle_id or "",
        "description": route.description,
        "duration_minutes": route.duration_minutes,
        "active": "on" if route.active else "",
        "stop_ids": ",".join(str(i) for i in stop_ids),
        "_save": "保存",
        **_no_inline_rows("stops"),
    }
    data.update(changes)
    return data


def _stop_of_a_route_in(district: str) -> tuple[Place, Route]:
    route = Route.objects.filter(district_id=district).order_by("id").first()
    return route.stops.order_by("position").first().place, route


def test_a_district_officer_lists_only_the_places_of_the_district(db):
    inside = Place.objects.filter(district_id=XUHUI, kind="walk_point").first()
    outside = Place.objects.filter(district_id=HUANGPU, kind="walk_point").first()
    client = _admin("district_officer")

    found = client.get("/admin/learning_map/place/", {"q": inside.name}).content.decode()
    hidden = client.get("/admin/learning_map/place/", {"q": outside.name}).content.decode()

    assert f"/admin/learning_map/place/{inside.pk}/change/" in found
    assert f"/admin/learning_map/place/{outside.pk}/change/" not in hidden


def test_another_districts_place_is_not_found_in_the_back_office(db):
    place = Place.objects.filter(district_id=XUHUI).first()

    response = _admin("district_officer_huangpu").get(
        f"/admin/learning_map/place/{place.pk}/change/"
    )

    assert response.status_code in (302, 404)


def test_moving_a_place_in_the_back_office_keeps_its_grid_key_and_remeasures_its_routes(db):
    place, route = _stop_of_a_route_in(XUHUI)
    length_before = route.length_m
    lat, lng = place.lat + 0.01, place.lng + 0.01

    response = _admin("district_officer").post(
        f"/admin/learning_map/place/{place.pk}/change/",
        _place_form(place, lat=lat, lng=lng, opening_hours="全天开放"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    place.refresh_from_db()
    route.refresh_from_db()
    assert (place.lat, place.lng, place.opening_hours) == (lat, lng, "全天开放")
    assert place.cell == grid.cell_for(lat, lng)
    assert route.length_m != length_before


def test_a_place_cannot_be_moved_out_of_the_officers_district(db):
    place = Place.objects.filter(district_id=XUHUI, kind="walk_point").first()

    response = _admin("district_officer").post(
        f"/admin/learning_map/place/{place.pk}/change/",
        _place_form(place, district=HUANGPU, street=""),
    )

    assert response.status_code == 200
    assert "该场所不在您的管辖范围内" in response.content.decode()
    place.refresh_from_db()
    assert place.district_id == XUHUI


def test_bad_coordinates_are_refused_on_the_form(db):
    place = Place.objects.filter(district_id=XUHUI, kind="walk_point").first()

    response = _admin("district_officer").post(
        f"/admin/learning_map/place/{place.pk}/change/", _place_form(place, lat="91")
    )

    assert response.status_code == 200
    place.refresh_from_db()
    assert place.lat != 91


def test_a_district_officer_adds_a_place_with_its_grid_key_and_checkin_code(db):
    draft = Place(
        name="徐汇区测试学习点",
        kind="walk_point",
        audience="all",
        province="310000",
        district_id=XUHUI,
        lat=31.19,
        lng=121.43,
        active=True,
    )

    response = _admin("district_officer").post("/admin/learning_map/place/add/", _place_form(draft))

    assert response.status_code == 302, response.content.decode()[:3000]
    added = Place.objects.get(name="徐汇区测试学习点")
    assert added.cell == grid.cell_for(31.19, 121.43)
    assert len(added.checkin_code) >= 16


def test_school_staff_may_not_add_places(db):
    response = _admin("school_staff").get("/admin/learning_map/place/add/")

    assert response.status_code == 403


def test_replacing_a_routes_stops_in_the_back_office_remeasures_it(db):
    _, route = _stop_of_a_route_in(XUHUI)
    stops = list(route.stops.order_by("position").values_list("place_id", flat=True))
    length_before = route.length_m

    response = _admin("district_officer").post(
        f"/admin/learning_map/route/{route.pk}/change/", _route_form(route, stops[:2])
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    route.refresh_from_db()
    assert list(route.stops.order_by("position").values_list("place_id", flat=True)) == stops[:2]
    assert 0 < route.length_m < length_before


def test_a_route_needs_two_stops(db):
    _, route = _stop_of_a_route_in(XUHUI)
    first = route.stops.order_by("position").first().place_id

    response = _admin("district_officer").post(
        f"/admin/learning_map/route/{route.pk}/change/", _route_form(route, [first])
    )

    assert response.status_code == 200
    assert route.stops.count() > 1


def test_an_unknown_stop_is_refused_on_the_form(db):
    _, route = _stop_of_a_route_in(XUHUI)
    stops = list(route.stops.order_by("position").values_list("place_id", flat=True))

    response = _admin("district_officer").post(
        f"/admin/learning_map/route/{route.pk}/change/", _route_form(route, [stops[0], 99999999])
    )

    assert response.status_code == 200
    assert "站点不存在" in response.content.decode()
    assert list(route.stops.order_by("position").values_list("place_id", flat=True)) == stops


def test_a_district_officer_adds_a_route_in_the_district_only(db):
    points = list(
        Place.objects.filter(district_id=XUHUI, kind="walk_point").values_list("pk", flat=True)[:3]
    )
    draft = Route(
        name="徐汇测试路线",
        theme="red_culture",
        audience="all",
        district_id=XUHUI,
        duration_minutes=90,
    )
    client = _admin("district_officer")

    added = client.post("/admin/learning_map/route/add/", _route_form(draft, points))
    elsewhere = client.post(
        "/admin/learning_map/route/add/",
        _route_form(draft, points, name="黄浦测试路线", district=HUANGPU),
    )

    assert added.status_code == 302, added.content.decode()[:3000]
    route = Route.objects.get(name="徐汇测试路线")
    assert list(route.stops.order_by("position").values_list("place_id", flat=True)) == points
    assert route.length_m > 0
    assert elsewhere.status_code == 200
    assert not Route.objects.filter(name="黄浦测试路线").exists()


def test_another_districts_route_is_not_listed(db):
    _, xuhui_route = _stop_of_a_route_in(XUHUI)

    listing = _admin("district_officer_huangpu").get("/admin/learning_map/route/")

    assert listing.status_code == 200
    assert f"/admin/learning_map/route/{xuhui_route.pk}/change/" not in listing.content.decode()


def test_sessions_are_listed_in_scope_and_read_only(db):
    session = ActivitySession.objects.filter(activity__district_id=XUHUI).first()
    other = ActivitySession.objects.filter(activity__district_id=HUANGPU).first()
    client = _admin("district_officer")

    listing = client.get("/admin/learning_map/activitysession/").content.decode()
    change = client.post(
        f"/admin/learning_map/activitysession/{session.pk}/change/", {"_save": "保存"}
    )

    assert f"/admin/learning_map/activitysession/{session.pk}/change/" in listing
    assert f"/admin/learning_map/activitysession/{other.pk}/change/" not in listing
    assert change.status_code == 403


def test_the_commission_sees_the_volunteer_registry_read_only(db):
    volunteer = Volunteer.objects.first()
    client = _admin("commission_officer")

    page = client.get(f"/admin/learning_map/volunteer/{volunteer.pk}/change/")

    assert page.status_code == 200
    assert volunteer.display_name in page.content.decode()
    assert (
        client.post(f"/admin/learning_map/volunteer/{volunteer.pk}/change/", {}).status_code == 403
    )


@pytest.mark.parametrize("username", ["citizen", "enterprise_hr"])
def test_roles_outside_the_map_do_not_see_it(db, username):
    response = _admin(username).get("/admin/learning_map/place/")

    assert response.status_code in (302, 403)


def test_nothing_is_deleted_in_the_maps_back_office(db):
    place = Place.objects.filter(district_id=XUHUI).first()

    response = _admin("commission_officer").post(
        f"/admin/learning_map/place/{place.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Place.objects.filter(pk=place.pk).exists()
