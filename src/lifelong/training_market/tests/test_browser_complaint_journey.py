"""In a real Chromium against a real server: a citizen looks an institution up and files a
complaint, the district's regulator handles it, the citizen sees it resolved; axe-core finds
no serious or critical violation on the pages on the way."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

INSTITUTION = "阳光艺术培训中心"


def _sign_in(page, username: str) -> None:
    """Fill in the login form the page is on."""
    page.locator("#username").fill(username)
    page.locator("#password").fill("lifelong-demo")
    page.locator("main button[type=submit]").click()


def test_a_citizen_complains_and_the_regulator_handles_it(browser_page, axe_check):
    # A visitor looks the institution up without signing in.
    citizen = browser_page("/market/")
    citizen.get_by_label("机构名称或统一社会信用代码").fill("阳光艺术")
    citizen.get_by_role("button", name="查询").click()
    citizen.get_by_role("link", name=INSTITUTION).click()
    assert citizen.get_by_role("heading", level=1).inner_text() == INSTITUTION
    assert citizen.get_by_text("预收费已纳入监管").first.is_visible()

    # Complaining needs a sign-in, which comes back to the form.
    citizen.get_by_role("link", name="投诉该机构").click()
    citizen.wait_for_url(re.compile(r".*/login/.*"))
    _sign_in(citizen, "citizen")
    citizen.wait_for_url(re.compile(r".*/complain/$"))
    citizen.get_by_label("投诉类别").select_option("refund_refused")
    citizen.get_by_label("投诉内容").fill("申请退费两周无人处理，请督促机构按未消课部分退费。")
    citizen.get_by_role("button", name="提交投诉").click()
    citizen.wait_for_url(re.compile(r".*/market/complaints/\d+/$"))
    complaint_url = citizen.url
    assert citizen.locator("#complaint-status").inner_text().startswith("已提交")

    # The 徐汇区 regulator finds it in the district's list and handles it.
    officer = browser_page("/login/")
    _sign_in(officer, "district_officer")
    officer.wait_for_url("**/me/")
    officer.goto("/market/complaints/")
    number = complaint_url.rstrip("/").rsplit("/", 1)[-1]
    officer.get_by_role("link", name=f"#{number}").click()
    officer.get_by_role("button", name="受理", exact=True).click()
    assert officer.locator("#complaint-status").inner_text().startswith("已受理")
    officer.get_by_label("办理意见").fill("经约谈，机构已按未消课部分退费。")
    officer.get_by_role("button", name="办结", exact=True).click()
    assert officer.locator("#complaint-status").inner_text().startswith("已办结")

    # The citizen follows it to the end.
    citizen.reload()
    assert citizen.locator("#complaint-status").inner_text().startswith("已办结")
    assert citizen.get_by_text("经约谈，机构已按未消课部分退费。").first.is_visible()


@pytest.mark.parametrize(
    ("label", "path", "username"),
    [
        ("look-up", "/market/?q=培训", None),
        ("look-up empty", "/market/?q=没有这样的机构", None),
        ("complaint form", "/market/institutions/{sunshine}/complain/", "citizen"),
        ("complaints list", "/market/complaints/", "district_officer"),
        ("risk list", "/market/risk/", "district_officer"),
        ("parents' view", "/market/my-contracts/", "parent"),
    ],
)
def test_market_pages_have_no_serious_accessibility_violations(
    browser_page, axe_check, label, path, username
):
    page = browser_page("/market/?q=阳光艺术", for_axe=True)
    sunshine = page.get_by_role("link", name=INSTITUTION).get_attribute("href").split("/")[-2]
    if username:
        page.goto("/login/")
        _sign_in(page, username)
        page.wait_for_url("**/me/")
    page.goto(path.format(sunshine=sunshine))

    axe_check(page, label)


def test_the_institution_and_complaint_pages_have_no_serious_violations(browser_page, axe_check):
    page = browser_page("/market/?q=阳光艺术", for_axe=True)
    page.get_by_role("link", name=INSTITUTION).click()
    axe_check(page, "institution page")

    page.goto("/login/")
    _sign_in(page, "district_officer")
    page.wait_for_url("**/me/")
    page.goto("/market/complaints/")
    page.locator("table.data a").first.click()
    axe_check(page, "complaint page with the handling form")
