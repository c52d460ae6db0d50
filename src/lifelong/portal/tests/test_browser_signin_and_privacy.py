"""Citizen journeys of the sign-in and privacy pages in a real Chromium against a real server
(gunicorn and a task worker): signing in with an SMS code, giving and withdrawing a consent,
and downloading one's data while htmx shows the export's progress."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from lifelong.portal.tests.test_browser_journeys import TARGETS

pytestmark = pytest.mark.browser

CITIZEN_PHONE = "13800000001"


def test_citizen_signs_in_with_an_sms_code(browser_page, live_site_server):
    page = browser_page("/login/")

    page.get_by_role("link", name="短信验证码登录").click()
    page.wait_for_url("**/login/sms/")
    page.get_by_label("手机号").fill(CITIZEN_PHONE)
    page.get_by_role("button", name="获取验证码").click()

    status = page.get_by_role("status")
    assert "如该手机号已绑定账号，验证码已发送" in status.inner_text()
    page.get_by_label("短信验证码").fill(live_site_server.sms_code_to(CITIZEN_PHONE))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/me/")

    assert page.get_by_role("heading", level=1).inner_text() == "我的"
    assert page.locator(".masked-phone").inner_text() == "138****0001"


def test_a_wrong_sms_code_is_announced_and_the_number_kept(browser_page):
    page = browser_page("/login/sms/")
    page.get_by_label("手机号").fill("13700000201")
    page.get_by_role("button", name="获取验证码").click()

    page.get_by_label("短信验证码").fill("000000")
    page.get_by_role("button", name="登录", exact=True).click()

    alert = page.get_by_role("alert")
    assert "验证码错误或已过期" in alert.inner_text()
    assert "The code is wrong or has expired" in alert.inner_text()
    assert page.get_by_label("短信验证码").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("手机号").input_value() == "13700000201"


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("lifelong-demo")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/me/")


def _consent_state(page, purpose: str) -> str:
    return page.locator(f"li[data-purpose={purpose}] .consent-state").inner_text()


def test_citizen_gives_and_withdraws_a_consent(browser_page):
    page = browser_page("/")
    _sign_in(page, "senior_citizen")
    assert _consent_state(page, "marketing_sms") == "未同意"

    page.locator("li[data-purpose=marketing_sms]").get_by_role(
        "button", name="同意", exact=True
    ).click()
    page.wait_for_url("**/me/#consents-title")

    assert page.get_by_role("status").inner_text().startswith("已记录您的同意")
    assert _consent_state(page, "marketing_sms").startswith("已同意（")

    page.locator("li[data-purpose=marketing_sms]").get_by_role("button", name="撤回同意").click()
    page.wait_for_url("**/me/#consents-title")

    assert page.get_by_role("status").inner_text().startswith("已撤回您的同意")
    assert re.fullmatch(r"已撤回（\d{4}-\d{2}-\d{2}）", _consent_state(page, "marketing_sms"))


def test_citizen_downloads_their_data_while_the_page_shows_progress(browser_page):
    page = browser_page("/")
    _sign_in(page, "citizen")

    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.headers.get("hx-request") else None)
    page.get_by_role("button", name="导出我的数据").click()
    page.wait_for_url(re.compile(r".*/me/export/[0-9a-f-]{36}/$"))
    progress_url = page.url
    first_status = page.locator("#export-progress").get_attribute("data-status")
    # A mark on this document: if it survives until the link appears, htmx updated the page
    # in place instead of the browser loading it again.
    page.evaluate("() => { window.notReloaded = true; }")
    link = page.locator("#export-download")
    link.wait_for(timeout=30_000)

    assert page.url == progress_url
    assert page.evaluate("() => window.notReloaded === true")
    if first_status != "succeeded":  # the worker usually needs a moment to pick the job up
        assert polls and set(polls) == {progress_url}
    assert page.locator(".export-status").inner_text() == "已完成"
    assert page.locator("progress").get_attribute("value") == "100"
    assert page.locator("#export-progress").get_attribute("hx-trigger") is None
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"lifelong-data-\d{8}\.zip", download.suggested_filename)
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        profile = json.loads(archive.read("profile.json"))
    assert profile["name"] == "王晓明"
    assert profile["phone_masked"] == "138****0001"


@pytest.mark.parametrize("path", ["/login/sms/", "/login/recover/"])
@pytest.mark.parametrize("cookies", [{}, {"ll_elder": "1", "ll_text": "xlarge"}])
def test_targets_are_large_and_nothing_scrolls_sideways_on_a_phone(browser_page, path, cookies):
    page = browser_page(path, cookies=cookies)

    minimum = 60 if cookies else 44
    targets = page.evaluate(TARGETS)
    assert targets
    for target in targets:
        assert target["height"] >= minimum - 0.5, target
        assert target["width"] >= 44, target
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
