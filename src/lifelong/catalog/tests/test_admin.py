"""The back office: scoped like the API, and every save goes through the services, so the
search index follows changes made there."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.catalog import selectors
from lifelong.catalog.models import Badge, Category, Resource, ReviewEvent, Status
from lifelong.catalog.tests.helpers import actor, demo


def _admin(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _resource_form(resource: Resource, **changes) -> dict:
    data = {
        "title": resource.title,
        "summary": resource.summary,
        "description": resource.description,
        "category": resource.category_id,
        "district": resource.district_id or "",
        "fee": str(resource.fee),
        "accessibility_notes": resource.accessibility_notes,
        "stream_url": resource.stream_url,
        "replay_url": resource.replay_url,
        "capacity": resource.capacity or "",
        "venue": resource.venue,
        "place_ref": resource.place_ref,
        "completion_percent": resource.completion_percent,
        "_save": "保存",
    }
    for flag in ("for_seniors", "for_youth", "for_white_collar", "for_workers"):
        if getattr(resource, flag):
            data[flag] = "on"
    if resource.requires_quiz_pass:
        data["requires_quiz_pass"] = "on"
    data.update(changes)
    return data


def _district_bureau_path(username: str) -> str:
    return actor(username).grants[0].org_path


def test_a_district_officer_lists_only_resources_within_the_district(db):
    xuhui = _district_bureau_path("district_officer")
    published = Resource.objects.filter(status=Status.PUBLISHED)
    inside = published.filter(provider_path__startswith=xuhui).first()
    outside = published.exclude(provider_path__startswith=xuhui).first()
    client = _admin("district_officer")

    found = client.get("/admin/catalog/resource/", {"q": inside.title}).content.decode()
    hidden = client.get("/admin/catalog/resource/", {"q": outside.title}).content.decode()

    assert f"/admin/catalog/resource/{inside.pk}/change/" in found
    assert f"/admin/catalog/resource/{outside.pk}/change/" not in hidden


def test_another_districts_resource_is_not_found_in_the_back_office(db):
    resource = Resource.objects.filter(
        status=Status.PUBLISHED, provider_path__startswith=_district_bureau_path("district_officer")
    ).first()

    response = _admin("district_officer_huangpu").get(
        f"/admin/catalog/resource/{resource.pk}/change/"
    )

    assert response.status_code in (302, 404)


def test_a_reviewer_corrects_a_title_in_the_back_office_and_search_follows(db):
    resource = Resource.objects.filter(
        status=Status.PUBLISHED, provider_path__startswith=_district_bureau_path("district_officer")
    ).first()

    response = _admin("district_officer").post(
        f"/admin/catalog/resource/{resource.pk}/change/",
        _resource_form(resource, title="蝴蝶兰养护入门"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert [r.pk for r in selectors.search_resources(q="蝴蝶兰").items] == [resource.pk]
    assert ReviewEvent.objects.filter(resource=resource, action="edited").exists()


def test_a_change_the_rules_forbid_is_shown_on_the_form_and_not_saved(db):
    live = demo("0-0-live")

    response = _admin("commission_officer").post(
        f"/admin/catalog/resource/{live.pk}/change/",
        _resource_form(live, **{"for_seniors": "on", "title": ""}),
    )

    assert response.status_code == 200
    live.refresh_from_db()
    assert live.title == "空中课堂：太极拳入门"


def test_taking_resources_down_in_the_back_office_removes_them_from_search(db):
    resource = demo("1-0-video")
    before = selectors.search_resources(q=resource.title).count

    response = _admin("commission_officer").post(
        "/admin/catalog/resource/",
        {"action": "take_down", "_selected_action": [resource.pk]},
    )

    resource.refresh_from_db()
    assert response.status_code == 302
    assert resource.status == Status.ARCHIVED
    assert selectors.search_resources(q=resource.title).count == before - 1


def test_the_commission_renames_a_category_in_the_back_office_and_search_follows(db):
    category = Category.objects.get(code="law")

    response = _admin("commission_officer").post(
        f"/admin/catalog/category/{category.pk}/change/",
        {"name": "法治与平安", "name_en": "Law", "position": 7, "active": "on", "_save": "保存"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    renamed = selectors.search_resources(q="法治与平安")
    assert renamed.count == selectors.search_resources(category="law").count > 0


@pytest.mark.parametrize("username", ["district_officer", "institution_staff", "citizen"])
def test_only_the_commission_keeps_categories_and_badges(db, username):
    category = Category.objects.get(code="law")
    client = _admin(username)

    change = client.post(
        f"/admin/catalog/category/{category.pk}/change/",
        {"name": "改名", "position": 7, "active": "on", "_save": "保存"},
    )
    badges = client.get("/admin/catalog/badge/")

    assert change.status_code in (302, 403)
    assert Category.objects.get(code="law").name == "法律与安全"
    assert badges.status_code in (302, 403)


def test_the_commission_adds_a_badge_in_the_back_office(db):
    response = _admin("commission_officer").post(
        "/admin/catalog/badge/add/",
        {
            "code": "law-3",
            "name": "懂法达人",
            "name_en": "Law savvy",
            "rule": "courses_in_category",
            "category": Category.objects.get(code="law").pk,
            "threshold": 3,
            "active": "on",
            "_save": "保存",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Badge.objects.get(code="law-3").category.code == "law"


def test_a_category_badge_without_a_category_is_refused_on_the_form(db):
    response = _admin("commission_officer").post(
        "/admin/catalog/badge/add/",
        {"code": "x-3", "name": "某某", "rule": "courses_in_category", "threshold": 3},
    )

    assert response.status_code == 200
    assert not Badge.objects.filter(code="x-3").exists()


def test_nothing_is_deleted_in_the_catalog_back_office(db):
    resource = demo("1-0-video")

    response = _admin("commission_officer").post(
        f"/admin/catalog/resource/{resource.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Resource.objects.filter(pk=resource.pk).exists()
