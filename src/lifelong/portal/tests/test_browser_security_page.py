"""/me/security/ in a real browser: a staff member enrols an authenticator from the page (QR
code as an image with a name, the secret as text, then the first code), and switches it off
again with password and a current code. axe-core finds no serious or critical violation at
any step, in Chinese, elder mode and English."""

from __future__ import annotations

import time

import pyotp
import pytest

pytestmark = pytest.mark.browser

PASSWORD = "lifelong-demo"
MODES = [({}, "zh"), ({"ll_elder": "1"}, "elder"), ({"django_language": "en"}, "en")]
# A staff account that no other browser test signs in with: its authenticator is switched
# off again at the end, so the shared demo site is left as it was.
STAFF = "credit_bank_officer"


@pytest.mark.parametrize(("cookies", "mode"), MODES)
def test_staff_enrol_and_switch_off_an_authenticator(browser_page, axe_check, cookies, mode):
    page = browser_page("/login/", for_axe=True, cookies=cookies)
    page.locator("#username").fill(STAFF)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/me/")
    page.locator("#security-link").click()
    page.wait_for_url("**/me/security/")
    status = page.locator("dd.totp-status")
    not_enrolled = status.inner_text()
    axe_check(page, f"security not enrolled {mode}")

    page.locator("form:has(input[name=step][value=enrol]) button").click()
    qr = page.locator("figure.qr svg")
    qr.wait_for()
    assert qr.get_attribute("role") == "img"
    assert qr.get_attribute("aria-labelledby") or qr.get_attribute("aria-label")
    secret = "".join(page.locator("#totp-secret").inner_text().split())
    totp = pyotp.TOTP(secret)
    axe_check(page, f"security enrolling {mode}")

    # A wrong code first: the refusal is announced and tied to the field.
    now = time.time()
    window = {totp.at(now + k * totp.interval) for k in (-2, -1, 0, 1, 2)}
    page.locator("#code").fill(next(c for c in ("000000", "111111", "222222") if c not in window))
    page.locator("form:has(input[name=step][value=confirm]) button").click()
    page.get_by_role("alert").wait_for()
    assert page.locator("#code").get_attribute("aria-invalid") == "true"
    axe_check(page, f"security wrong code {mode}")

    page.locator("#code").fill(totp.now())
    page.locator("form:has(input[name=step][value=confirm]) button").click()
    page.locator("#disable-password").wait_for()
    assert status.inner_text() != not_enrolled
    axe_check(page, f"security enrolled {mode}")

    page.locator("#disable-password").fill(PASSWORD)
    # The next step's code: inside the accepted drift, newer than the one just used.
    page.locator("#disable-code").fill(totp.at(time.time() + totp.interval))
    page.locator("form:has(input[name=step][value=disable]) button").click()
    page.locator("form:has(input[name=step][value=enrol])").wait_for()
    assert status.inner_text() == not_enrolled
