"""Citizen journeys in a real Chromium against a real server: the home page in standard and
elder mode, the language switch, signing in by mouse and by keyboard alone."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

MASKED_ID = re.compile(r"^310\*{11}\d{3}[\dX]$")

# Every element that carries text of its own: its computed font size and line height.
TEXT_METRICS = """() => Array.from(document.body.querySelectorAll('*'))
  .filter(el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(el => !el.closest('.visually-hidden, .skip-link'))
  .map(el => {
    const s = getComputedStyle(el);
    return {tag: el.tagName, text: el.textContent.trim().slice(0, 20),
            size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight)};
  })"""

# Every control a finger must hit: its rendered size.
TARGETS = """() => Array.from(document.querySelectorAll(
    'header a, header button, main button, main input:not([type=hidden]), main a.button, main .links a'))
  .filter(el => !el.classList.contains('skip-link'))
  .map(el => { const r = el.getBoundingClientRect();
               return {text: el.textContent.trim() || el.id, width: r.width, height: r.height}; })"""


def _html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def _html_classes(page) -> set[str]:
    return set(page.locator("html").get_attribute("class").split())


def _sign_in(page, username: str, password: str = "lifelong-demo") -> None:
    page.goto("/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_home_page_in_standard_mode(browser_page):
    page = browser_page("/")

    assert "终身学习" in page.title()
    assert page.get_by_role("heading", level=1).inner_text() == "上海市民终身学习公共服务平台"
    assert page.locator(".districts li").count() == 16
    assert page.locator(".card").count() == 6
    body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert body == 16
    for text in page.evaluate(TEXT_METRICS):
        assert text["line"] >= 1.3 * text["size"] - 0.01, text


def test_elder_mode_switch_makes_text_large_and_spacious(browser_page):
    page = browser_page("/")

    page.get_by_role("button", name="长者模式").click()
    page.wait_for_url("**/")

    assert "elder" in _html_classes(page)
    metrics = page.evaluate(TEXT_METRICS)
    assert metrics
    for text in metrics:
        assert text["size"] >= 18, text
        assert text["line"] >= 1.3 * text["size"] - 0.01, text
    lead = page.locator(".lead").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert lead >= 20


def test_elder_mode_survives_a_new_visit_and_can_be_left(browser_page):
    page = browser_page("/")
    page.get_by_role("button", name="长者模式").click()
    page.wait_for_url("**/")

    page.goto("/login/")
    assert "elder" in _html_classes(page)

    page.get_by_role("button", name="退出长者模式").click()
    page.wait_for_url("**/login/")
    assert "elder" not in _html_classes(page)


def test_text_size_control_scales_the_page(browser_page):
    page = browser_page("/")

    sizes = {}
    for button, key in (("A++", "xlarge"), ("A+", "large"), ("A", "normal")):
        page.locator(f"button[name=text_size][value={key}]").click()
        page.wait_for_url("**/")
        sizes[key] = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        pressed = page.locator("button[aria-pressed=true]")
        assert pressed.inner_text().split()[0] == button

    assert sizes == {"normal": 16, "large": 20, "xlarge": 24}


@pytest.mark.parametrize("cookies", [{}, {"ll_elder": "1", "ll_text": "xlarge"}])
def test_targets_are_large_and_nothing_scrolls_sideways_on_a_phone(browser_page, cookies):
    page = browser_page("/login/", cookies=cookies)

    minimum = 60 if cookies else 44
    for target in page.evaluate(TARGETS):
        assert target["height"] >= minimum - 0.5, target
        assert target["width"] >= 44, target
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_switching_to_english_and_back(browser_page):
    page = browser_page("/")
    assert _html_lang(page) == "zh-CN"

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/")

    assert _html_lang(page) == "en"
    assert page.get_by_role("navigation").get_by_role("link", name="Home").is_visible()
    assert "Lifelong learning cloud" in page.locator(".cards").inner_text()
    assert "Xuhui" in page.locator(".districts").inner_text()

    page.get_by_role("button", name="中文").click()
    page.wait_for_url("**/")

    assert _html_lang(page) == "zh-CN"
    assert page.get_by_role("navigation").get_by_role("link", name="首页").is_visible()


def test_citizen_signs_in_and_sees_a_masked_id_on_my_page(browser_page):
    page = browser_page("/")

    _sign_in(page, "citizen")
    page.wait_for_url("**/me/")

    assert page.get_by_role("heading", level=1).inner_text() == "我的"
    assert MASKED_ID.match(page.locator(".masked-id").inner_text())
    assert page.locator(".masked-phone").inner_text() == "138****0001"
    assert page.locator(".verification").inner_text() == "现场核验"
    assert "elder" not in _html_classes(page)


def test_senior_sign_in_switches_elder_mode_on(browser_page):
    page = browser_page("/")

    _sign_in(page, "senior_citizen")
    page.wait_for_url("**/me/")

    assert "elder" in _html_classes(page)
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    page.goto("/")
    assert "elder" in _html_classes(page)


def test_wrong_password_shows_the_alert(browser_page):
    page = browser_page("/")

    _sign_in(page, "citizen", "not-the-password")

    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert "用户名或密码错误" in alert.inner_text()
    assert "Wrong username or password" in alert.inner_text()
    assert page.get_by_label("用户名或手机号").get_attribute("aria-invalid") == "true"


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement; const s = getComputedStyle(el);
                   const r = el.getBoundingClientRect();
                   return {tag: el.tagName, id: el.id, text: el.textContent.trim(),
                           type: el.type || '', outline: s.outlineStyle,
                           outlineWidth: parseFloat(s.outlineWidth),
                           top: r.top, bottom: r.bottom}; }"""
    )


def test_keyboard_only_sign_in(browser_page):
    page = browser_page("/login/")

    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["text"] == "跳到正文"
    assert first["outline"] != "none" and first["outlineWidth"] >= 2
    assert first["bottom"] > 0, "the skip link must be on screen when focused"

    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"

    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "username"
    page.keyboard.type("citizen")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password"
    page.keyboard.type("lifelong-demo")
    page.keyboard.press("Tab")
    button = _focused(page)
    assert (button["tag"], button["text"]) == ("BUTTON", "登录")
    assert button["outline"] != "none" and button["outlineWidth"] >= 2

    page.keyboard.press("Enter")
    page.wait_for_url("**/me/")
    assert MASKED_ID.match(page.locator(".masked-id").inner_text())


def test_every_header_control_is_reachable_by_tab(browser_page):
    page = browser_page("/")

    reached = []
    for _ in range(15):
        page.keyboard.press("Tab")
        reached.append(_focused(page)["text"])

    for label in ("跳到正文", "首页", "登录", "English", "长者模式"):
        assert any(text.startswith(label) for text in reached), (label, reached)
    assert any(text.startswith("A++") for text in reached)
