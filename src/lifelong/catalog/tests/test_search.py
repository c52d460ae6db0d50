import datetime as dt

import pytest
from django.core.cache import cache

from lifelong.catalog import selectors
from lifelong.catalog.models import Resource
from lifelong.catalog.search import reader
from lifelong.catalog.services import publishing
from lifelong.catalog.tests.helpers import actor, demo
from lifelong.shared import clock
from lifelong.shared.errors import Conflict, NotFound


@pytest.fixture
def still_clock(monkeypatch):
    """A clock that does not move, so that no live class ends between two searches (which
    would make the reader re-read today's live classes: one more query), and no answer kept
    in the cache by an earlier test."""
    cache.clear()
    moment = clock.now()
    monkeypatch.setattr(clock, "now", lambda: moment)
    return moment


def test_searching_taiji_finds_taiji_courses_with_the_match_highlighted(api):
    body = api.get("/api/v1/courses", q="太极").json()

    assert body["count"] >= 6
    assert all("太极" in i["title"] for i in body["items"])
    assert "<mark>太极</mark>" in body["items"][0]["title_highlighted"]


def test_a_longer_query_needs_all_its_words(api):
    body = api.get("/api/v1/courses", q="太极拳入门").json()

    titles = [i["title"] for i in body["items"]]
    assert "太极拳入门" in titles
    assert all("入门" in t and "太极拳" in t for t in titles)


def test_a_one_character_query_still_finds_results(api):
    body = api.get("/api/v1/courses", q="拳").json()

    assert body["count"] > 0
    assert all("拳" in i["title"] for i in body["items"])


def test_full_width_and_capital_letters_are_folded(api):
    body = api.get("/api/v1/courses", q="ＰＹＴＨＯＮ").json()

    assert body["count"] > 0
    assert all("Python" in i["title"] for i in body["items"])


def test_no_match_is_an_empty_result(api):
    body = api.get("/api/v1/courses", q="量子色动力学").json()

    assert body == {**body, "items": [], "count": 0}


def test_title_matches_come_before_matches_elsewhere(api):
    # 健康养生 is the name of the health category: every health resource has the words,
    # only a few have them in the title.
    publishing.update_resource(
        actor=actor("commission_officer"),
        resource_id=demo("20-5-article").pk,
        title="健康养生小贴士",
    )

    body = api.get("/api/v1/courses", q="健康养生", page_size=5).json()

    assert body["count"] > 100
    assert body["items"][0]["title"] == "健康养生小贴士"
    assert "健康养生" not in body["items"][1]["title"]


def test_without_a_query_the_most_recently_published_come_first(api):
    items = api.get("/api/v1/courses", category="law", page_size=50).json()["items"]
    published = dict(
        Resource.objects.filter(pk__in=[i["id"] for i in items]).values_list("pk", "published_at")
    )

    dates = [published[i["id"]] for i in items]
    assert dates == sorted(dates, reverse=True)


def test_a_category_filter_includes_its_subcategories(api, as_user):
    as_user("commission_officer").post(
        "/api/v1/categories", {"code": "taiji", "name": "太极专区", "parent": "health"}
    )
    course = demo("0-1-article")
    publishing.update_resource(
        actor=actor("commission_officer"), resource_id=course.pk, category="taiji"
    )

    health = api.get("/api/v1/courses", category="health", q="太极拳基础知识要点").json()
    taiji = api.get("/api/v1/courses", category="taiji").json()

    assert [i["id"] for i in taiji["items"]] == [course.pk]
    assert course.pk in {i["id"] for i in health["items"]}
    assert {f["key"] for f in health["facets"]["category"]} == {"taiji"}


def test_a_renamed_title_is_found_by_its_new_words_and_not_its_old_ones(db):
    resource = demo("5-0-article")
    old_words = selectors.search_resources(q="中医养生入门知识要点").count

    publishing.update_resource(
        actor=actor("commission_officer"), resource_id=resource.pk, title="艾灸入门"
    )

    assert [r.pk for r in selectors.search_resources(q="艾灸").items] == [resource.pk]
    assert selectors.search_resources(q="中医养生入门知识要点").count == old_words - 1


def test_a_renamed_category_is_found_by_its_new_name(as_user):
    before = selectors.search_resources(q="健康养生").count

    as_user("commission_officer").post(
        "/api/v1/categories", {"code": "health", "name": "康养天地", "name_en": "Wellbeing"}
    )

    renamed = selectors.search_resources(q="康养天地")
    assert renamed.count == selectors.search_resources(category="health").count > 0
    assert selectors.search_resources(q="健康养生").count < before
    assert renamed.facets.category[0].label == "康养天地"


