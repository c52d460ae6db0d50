"""The client's address: X-Forwarded-For is believed only from a trusted proxy, and then read
from the right so that what the client wrote itself cannot hide it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from lifelong.shared.client_address import client_address, parse_networks

PROXIES = ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]


def _request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert client_address(_request("198.51.100.4", "203.0.113.9")) == "198.51.100.4"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored():
    assert client_address(_request("198.51.100.4", "10.1.2.3, 203.0.113.9")) == "198.51.100.4"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_via_a_trusted_proxy_the_forwarded_client_is_used():
    assert client_address(_request("10.0.0.2", "203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_what_the_client_wrote_left_of_its_own_address_is_ignored():
    # the client sent "X-Forwarded-For: 6.6.6.6"; our proxies appended the real hops
    forwarded = "6.6.6.6, 203.0.113.9, 10.20.0.1"
    assert client_address(_request("192.0.2.7", forwarded)) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_a_chain_of_only_trusted_hops_gives_the_left_most():
    assert client_address(_request("10.0.0.2", "10.9.9.9, 10.0.0.5")) == "10.9.9.9"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_a_garbled_hop_stops_the_walk_at_the_last_address_followed():
    assert client_address(_request("10.0.0.2", "203.0.113.9, nonsense, 10.0.0.5")) == "10.0.0.5"
    assert client_address(_request("10.0.0.2", "")) == "10.0.0.2"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_ports_brackets_and_ipv4_mapped_peers_are_understood():
    assert client_address(_request("::ffff:10.0.0.2", "203.0.113.9:51234")) == "203.0.113.9"
    assert client_address(_request("2001:db8::1", "[2001:db8:ffff::1]:443, [2400:cb00::5]:80")) == (
        "2400:cb00::5"
    )


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_an_unusable_peer_address_gives_none():
    assert client_address(_request("", "203.0.113.9")) is None


def test_a_bad_proxy_entry_is_refused():
    with pytest.raises(ValueError, match="not-an-ip"):
        parse_networks(["10.0.0.0/8", "not-an-ip"])
