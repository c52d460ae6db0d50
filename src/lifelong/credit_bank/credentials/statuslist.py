"""Bitstring Status List v1.0: the list is a bitstring (bit 0 is the most significant bit of
the first byte), GZIP-compressed and multibase base64url-encoded (`u…`) into `encodedList`."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable

from lifelong.credit_bank.credentials import multibase

MIN_BITS = 131_072  # 16 KiB: the specification's minimum, for herd privacy
MAX_ENCODED_BYTES = 2_000_000


class StatusListError(ValueError):
    pass


def encode(size: int, set_indexes: Iterable[int]) -> str:
    if size < MIN_BITS or size % 8:
        raise StatusListError("status list size must be a multiple of 8 and at least 131072")
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise StatusListError(f"index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the output deterministic.
    return multibase.encode_base64url(gzip.compress(bytes(bits), mtime=0))


def decode(encoded: str) -> bytes:
    if not isinstance(encoded, str) or len(encoded) > MAX_ENCODED_BYTES:
        raise StatusListError("encodedList is missing or too large")
    try:
        raw = multibase.decode_base64url(encoded)
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
            bits = fh.read(MIN_BITS * 64 + 1)
    except (multibase.MultibaseError, OSError, EOFError) as exc:
        raise StatusListError(f"encodedList is not GZIP + base64url: {exc}") from None
    if len(bits) * 8 < MIN_BITS:
        raise StatusListError("the status list is shorter than 131072 bits")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"statusListIndex {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
