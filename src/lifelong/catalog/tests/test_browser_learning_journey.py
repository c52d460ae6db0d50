"""In a real Chromium against a real server: the demo citizen, in elder mode, searches 太极 on
the learning cloud, enrols in a course, finishes a document unit with the player's button and
plays the recording of the next one to its end (the player's script reports it done), then
sees the course's progress and the new points on "my learning". axe-core finds no serious or
critical violation on the search results, the course page, the player and "my learning"."""

from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.browser

COURSE = "太极拳基础"  # demo data: topic 太极拳 × level 基础, kind course; not enrolled
FIRST_UNIT = "第一讲 认识太极拳"
SECOND_UNIT = "第二讲 跟着老师学"
ELDER_TARGET = 60  # px: the portal's --target in elder mode
ELDER_TEXT = 18  # px: elder mode never goes below it

# Every element in <main> that carries text of its own: its computed font size.
TEXT_SIZES = """() => Array.from(document.querySelectorAll('main *'))
  .filter(el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(el => !el.closest('.visually-hidden'))
  .map(el => ({text: el.textContent.trim().slice(0, 20),
               size: parseFloat(getComputedStyle(el).fontSize)}))"""


def _wait_for_recording(page, seconds: float = 30) -> None:
    """Until the audio element has its metadata. Polled with evaluate() (a function call, which
    the page's Content-Security-Policy allows) rather than wait_for_function, whose polling
    compiles the predicate from a string: that is eval, which the policy refuses."""
    deadline = time.monotonic() + seconds
    while page.evaluate("() => document.querySelector('audio.media').readyState") < 1:
        assert time.monotonic() < deadline, "the recording's metadata never loaded"
        page.wait_for_timeout(100)


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("lifelong-demo")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/me/")


def _html_classes(page) -> set[str]:
    return set((page.locator("html").get_attribute("class") or "").split())


def _balance(page) -> int:
    return int(page.locator(".points-balance strong").inner_text())


def _history_notes(page) -> list[str]:
    return page.locator(".points-history tbody tr td:nth-child(2)").all_inner_texts()


def _assert_elder_page(page) -> None:
    """Elder mode is on, and no text in the page's main part is below 18px."""
    assert "elder" in _html_classes(page)
    sizes = page.evaluate(TEXT_SIZES)
    assert sizes
    assert [s for s in sizes if s["size"] < ELDER_TEXT] == []


def _tap(locator) -> None:
    """Click a control after checking it is a target an older finger can hit."""
    box = locator.bounding_box()
    assert box is not None
    assert box["height"] >= ELDER_TARGET - 0.5, (locator, box)
    assert box["width"] >= 44, (locator, box)
    locator.click()


def _axe_twin(browser_page, page):
    """The same page in a context that may inject axe-core (it bypasses the CSP), with the
    same session and display cookies."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return browser_page(page.url, for_axe=True, cookies=cookies)


def test_elder_citizen_searches_enrols_plays_a_unit_and_earns_points(browser_page, axe_check):
    page = browser_page("/")
    page.set_default_timeout(30_000)  # two cores shared with other test runs
    _sign_in(page, "citizen")
    page.get_by_role("button", name="长者模式", exact=True).click()
    page.wait_for_url("**/me/")
    assert "elder" in _html_classes(page)

    # Given the balance and history before, where the citizen reads them.
    page.goto("/learn/my/")
    before = _balance(page)
    assert page.get_by_role("link", name=COURSE, exact=True).count() == 0

    # When they search 太极 on the learning cloud …
    page.goto("/learn/")
    page.get_by_label("搜索课程").fill("太极")
    _tap(page.get_by_role("button", name="搜索", exact=True))
    page.wait_for_url(re.compile(r".*/learn/\?q=.*"))
    heading = page.locator("#results-title").inner_text()
    assert re.fullmatch(r"“太极”共 \d+ 个结果", heading) and not heading.startswith("“太极”共 0")
    assert page.locator(".results mark").first.inner_text() == "太极"
    _assert_elder_page(page)
    axe_check(_axe_twin(browser_page, page), "search results (elder mode)")

    # … open a course from the results and enrol in it …
    _tap(page.get_by_role("link", name=COURSE, exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == COURSE
    _tap(page.get_by_role("button", name="报名学习"))
    assert "报名成功" in page.locator(".notices").inner_text()
    assert page.locator(".enrol-box .progress-value").inner_text() == "0%"
    _assert_elder_page(page)
    axe_check(_axe_twin(browser_page, page), "course page, enrolled (elder mode)")

    # … finish the first unit, a document, with the player's button …
    _tap(page.get_by_role("link", name="开始学习"))
    assert page.get_by_role("heading", level=1).inner_text() == FIRST_UNIT
    assert page.locator("main .document p").first.is_visible()
    _assert_elder_page(page)
    axe_check(_axe_twin(browser_page, page), "player, document unit (elder mode)")
    _tap(page.get_by_role("button", name="我已学完本单元"))
    assert "本单元已完成" in page.locator(".notices").inner_text()
    assert page.locator(".enrol-box .progress-value").inner_text() == "33%"

    # … and play the second unit's recording to its end: the player's script reports it.
    _tap(page.get_by_role("link", name=SECOND_UNIT))
    _wait_for_recording(page)
    _assert_elder_page(page)
    axe_check(_axe_twin(browser_page, page), "player, audio unit (elder mode)")
    with page.expect_response(
        lambda r: "/progress/" in r.url and "completed=1" in (r.request.post_data or "")
    ) as reported:
        page.evaluate(
            "() => { const m = document.querySelector('audio.media');"
            " m.muted = true; m.playbackRate = 4; return m.play(); }"
        )
    assert reported.value.status == 200
    assert reported.value.json() == {"percent": 100, "completed": True}

    # Then "my learning" shows the course under way, and the balance has grown by the two
    # units' points, each in the history.
    _tap(page.get_by_role("navigation", name="单元导航").get_by_role("link", name="我的学习"))
    card = page.locator(".card", has=page.get_by_role("link", name=COURSE, exact=True))
    assert card.locator(".progress-value").inner_text() == "66%"
    assert card.locator("progress").get_attribute("value") == "66"
    assert _balance(page) >= before + 4  # 2 a unit (+1 if this is today's first learning)
    newest = _history_notes(page)[:3]
    assert any(SECOND_UNIT in note for note in newest), newest
    assert any(FIRST_UNIT in note for note in newest), newest
    _assert_elder_page(page)
    axe_check(_axe_twin(browser_page, page), "my learning (elder mode)")
