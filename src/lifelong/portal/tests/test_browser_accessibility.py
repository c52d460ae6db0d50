"""axe-core on the main pages, in both languages and both display modes: no serious or
critical violation (the report lists them when there are)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ELDER = {"ll_elder": "1"}
ENGLISH = {"django_language": "en"}


@pytest.mark.parametrize(
    ("label", "cookies"),
    [
        ("home zh standard", {}),
        ("home zh elder", ELDER),
        ("home en standard", ENGLISH),
        ("home en elder", {**ELDER, **ENGLISH}),
        ("home zh elder xlarge", {**ELDER, "ll_text": "xlarge"}),
    ],
)
def test_home_page_has_no_serious_accessibility_violations(open_page, axe_check, label, cookies):
    page = open_page("/", for_axe=True, cookies=cookies)

    assert page.locator("html").get_attribute("lang") == (
        "en" if cookies.get("django_language") else "zh-CN"
    )
    axe_check(page, label)


@pytest.mark.parametrize("cookies", [{}, ELDER, ENGLISH])
def test_login_page_and_its_error_have_no_serious_violations(open_page, axe_check, cookies):
    page = open_page("/login/", for_axe=True, cookies=cookies)
    axe_check(page, f"login {cookies}")

    page.locator("#username").fill("citizen")
    page.locator("#password").fill("not-the-password")
    page.locator("main button[type=submit]").click()
    page.get_by_role("alert").wait_for()

    axe_check(page, f"login error {cookies}")


@pytest.mark.parametrize("cookies", [{}, ELDER, ENGLISH])
def test_my_page_has_no_serious_violations(open_page, axe_check, cookies):
    page = open_page("/login/", for_axe=True, cookies=cookies)
    page.locator("#username").fill("citizen")
    page.locator("#password").fill("lifelong-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/me/")

    axe_check(page, f"my page {cookies}")


def test_not_found_page_has_no_serious_violations(open_page, axe_check):
    page = open_page("/no-such-page/", for_axe=True)

    assert page.get_by_role("heading", level=1).inner_text() == "找不到这个页面"
    axe_check(page, "404")
