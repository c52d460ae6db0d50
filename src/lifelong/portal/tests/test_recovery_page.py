"""Recovering an account through /login/recover/: phone, code, the new password twice.
Django's password rules speak the reader's language; our messages speak both."""

from __future__ import annotations

from lifelong.portal.tests.markup import page

TEACHER_PHONE = "13800000005"
UNKNOWN_PHONE = "13700009999"
NEW_PASSWORD = "spring-river-lantern-42"


def _ask(client, phone: str = TEACHER_PHONE):
    return client.post("/login/recover/", {"step": "phone", "phone": phone})


def _reset(client, code: str, first: str = NEW_PASSWORD, second: str | None = None):
    return client.post(
        "/login/recover/",
        {
            "step": "reset",
            "phone": TEACHER_PHONE,
            "code": code,
            "new_password1": first,
            "new_password2": first if second is None else second,
        },
    )


def _can_sign_in(client, password: str) -> bool:
    response = client.post("/login/", {"username": "teacher", "password": password})
    return response.status_code == 302


def test_recovery_sets_the_new_password_and_says_so_on_the_login_page(client, db, sms_code):
    _ask(client)

    response = _reset(client, sms_code(TEACHER_PHONE))

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    notice = page(client.get("/login/")).one(role="status")
    assert notice.text.startswith("密码已重设，请用新密码登录")
    assert not _can_sign_in(client, "lifelong-demo")
    assert _can_sign_in(client, NEW_PASSWORD)


def test_unknown_numbers_get_the_same_answer(client, db, sms_code):
    known = page(_ask(client, TEACHER_PHONE))
    unknown = page(_ask(client, UNKNOWN_PHONE))

    assert known.one(role="status").text == unknown.one(role="status").text
    assert sms_code(UNKNOWN_PHONE) is None
    assert unknown.one("input", id="new_password1").get("autocomplete") == "new-password"


def test_the_reset_form_lists_the_password_rules(client, db):
    html = page(_ask(client))

    rules = html.one("ul", id="password-rules")
    assert len(html.children(rules, "li")) == 3
    assert "10" in rules.text
    assert html.one("input", id="new_password1").get("aria-describedby") == "password-rules"
    assert html.one("label", for_="new_password2").text == "再次输入新密码"


def test_passwords_that_differ_are_refused_before_the_code_is_tried(client, db, sms_code):
    _ask(client)
    code = sms_code(TEACHER_PHONE)

    differ = _reset(client, code, NEW_PASSWORD, NEW_PASSWORD + "x")

    html = page(differ)
    assert differ.status_code == 422
    assert html.one("p", lang="zh-CN").text == "两次输入的新密码不一致"
    assert html.one("p", lang="en").text == "The two new passwords do not match"
    assert html.one("input", id="new_password2").get("aria-invalid") == "true"
    assert html.one("input", id="code").get("aria-invalid") is None
    assert _reset(client, code).status_code == 302


def test_a_weak_password_shows_djangos_rules_in_the_readers_language(client, db, sms_code):
    _ask(client)
    code = sms_code(TEACHER_PHONE)

    chinese = page(_reset(client, code, "12345678"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = _reset(client, code, "12345678")

    assert chinese.one("p", lang="zh-CN").text == "新密码不符合要求"
    detail = chinese.one("p", class_="detail").text
    assert (
        "密码太短，至少需要 10 个字符" in detail
        and "这个密码太常见了" in detail
        and "密码只包含数字" in detail
    )
    assert chinese.one("input", id="new_password1").get("aria-invalid") == "true"
    assert english.status_code == 422
    assert "This password is too short" in page(english).one("p", class_="detail").text
    assert _can_sign_in(client, "lifelong-demo")


def test_a_wrong_code_changes_nothing(client, db, sms_code):
    _ask(client)
    wrong = "000000" if sms_code(TEACHER_PHONE) != "000000" else "111111"

    response = _reset(client, wrong)

    html = page(response)
    assert response.status_code == 422
    assert html.one("p", lang="zh-CN").text == "验证码错误或已过期"
    assert html.one("input", id="code").get("aria-invalid") == "true"
    assert _can_sign_in(client, "lifelong-demo")


def test_a_second_code_within_the_minute_is_throttled_with_429(client, db):
    _ask(client)

    again = _ask(client)

    assert again.status_code == 429
    assert "请60秒后再获取验证码" in page(again).one(role="alert").text
