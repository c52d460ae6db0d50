"""The client's address, for login lockout and the audit log's "from where".

`X-Forwarded-For` is written by whoever sends the request, so it is believed only when the
peer (`REMOTE_ADDR`) is one of our own reverse proxies (`settings.TRUSTED_PROXIES`, from
`LIFELONG_TRUSTED_PROXIES`). Each proxy appends the address it received the request from, so
the chain is read from the right: trusted proxies are skipped and the first address that is
not one of them is the client. Anything further left was written by the client and is
ignored, so a spoofed entry cannot hide the real sender.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """IP addresses and CIDR blocks ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1") as networks;
    ValueError names an entry that is neither."""
    networks = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or CIDR block: {text!r}") from None
    return tuple(networks)


@functools.cache
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def _address(text: str) -> Address | None:
    """An address as a proxy writes it: bare, or with a port (`1.2.3.4:5678`, `[::1]:80`)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(request) -> str | None:
    """The address of the client that sent `request` (None if the peer's is unusable)."""
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    networks = _trusted(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    for entry in reversed(forwarded.split(",")):
        hop = _address(entry)
        if hop is None:
            # A trusted proxy passed on something that is not an address: nothing to its left
            # can be believed; the last hop we could follow is the best we know.
            break
        client = hop
        if not _is_trusted(hop, networks):
            break
    return str(client)
