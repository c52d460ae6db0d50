"""axe-core on the main pages, in both languages and both display modes: no serious or
critical violation (the report lists them when there are)."""

from __future__ import annotations

import re

import pytest

from lifelong.portal.tests.markup import Page

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
def test_home_page_has_no_serious_accessibility_violations(browser_page, axe_check, label, cookies):
    page = browser_page("/", for_axe=True, cookies=cookies)

    assert page.locator("html").get_attribute("lang") == (
        "en" if cookies.get("django_language") else "zh-CN"
    )
    axe_check(page, label)


@pytest.mark.parametrize("cookies", [{}, ELDER, ENGLISH])
def test_login_page_and_its_error_have_no_serious_violations(browser_page, axe_check, cookies):
    page = browser_page("/login/", for_axe=True, cookies=cookies)
    axe_check(page, f"login {cookies}")

    page.locator("#username").fill("citizen")
    page.locator("#password").fill("not-the-password")
    page.locator("main button[type=submit]").click()
    page.get_by_role("alert").wait_for()

    axe_check(page, f"login error {cookies}")


@pytest.mark.parametrize("cookies", [{}, ELDER, ENGLISH])
def test_my_page_has_no_serious_violations(browser_page, axe_check, cookies):
    page = browser_page("/login/", for_axe=True, cookies=cookies)
    page.locator("#username").fill("citizen")
    page.locator("#password").fill("lifelong-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/me/")

    axe_check(page, f"my page {cookies}")


def test_not_found_page_has_no_serious_violations(browser_page, axe_check):
    page = browser_page("/no-such-page/", for_axe=True)

    assert page.get_by_role("heading", level=1).inner_text() == "找不到这个页面"
    axe_check(page, "404")


MODES = [({}, "zh"), (ELDER, "elder"), (ENGLISH, "en")]


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.locator("#username").fill(username)
    page.locator("#password").fill("lifelong-demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/me/")


@pytest.mark.parametrize(("cookies", "mode"), MODES)
def test_sms_login_pages_have_no_serious_violations(browser_page, axe_check, cookies, mode):
    # Numbers without an account: the page answers as for any number, and nobody's
    # one-code-a-minute allowance is used up.
    number = {"zh": "13700000301", "elder": "13700000302", "en": "13700000303"}[mode]
    page = browser_page("/login/sms/", for_axe=True, cookies=cookies)
    axe_check(page, f"sms login {mode}")

    page.locator("#phone").fill(number)
    page.locator("button[value=phone]").click()
    page.get_by_role("status").wait_for()
    axe_check(page, f"sms login code sent {mode}")

    page.locator("#code").fill("000000")
    page.locator("button[value=code]").click()
    page.get_by_role("alert").wait_for()
    axe_check(page, f"sms login wrong code {mode}")


@pytest.mark.parametrize(("cookies", "mode"), MODES)
def test_recovery_pages_have_no_serious_violations(browser_page, axe_check, cookies, mode):
    number = {"zh": "13700000311", "elder": "13700000312", "en": "13700000313"}[mode]
    page = browser_page("/login/recover/", for_axe=True, cookies=cookies)
    axe_check(page, f"recovery {mode}")

    page.locator("#phone").fill(number)
    page.locator("button[value=phone]").click()
    page.locator("#new_password1").wait_for()
    axe_check(page, f"recovery reset step {mode}")

    page.locator("#code").fill("000000")
    page.locator("#new_password1").fill("short")
    page.locator("#new_password2").fill("short")
    page.locator("button[value=reset]").click()
    page.get_by_role("alert").wait_for()
    axe_check(page, f"recovery weak password {mode}")


@pytest.mark.parametrize(("cookies", "mode"), MODES)
def test_my_page_sections_and_verification_have_no_serious_violations(
    browser_page, axe_check, cookies, mode
):
    page = browser_page("/login/", for_axe=True, cookies=cookies)
    _sign_in(page, "teacher")
    assert page.locator("#verify-link").is_visible()
    axe_check(page, f"my page unverified {mode}")

    page.locator("#verify-link").click()
    page.wait_for_url("**/me/verify/")
    axe_check(page, f"verify {mode}")

    # A number the logging gateway never binds to an ID: the refusal, without sending a code.
    page.locator("#phone").fill("13900000000")
    page.locator("main button[type=submit]").click()
    page.get_by_role("alert").wait_for()
    axe_check(page, f"verify refused {mode}")


def test_verification_code_step_has_no_serious_violations(browser_page, axe_check):
    page = browser_page("/login/", for_axe=True)
    _sign_in(page, "volunteer")
    page.goto("/me/verify/")
    page.locator("#phone").fill("13800000006")
    page.locator("main button[type=submit]").click()
    page.locator("#code").wait_for()

    axe_check(page, "verify code step")


@pytest.mark.parametrize(("cookies", "mode"), MODES)
def test_proxy_relations_and_revocation_have_no_serious_violations(
    browser_page, axe_check, cookies, mode
):
    page = browser_page("/login/", for_axe=True, cookies=cookies)
    _sign_in(page, "parent")
    assert page.locator("li.proxy").count() == 1
    axe_check(page, f"my page with proxies {mode}")

    page.locator("li.proxy a.button").click()
    page.wait_for_url(re.compile(r".*/me/proxies/\d+/revoke/$"))
    axe_check(page, f"revoke confirmation {mode}")


def test_export_progress_page_has_no_serious_violations(browser_page, axe_check):
    page = browser_page("/login/", for_axe=True, cookies=ELDER)
    _sign_in(page, "citizen")
    page.locator("#export-start").click()
    page.wait_for_url(re.compile(r".*/me/export/[0-9a-f-]{36}/$"))
    axe_check(page, "export progress")

    page.locator("#export-download").wait_for(timeout=30_000)
    axe_check(page, "export finished")


@pytest.fixture
def second_step_html():
    """The second step of a password login, rendered here by the view's own page function:
    reaching it on the shared browser server would mean enrolling an authenticator for a demo
    account, which would change that account for every other browser test."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from lifelong.portal.views_signin import _second_step_page
    from lifelong.portal.web import form_error

    def render(error) -> str:
        request = RequestFactory().get("/login/otp/")
        request.user = AnonymousUser()
        staff = SimpleNamespace(get_username=lambda: "school_staff")
        return _second_step_page(request, staff, error=error).content.decode()

    wrong = form_error("动态口令错误 / Wrong one-time password", "otp")
    html = {"plain": render(None), "error": render(wrong)}
    assert Page(html["error"]).one(role="alert")
    return html


@pytest.mark.parametrize("state", ["plain", "error"])
def test_second_step_page_has_no_serious_violations(
    browser_page, axe_check, second_step_html, state
):
    # Opened on the site first so that the page's stylesheet and script load from it.
    page = browser_page("/login/", for_axe=True)
    page.set_content(second_step_html[state])

    assert page.locator("#otp").is_visible()
    assert page.evaluate("() => getComputedStyle(document.body).fontSize") == "16px"
    axe_check(page, f"second step {state}")
