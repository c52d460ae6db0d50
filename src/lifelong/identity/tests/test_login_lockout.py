"""Repeated failed logins lock the account out, even for the right password, until the
window passes."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from lifelong.identity.models import LoginFailure


def _token(api, password):
    return api.post("/api/v1/auth/token", {"username": "teacher", "password": password})


@override_settings(LOGIN_MAX_FAILURES=3)
def test_account_is_locked_after_repeated_failures(api):
    for _ in range(3):
        assert _token(api, "wrong-password").status_code == 401
    locked = _token(api, "lifelong-demo")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "throttled"


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_FAILURE_WINDOW_SECONDS=60)
def test_lock_lifts_when_the_window_has_passed(api):
    for _ in range(3):
        _token(api, "wrong-password")
    LoginFailure.objects.update(at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert _token(api, "lifelong-demo").status_code == 200


@override_settings(LOGIN_MAX_FAILURES=3)
def test_failures_of_one_account_do_not_lock_another_from_elsewhere(api):
    for _ in range(3):
        api.post("/api/v1/auth/token", {"username": "volunteer", "password": "wrong"})
    LoginFailure.objects.filter(key__startswith="ip:").delete()
    assert _token(api, "lifelong-demo").status_code == 200


@override_settings(LOGIN_MAX_FAILURES=3)
def test_page_login_shows_the_lockout_message(api):
    for _ in range(3):
        api.client.post("/login/", {"username": "teacher", "password": "wrong-password"})
    page = api.client.post("/login/", {"username": "teacher", "password": "lifelong-demo"})
    assert page.status_code == 429
    assert "登录失败次数过多" in page.content.decode()