def test_a_district_reviewer_cannot_edit_outside_the_district(db):
    resource = demo("7-0-course")  # provided by 徐汇区社区学院

    with pytest.raises(NotFound):
        publishing.update_resource(
            actor=actor("district_officer_huangpu"), resource_id=resource.pk, title="改名"
        )


def test_a_provider_cannot_edit_what_is_published(as_user):
    provider = as_user("institution_staff")
    course = provider.post(
        "/api/v1/courses", {"kind": "article", "title": "插花艺术", "category": "life"}
    ).json()["id"]
    provider.post(f"/api/v1/courses/{course}/submit")
    as_user("district_officer").post(f"/api/v1/courses/{course}/approve", {})

    with pytest.raises(Conflict):
        publishing.update_resource(
            actor=actor("institution_staff"), resource_id=course, title="插花艺术进阶"
        )


def test_upcoming_live_facet_and_filter_agree(api):
    body = api.get("/api/v1/courses", q="空中课堂").json()
    upcoming = api.get("/api/v1/courses", q="空中课堂", upcoming=True).json()

    assert body["facets"]["upcoming_live"] == upcoming["count"] > 0
    assert {i["format"] for i in upcoming["items"]} == {"live"}


def test_a_live_class_that_has_ended_is_no_longer_upcoming(api):
    live = demo("0-0-live")
    starts = clock.now() + dt.timedelta(hours=2)
    publishing.update_resource(
        actor=actor("commission_officer"),
        resource_id=live.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    upcoming = {
        i["id"] for i in api.get("/api/v1/courses", upcoming=True, q="太极").json()["items"]
    }

    publishing.update_resource(
        actor=actor("commission_officer"),
        resource_id=live.pk,
        starts_at=starts - dt.timedelta(hours=5),
        ends_at=starts - dt.timedelta(hours=4),
    )

    after = {i["id"] for i in api.get("/api/v1/courses", upcoming=True, q="太极").json()["items"]}
    assert live.pk in upcoming
    assert live.pk not in after


def test_the_upcoming_count_follows_the_clock_without_any_write(db, monkeypatch):
    live = demo("0-0-live")
    starts = clock.now() + dt.timedelta(minutes=30)
    publishing.update_resource(
        actor=actor("commission_officer"),
        resource_id=live.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    before = selectors.search_resources(q="太极拳入门", upcoming=True).count

    later = starts + dt.timedelta(hours=1, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)

    assert selectors.search_resources(q="太极拳入门", upcoming=True).count == before - 1


def test_senior_moocs_have_their_own_listing_and_yearly_count(api):
    listing = api.get("/api/v1/courses", senior_mooc=True).json()
    stats = api.get("/api/v1/senior-moocs/stats").json()

    assert listing["count"] > 0
    assert all(i["is_senior_mooc"] and i["format"] == "mooc" for i in listing["items"])
    assert sum(stats["years"].values()) == listing["count"]


def test_todays_live_classes_are_read_for_the_searches_that_match_them(
    db, monkeypatch, django_assert_num_queries
):
    from lifelong.catalog.demo import TOPICS

    today = clock.now().astimezone(clock.SHANGHAI).date()
    moment = dt.datetime.combine(today, dt.time(8), clock.SHANGHAI)
    monkeypatch.setattr(clock, "now", lambda: moment)
    taiji = demo("0-0-live")
    hu = demo(f"{[t[1] for t in TOPICS].index('沪语')}-0-live")
    for resource, hours in ((taiji, 2), (hu, 4)):
        publishing.update_resource(
            actor=actor("commission_officer"),
            resource_id=resource.pk,
            starts_at=moment + dt.timedelta(hours=hours),
            ends_at=moment + dt.timedelta(hours=hours + 1),
        )
    reader.forget()

    def upcoming(q: str) -> int:
        return selectors.search_resources(q=q, upcoming=True).count

    assert upcoming("太极拳入门") == 1
    # the generation, the postings of its words, its live class of today, the page's rows
    with django_assert_num_queries(4):
        assert upcoming("沪语入门") == 1
    monkeypatch.setattr(clock, "now", lambda: moment + dt.timedelta(hours=3, minutes=1))
    assert (upcoming("太极拳入门"), upcoming("沪语入门")) == (0, 1)
    monkeypatch.setattr(clock, "now", lambda: moment + dt.timedelta(hours=5, minutes=1))
    assert (upcoming("沪语入门"), upcoming("太极拳入门")) == (0, 0)


def test_a_search_matching_no_live_class_reads_no_live_class(
    api, django_assert_num_queries, still_clock
):
    reader.forget()
    # the generation, the postings with the categories, the districts, the page's rows
    with django_assert_num_queries(4):
        response = api.get("/api/v1/courses", q="入门", format="course")
    assert response.json()["facets"]["upcoming_live"] == 0


def test_a_cold_search_reads_the_index_in_five_queries(api, django_assert_num_queries, still_clock):
    reader.forget()
    # the generation, the postings (facets, live-class days, the query's words) with the
    # categories, the districts, today's live classes, the page's rows
    with django_assert_num_queries(5):
        response = api.get("/api/v1/courses", q="入门")
    assert response.json()["count"] > 300


def test_a_warm_search_takes_two_queries_and_a_new_word_one_more(
    api, django_assert_num_queries, still_clock
):
    api.get("/api/v1/courses", q="入门")

    with django_assert_num_queries(2):  # the generation, the page's rows
        broad = api.get("/api/v1/courses", q="入门", audience="seniors", page=3)
    with django_assert_num_queries(3):  # … and the postings of 智能手机
        other = api.get("/api/v1/courses", q="智能手机", district="310104")
    assert broad.json()["count"] > 0 and len(broad.json()["items"]) == 20
    assert other.status_code == 200


def test_a_repeated_search_is_answered_from_the_cache_after_one_query(
    api, django_assert_num_queries, still_clock
):
    first = api.get("/api/v1/courses", q="入门", format="live")

    with django_assert_num_queries(1):  # the generation: the answer is still current
        again = api.get("/api/v1/courses", q="入门", format="live")
    assert again.content == first.content
    assert again["Content-Type"] == "application/json; charset=utf-8"


def test_without_the_cache_a_repeated_search_reads_the_page_again(
    api, django_assert_num_queries, still_clock, settings
):
    settings.CATALOG_SEARCH_CACHE_SECONDS = 0
    first = api.get("/api/v1/courses", q="入门", format="live")

    with django_assert_num_queries(2):
        again = api.get("/api/v1/courses", q="入门", format="live")
    assert again.json() == first.json()


def test_a_cached_answer_ends_when_a_live_class_in_it_ends(api, monkeypatch):
    cache.clear()
    live = demo("0-0-live")
    starts = clock.now() + dt.timedelta(minutes=30)
    publishing.update_resource(
        actor=actor("commission_officer"),
        resource_id=live.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    before = api.get("/api/v1/courses", q="太极拳入门").json()["facets"]["upcoming_live"]

    later = starts + dt.timedelta(hours=1, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)

    after = api.get("/api/v1/courses", q="太极拳入门").json()["facets"]["upcoming_live"]
    assert (before, after) == (1, 0)


def test_a_search_with_no_match_never_reads_resources(api, django_assert_num_queries, still_clock):
    api.get("/api/v1/courses", q="入门")

    with django_assert_num_queries(2):  # the generation, the postings of the unknown words
        response = api.get("/api/v1/courses", q="量子色动力学")
    assert response.json()["count"] == 0


def test_a_write_elsewhere_makes_the_next_search_read_the_index_again(
    api, django_assert_num_queries, still_clock
):
    api.get("/api/v1/courses", q="入门")
    publishing.archive_resource(actor=actor("commission_officer"), resource_id=demo("3-0-video").pk)

    # the generation, the postings with the categories, today's live classes, the page's rows
    with django_assert_num_queries(4):
        response = api.get("/api/v1/courses", q="入门")
    assert response.status_code == 200


def test_a_cache_that_is_down_does_not_take_search_down(api, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(selectors.cache, "get", down)
    monkeypatch.setattr(selectors.cache, "set", down)

    response = api.get("/api/v1/courses", q="太极")

    assert response.status_code == 200
    assert response.json()["count"] >= 6


def test_a_page_of_results_is_what_the_orm_would_load(api):
    """The page query is written out by hand (selectors._result_rows): its resources must be
    the ORM's `select_related(…).only(*RESULT_FIELDS)` instances, field for field."""
    slots = list(
        Resource.objects.exclude(search_slot=None)
        .order_by("-search_slot")
        .values_list("search_slot", flat=True)[:80]
    )
    mine = selectors._result_rows(reader.snapshot(), slots)
    orm = {
        r.search_slot: r
        for r in Resource.objects.select_related("category", "provider", "district")
        .only(*selectors.RESULT_FIELDS)
        .filter(search_slot__in=slots)
    }

    assert len(slots) == 80
    assert mine.keys() == orm.keys() == set(slots)
    for slot, expected in orm.items():
        got = mine[slot]
        assert got.get_deferred_fields() == expected.get_deferred_fields()
        assert (got._state.adding, got._state.db) == (False, expected._state.db)
        for name in selectors.RESULT_FIELDS:
            a, b = got, expected
            for attribute in name.split("__"):
                if a is None or b is None:
                    break
                a, b = getattr(a, attribute), getattr(b, attribute)
            assert (a, type(a)) == (b, type(b)), (slot, name)
