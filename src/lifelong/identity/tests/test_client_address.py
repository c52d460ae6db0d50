"""Login lockout and the audit log's "from where" use the client's address: a spoofed
X-Forwarded-For from an untrusted peer changes nothing (rotating it does not dodge the
per-address lock), and behind a trusted proxy the real client's address is the one counted."""

from __future__ import annotations

import json

from django.test import Client, override_settings

from lifelong.identity.models import LoginFailure
from lifelong.shared.models import AuditEntry


def _login(username: str, forwarded: str, peer: str = "127.0.0.1"):
    return Client(REMOTE_ADDR=peer).post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": "wrong-password"}),
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@override_settings(TRUSTED_PROXIES=[], LOGIN_MAX_FAILURES=3)
def test_a_spoofed_header_from_an_untrusted_peer_neither_hides_nor_frames_anyone(db):
    # given three failures from one peer, each claiming another address
    for n, username in enumerate(["teacher", "volunteer", "citizen"]):
        assert _login(username, f"203.0.113.{n}").status_code == 401
    # when a fourth account is tried from that peer
    locked = _login("parent", "198.51.100.77")
    # then the peer's own address is locked, and no claimed address was ever counted
    assert locked.status_code == 429
    assert LoginFailure.objects.filter(key="ip:127.0.0.1").count() == 3
    assert not LoginFailure.objects.filter(key__startswith="ip:203.0.113.").exists()
    failed = AuditEntry.objects.filter(action="auth.login_failed").order_by("-id")[:3]
    assert {e.ip for e in failed} == {"127.0.0.1"}


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], LOGIN_MAX_FAILURES=3)
def test_behind_a_trusted_proxy_the_real_client_is_counted_and_audited(db):
    # given three failures of one client, relayed by our proxy at 10.0.0.2
    for username in ["teacher", "volunteer", "citizen"]:
        assert _login(username, "6.6.6.6, 203.0.113.9", peer="10.0.0.2").status_code == 401
    # then that client is locked, another client behind the same proxy is not
    assert _login("parent", "203.0.113.9", peer="10.0.0.2").status_code == 429
    assert _login("parent", "198.51.100.2", peer="10.0.0.2").status_code == 401
    assert LoginFailure.objects.filter(key="ip:203.0.113.9").count() == 3
    assert not LoginFailure.objects.filter(key__in=["ip:10.0.0.2", "ip:6.6.6.6"]).exists()
    latest = AuditEntry.objects.filter(action="auth.login_failed").latest("id")
    assert latest.ip == "198.51.100.2"
