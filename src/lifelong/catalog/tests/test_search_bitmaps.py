import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.catalog.search import bitmaps

slot_sets = st.sets(st.integers(min_value=0, max_value=3 * bitmaps.CHUNK_SLOTS + 17), max_size=300)


@settings(max_examples=60, deadline=None)
@given(slot_sets)
def test_a_set_survives_being_stored_chunk_by_chunk(slots):
    bits = bitmaps.from_slots(slots)

    stored = {
        chunk: bitmaps.encode_chunk(part) for chunk, part in bitmaps.split_chunks(bits).items()
    }
    restored = 0
    for chunk, data in stored.items():
        restored |= bitmaps.decode_chunk(data, chunk)

    assert restored == bits
    assert bits.bit_count() == len(slots)
    assert set(stored) == {bitmaps.chunk_of(s)[0] for s in slots}


@settings(max_examples=80, deadline=None)
@given(slot_sets, st.integers(min_value=0, max_value=320), st.integers(min_value=0, max_value=60))
def test_paging_from_the_top_gives_the_highest_members_in_order(slots, skip, take):
    pages = bitmaps.highest(bitmaps.from_slots(slots), skip=skip, take=take)

    assert pages == sorted(slots, reverse=True)[skip : skip + take]


def test_an_empty_chunk_is_stored_small_and_a_full_one_whole():
    empty = bitmaps.encode_chunk(0)
    full = bitmaps.encode_chunk(bitmaps.CHUNK_MASK)

    assert len(empty) < 100 and len(full) < 100
    assert bitmaps.decode_chunk(full, 2).bit_count() == bitmaps.CHUNK_SLOTS
    assert bitmaps.decode_chunk(full, 2) >> (2 * bitmaps.CHUNK_SLOTS) == bitmaps.CHUNK_MASK


def test_a_chunk_is_stored_up_to_its_highest_member_and_a_whole_one_still_reads():
    low = bitmaps.from_slots([3, 700, 2047])
    whole = zlib.compress(low.to_bytes(bitmaps.CHUNK_BYTES, "little"))

    assert len(zlib.decompress(bitmaps.encode_chunk(low))) == 256
    assert bitmaps.decode_chunk(bitmaps.encode_chunk(low), 1) == low << bitmaps.CHUNK_SLOTS
    assert bitmaps.decode_chunk(whole, 1) == low << bitmaps.CHUNK_SLOTS
