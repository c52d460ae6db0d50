"""Hypothesis strategies for the identifiers the kernel validates.

The check characters are computed from the standards' tables written out here, not from
`lifelong.shared.ids`, so that a slip in ids.py cannot hide behind the same slip in the tests.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from lifelong.shared.clock import today
from lifelong.shared.ids import area_codes

# GB 11643-1999: weights 2^(17-i) mod 11, and the check character for each remainder.
RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RIC_CHECK_BY_REMAINDER = "10X98765432"

# GB 32100-2015: the 31-character alphabet (no I, O, Z, S, V) and weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 11714 organisation code: its weights, and letters counted A = 10 … Z = 35.
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_VALUES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

AREA_CODES = sorted(area_codes())
TODAY = today()


def ric_with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RIC_WEIGHTS, strict=True))
    return first17 + RIC_CHECK_BY_REMAINDER[total % 11]


@st.composite
def resident_ids(draw, areas=st.sampled_from(AREA_CODES)):
    """Valid numbers: any area code ever issued, any real past birth date."""
    area = draw(areas)
    born = draw(st.dates(min_value=dt.date(1880, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(min_value=0, max_value=999))
    return ric_with_check(f"{area}{born:%Y%m%d}{sequence:03d}")


def organisation_check(body8: str) -> str:
    value = 11 - sum(ORG_VALUES.index(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def build_uscc(head2: str, area6: str, org8: str) -> str:
    first17 = head2 + area6 + org8 + organisation_check(org8)
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


@st.composite
def usccs(draw):
    """Valid codes over the whole alphabet: letters in the registration authority, the
    organisation type and the organisation code alike."""
    head = draw(st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2))
    area = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    org = draw(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
    return build_uscc(head, area, org)
