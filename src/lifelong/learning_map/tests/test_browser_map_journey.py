"""The learning map in a real Chromium against a real server: markers on the map, the near-me
list by shared location and by typed street, and the demo citizen booking a guided walk in
elder mode; axe-core on the map, a place page and the booking page."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# Inside 徐汇区, among the demo's walk points and community places.
XUHUI = {"latitude": 31.2, "longitude": 121.44}
ELDER = {"ll_elder": "1"}
ENGLISH = {"django_language": "en"}


def _markers_on(page) -> int:
    """Markers drawn by Leaflet (a cluster is one marker holding several places), once the
    places of the visible box have arrived."""
    page.wait_for_selector("#learning-map[data-loaded]")
    page.wait_for_selector("#learning-map .leaflet-marker-icon")
    return page.locator("#learning-map .leaflet-marker-icon").count()


def _near_distances(page) -> list[int]:
    """The distances the near-me list shows, in metres, read from its text."""
    distances = []
    for text in page.locator("#near-list .distance").all_inner_texts():
        number = re.match(r"^\s*([\d.]+)\s*(米|公里|m|km)\s*$", text)
        assert number, text
        value = float(number.group(1))
        distances.append(round(value * 1000 if number.group(2) in ("公里", "km") else value))
    return distances


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.locator("#username").fill(username)
    page.locator("#password").fill("lifelong-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/me/")


def test_the_map_shows_markers_for_the_places(browser_page):
    page = browser_page("/map/")

    assert _markers_on(page) > 0
    assert int(page.locator("#learning-map").get_attribute("data-loaded")) > 0
    # Without a tile server the map says so instead of showing an empty grey box.
    assert page.locator("#map-notice").is_visible()


def test_near_me_by_shared_location_lists_places_nearest_first(browser_page, live_site):
    page = browser_page("/map/")
    page.context.grant_permissions(["geolocation"], origin=live_site)
    page.context.set_geolocation(XUHUI)

    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_url(re.compile(r"/map/\?.*lat=31\.2"))

    assert page.get_by_role("heading", name="离「您的位置」最近的学习场所").is_visible()
    distances = _near_distances(page)
    assert len(distances) == 10
    assert distances == sorted(distances)
    assert _markers_on(page) > 0


def test_near_me_by_typed_street_lists_places_nearest_first(browser_page):
    page = browser_page("/map/")

    page.get_by_label("输入您所在的街道或区").fill("天平路街道")
    page.locator("#map-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"street="))

    assert "天平路街道" in page.locator("#near-title").inner_text()
    distances = _near_distances(page)
    assert len(distances) == 10
    assert distances == sorted(distances)
    first = page.locator("#near-list a").first
    name = first.inner_text()
    first.click()
    assert page.get_by_role("heading", level=1).inner_text() == name


def test_citizen_books_a_guided_walk_in_elder_mode(browser_page):
    page = browser_page("/")
    _sign_in(page, "citizen")
    page.get_by_role("button", name="长者模式").click()
    page.wait_for_url("**/me/")
    assert "elder" in page.locator("html").get_attribute("class").split()

    page.goto("/map/routes/")
    page.locator("#route-list a").first.click()
    walks = page.locator("li.session")
    walks.first.wait_for()
    bookable = walks.filter(has=page.get_by_role("button", name="报名", exact=True)).first
    title = bookable.get_by_role("heading").inner_text()
    bookable.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/map/sessions/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    booked_before = int(page.locator("#booked-count").inner_text())

    page.get_by_role("button", name="报名", exact=True).click()
    page.wait_for_url(re.compile(r"/map/sessions/\d+/$"))

    assert "报名成功" in page.get_by_role("status").first.inner_text()
    assert "您已报名" in page.locator("#booking-status").inner_text()
    assert int(page.locator("#booked-count").inner_text()) == booked_before + 1
    assert page.get_by_role("button", name="取消报名").is_visible()
    assert "elder" in page.locator("html").get_attribute("class").split()
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18


@pytest.mark.parametrize(
    ("label", "cookies"), [("zh", {}), ("elder", ELDER), ("en", ENGLISH)], ids=str
)
def test_map_place_and_booking_pages_have_no_serious_violations(
    browser_page, axe_check, label, cookies
):
    page = browser_page("/map/?street=天平路街道", for_axe=True, cookies=cookies)
    assert _markers_on(page) > 0
    axe_check(page, f"map {label}")

    page.locator("#near-list a").first.click()
    page.wait_for_url(re.compile(r"/map/places/\d+/$"))
    page.wait_for_selector("#learning-map[data-loaded]")
    axe_check(page, f"place {label}")

    _sign_in(page, "citizen")
    page.goto("/map/routes/")
    page.locator("#route-list a").first.click()
    page.locator("li.session a").first.click()
    page.wait_for_url(re.compile(r"/map/sessions/\d+/$"))
    axe_check(page, f"booking {label}")
