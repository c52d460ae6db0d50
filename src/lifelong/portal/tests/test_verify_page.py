""" "My page" offers verification by SMS to accounts not yet verified: a number registered to
the person's ID number, then the code sent to it."""

from __future__ import annotations

from lifelong.portal.tests.markup import page

TEACHER_PHONE = "13800000005"
# The logging gateway binds every number to every ID number except those ending in 0000.
NOT_REGISTERED = "13900000000"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_unverified_account_is_offered_sms_verification(client, sign_in):
    sign_in("teacher")

    html = page(client.get("/me/"))

    assert html.one("dd", class_="verification").text == "未实名"
    assert html.one("a", id="verify-link").get("href") == "/me/verify/"
    assert "完成实名核验后才能导出个人数据" in html.one("main").text
    assert html.find_all("button", id="export-start") == []


def test_verification_by_sms_raises_the_level_and_binds_the_phone(client, sign_in, sms_code):
    sign_in("teacher")

    sent = client.post("/me/verify/", {"step": "phone", "phone": TEACHER_PHONE})
    done = client.post("/me/verify/", {"step": "code", "code": sms_code(TEACHER_PHONE)})

    assert "验证码已发送" in page(sent).one(role="status").text
    assert page(sent).one("input", id="code").get("autocomplete") == "one-time-code"
    assert done.status_code == 302 and done["Location"] == "/me/"
    html = page(client.get("/me/"))
    assert html.one(role="status").text.startswith("实名核验成功")
    assert html.one("dd", class_="verification").text == "短信实名核验"
    assert html.one("dd", class_="masked-phone").text == "138****0005"
    assert html.find_all("a", id="verify-link") == []
    assert html.one("button", id="export-start").text == "导出我的数据"


def test_a_number_not_registered_to_the_id_is_refused(client, sign_in, sms_code):
    sign_in("teacher")

    response = client.post("/me/verify/", {"step": "phone", "phone": NOT_REGISTERED})

    html = page(response)
    assert response.status_code == 422
    assert html.one("p", lang="zh-CN").text == "该手机号未登记在您的身份证名下"
    assert html.one("p", lang="en").text == "This number is not registered to your ID number"
    assert html.one("input", id="phone").get("aria-invalid") == "true"
    assert html.one("input", id="phone").get("value") == NOT_REGISTERED
    assert sms_code(NOT_REGISTERED) is None


def test_a_wrong_code_leaves_the_account_unverified(client, sign_in, sms_code):
    sign_in("teacher")
    client.post("/me/verify/", {"step": "phone", "phone": TEACHER_PHONE})

    response = client.post("/me/verify/", {"step": "code", "code": _wrong(sms_code(TEACHER_PHONE))})

    assert response.status_code == 422
    assert page(response).one("p", lang="zh-CN").text == "验证码错误或已过期"
    assert page(response).one("input", id="code").get("aria-invalid") == "true"
    assert page(client.get("/me/")).one("dd", class_="verification").text == "未实名"


def test_a_verified_account_sees_its_level_and_no_form(client, sign_in, sms_code):
    sign_in("citizen")

    shown = page(client.get("/me/verify/"))
    posted = client.post("/me/verify/", {"step": "phone", "phone": "13800000001"})

    assert shown.one("dd", class_="verification").text == "现场核验"
    assert "您的账号已完成实名核验。" in shown.one("main").text
    assert shown.find_all("input", id="phone") == []
    assert posted.status_code == 200
    assert sms_code("13800000001") is None


def test_an_account_without_an_id_number_is_sent_to_a_community_school(client, sign_in):
    sign_in("district_officer")

    html = page(client.get("/me/verify/"))

    assert "请携带身份证到所在社区学校现场核验" in html.one("p", class_="hint").text
    assert html.find_all("form", action="/me/verify/") == []


def test_verification_needs_sign_in(client, db):
    assert client.get("/me/verify/")["Location"] == "/login/?next=/me/verify/"
