"""Mainland mobile numbers: 11 digits starting 13–19, with or without the +86 / 0086 prefix,
spaces and hyphens; anything else is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.shared.ids import InvalidIdentifier, validate_mobile

mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@settings(max_examples=200)
@given(mobiles, st.sampled_from(["", "+86", "0086", "+86 "]))
def test_valid_numbers_are_accepted_with_any_country_prefix(number, prefix):
    assert validate_mobile(prefix + number) == number


@settings(max_examples=100)
@given(mobiles)
def test_spaces_and_hyphens_are_ignored(number):
    assert validate_mobile(f"{number[:3]}-{number[3:7]} {number[7:]}") == number


@settings(max_examples=100)
@given(st.sampled_from("012"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_numbers_whose_second_digit_is_0_1_or_2_are_rejected(second, rest):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_mobile(f"1{second}{rest}")
    assert caught.value.code == "format"


@settings(max_examples=100)
@given(mobiles, st.integers(min_value=1, max_value=10))
def test_too_short_or_too_long_numbers_are_rejected(number, cut):
    with pytest.raises(InvalidIdentifier):
        validate_mobile(number[:-cut])
    with pytest.raises(InvalidIdentifier):
        validate_mobile(number + "0" * cut)


@pytest.mark.parametrize("raw", ["", "2381234567a", "1381234567X", "+85213812345678", "十三八"])
def test_non_numbers_are_rejected(raw):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_mobile(raw)
    assert "手机号" in str(caught.value) and "mobile" in str(caught.value)
