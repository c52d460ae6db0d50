"""Ids for the rows of an import batch, made many at a time from one read of the system's
random source, as 32 hex digits (what both databases take for a UUID column).

- Outcomes get time-ordered UUIDs (RFC 9562 version 7: 48-bit Unix milliseconds, then 74
  random bits): the rows of a batch land side by side in the indexes keyed by outcome id
  instead of on a random page each, which matters once those indexes outgrow memory.
- Credentials keep fully random version-4 UUIDs: their id is what a holder shares, and
  it must say nothing about when it was issued.
"""

from __future__ import annotations

import os
import time


def _versioned(raw: bytes, count: int, version: int, prefix: bytes = b"") -> list[str]:
    ids = []
    width = 16 - len(prefix)
    for start in range(0, count * width, width):
        b = bytearray(prefix + raw[start : start + width])
        b[6] = (version << 4) | (b[6] & 0x0F)
        b[8] = 0x80 | (b[8] & 0x3F)
        ids.append(b.hex())
    return ids


def uuid4_hex(count: int) -> list[str]:
    return _versioned(os.urandom(16 * count), count, 4)


def uuid7_hex(count: int) -> list[str]:
    millis = time.time_ns() // 1_000_000
    return _versioned(os.urandom(10 * count), count, 7, prefix=millis.to_bytes(6, "big"))


def hyphenated(hex32: str) -> str:
    """The canonical 8-4-4-4-12 form of a 32-hex-digit UUID."""
    h = hex32
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
