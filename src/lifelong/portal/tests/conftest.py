"""Fixtures of the portal's page tests. The browser fixtures (`live_site`, `browser_page`,
`axe_check`, …) live in the repository's root conftest.py, for every domain."""

from __future__ import annotations

import logging
import re

import pytest

from lifelong.shared.pii import mask_phone

SMS_LOG_LINE = re.compile(r"SMS code (?P<code>\d{6}) to (?P<phone>\S+) \(logging gateway\)")
PASSWORD = "lifelong-demo"


@pytest.fixture
def sms_code(caplog):
    """`sms_code(phone)`: the newest code the logging verification gateway sent to the number
    during this test, read from its log line (the page tests see identity from outside); None
    when none was sent."""
    caplog.set_level(logging.INFO, logger="lifelong.identity.gateways")

    def newest(phone: str) -> str | None:
        masked = mask_phone(phone)
        codes = [
            m["code"]
            for record in caplog.records
            if (m := SMS_LOG_LINE.search(record.getMessage())) and m["phone"] == masked
        ]
        return codes[-1] if codes else None

    return newest


@pytest.fixture
def sign_in(client, db):
    """`sign_in("citizen")`: the test client signed in through the login page."""

    def sign_in_as(username: str):
        response = client.post("/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.content
        return client

    return sign_in_as
