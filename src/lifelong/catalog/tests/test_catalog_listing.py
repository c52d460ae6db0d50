from lifelong.catalog.models import Kind, Resource, Status
from lifelong.catalog.services import publishing
from lifelong.catalog.tests.helpers import actor, demo


def test_every_format_is_listed_without_a_token(api):
    # Given the demo catalog; When each format is asked for
    for kind in Kind.values:
        response = api.get("/api/v1/courses", format=kind)
        # Then it lists, each item with the contract's fields
        assert response.status_code == 200
        body = response.json()
        assert body["count"] > 0
        item = body["items"][0]
        assert {"id", "title", "category", "format", "audience"} <= set(item)
        assert item["format"] == kind


def test_the_catalog_has_over_two_thousand_published_resources(api):
    body = api.get("/api/v1/courses").json()

    assert body["count"] >= 2000
    assert body["count"] == Resource.objects.filter(status=Status.PUBLISHED).count()
    assert len(body["items"]) == 20


def test_filters_narrow_the_list_and_facets_count_the_result(api):
    body = api.get("/api/v1/courses", category="health", audience="seniors").json()

    assert body["count"] > 0
    assert all(i["category"] == "health" and "seniors" in i["audience"] for i in body["items"])
    assert sum(f["count"] for f in body["facets"]["format"]) == body["count"]
    assert [f["key"] for f in body["facets"]["category"]] == ["health"]


def test_district_filter_keeps_only_that_district(api):
    body = api.get("/api/v1/courses", district="310104", page_size=50).json()

    assert body["count"] > 0
    assert {i["district"] for i in body["items"]} == {"310104"}


def test_drafts_are_not_listed(api, as_user):
    draft = as_user("institution_staff").post(
        "/api/v1/courses", {"kind": "article", "title": "草稿里的蝴蝶兰养护", "category": "life"}
    )

    body = api.get("/api/v1/courses", q="蝴蝶兰养护").json()

    assert draft.status_code == 201
    assert body["count"] == 0


def test_a_resource_taken_down_leaves_the_list_and_its_counts(api):
    resource = demo("10-2-video")
    before = api.get("/api/v1/courses", q=resource.title, page_size=50).json()
    everything = api.get("/api/v1/courses").json()["count"]

    publishing.archive_resource(actor=actor("commission_officer"), resource_id=resource.pk)

    after = api.get("/api/v1/courses", q=resource.title, page_size=50).json()
    assert resource.pk in {i["id"] for i in before["items"]}
    assert resource.pk not in {i["id"] for i in after["items"]}
    assert after["count"] == before["count"] - 1
    assert api.get("/api/v1/courses").json()["count"] == everything - 1


def test_an_unknown_format_is_refused_with_the_field_named(api):
    response = api.get("/api/v1/courses", format="podcast")

    assert response.status_code == 422
    assert "format" in response.json()["error"]["fields"]


def test_paging_past_the_end_is_an_empty_page(api):
    body = api.get("/api/v1/courses", q="太极", page=500).json()

    assert body["items"] == []
    assert body["count"] > 0


def test_listing_takes_two_queries_once_the_index_is_read(api, django_assert_num_queries):
    api.get("/api/v1/courses")  # this process decodes the index's postings
    with django_assert_num_queries(2):  # the index generation, the page's rows
        response = api.get("/api/v1/courses", category="arts", format="course")
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_course_detail_lists_its_units(api):
    taiji = demo("0-0-course")

    body = api.get(f"/api/v1/courses/{taiji.pk}").json()

    assert body["title"] == "太极拳入门"
    assert [u["kind"] for u in body["units"]] == ["document", "audio", "quiz"]
