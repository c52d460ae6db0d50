"""Sets of index slots as Python integers, and their stored form.

A set of slots is an `int` whose bit *i* is set when slot *i* is in the set: intersection is
`a & b`, union `a | b`, difference `a & ~b` and the size `a.bit_count()`, each one pass over
the machine words in C, so counting a 100,000-resource match against forty facet values
costs well under a millisecond and no Python loop runs per resource.

In the database a set is cut into chunks of 65,536 slots (as roaring bitmaps are), so that
adding one resource rewrites at most 8 KiB per word; each chunk is stored as its little-endian
bitmap up to its highest member, compressed with zlib, which shrinks sparse chunks to a few
dozen bytes and decodes any chunk in tens of microseconds whatever its density. Decoding costs
by the bytes inflated, and the newest chunk of a growing catalogue is partly empty: its empty
top is left out (chunks stored whole, as before, decode the same).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

CHUNK_BITS = 16
CHUNK_SLOTS = 1 << CHUNK_BITS
CHUNK_BYTES = CHUNK_SLOTS // 8
CHUNK_MASK = (1 << CHUNK_SLOTS) - 1
# Level 1: writes (a rebuild encodes thousands of chunks) matter more than the last 20 % of
# space, and decoding speed does not depend on the level.
COMPRESSION_LEVEL = 1
# Bits examined at a time when paging from the top of a set: a block is skipped whole by
# its popcount, so a deep page costs one pass over the set, not one step per member.
_BLOCK_BYTES = 512


def encode_chunk(bits: int) -> bytes:
    """The stored form of one chunk; `bits` holds slots relative to the chunk's start."""
    if bits < 0 or bits > CHUNK_MASK:
        raise ValueError("a chunk holds slots 0–65535 only")
    return zlib.compress(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), COMPRESSION_LEVEL)


def decode_chunk(data: bytes | memoryview, chunk: int) -> int:
    """The set stored as chunk number `chunk`, with its slots at their absolute positions."""
    return int.from_bytes(zlib.decompress(data), "little") << (chunk << CHUNK_BITS)


def chunk_of(slot: int) -> tuple[int, int]:
    """(chunk number, position inside the chunk) of a slot."""
    return slot >> CHUNK_BITS, slot & (CHUNK_SLOTS - 1)


def split_chunks(bits: int) -> dict[int, int]:
    """The non-empty chunks of a set: chunk number → slots relative to the chunk's start."""
    chunks: dict[int, int] = {}
    chunk = 0
    while bits:
        part = bits & CHUNK_MASK
        if part:
            chunks[chunk] = part
        bits >>= CHUNK_SLOTS
        chunk += 1
    return chunks


def from_slots(slots: Iterable[int]) -> int:
    """A set from its members."""
    raw = bytearray()
    for slot in slots:
        byte = slot >> 3
        if byte >= len(raw):
            raw.extend(bytes(byte + 1 - len(raw)))
        raw[byte] |= 1 << (slot & 7)
    return int.from_bytes(raw, "little")


def highest(bits: int, *, skip: int, take: int) -> list[int]:
    """Up to `take` members of the set, highest first, after passing over the `skip` highest
    ones."""
    if take <= 0 or bits <= 0:
        return []
    raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    found: list[int] = []
    end = len(raw)
    while end > 0 and len(found) < take:
        start = max(0, end - _BLOCK_BYTES)
        block = int.from_bytes(raw[start:end], "little")
        end = start
        size = block.bit_count()
        if skip >= size:
            skip -= size
            continue
        while block and len(found) < take:
            top = block.bit_length() - 1
            block ^= 1 << top
            if skip:
                skip -= 1
            else:
                found.append(start * 8 + top)
    return found
