"""Resident ID numbers (GB 11643-1999) are accepted exactly when they are well-formed, name a
GB/T 2260 area code ever issued, carry a real past birth date and the right check character."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.shared.clock import today
from lifelong.shared.ids import InvalidIdentifier, area_codes, parse_resident_id
from lifelong.shared.tests.strategies import AREA_CODES, resident_ids, ric_with_check

ABOLISHED_SHANGHAI = ["310103", "310108", "310119"]  # 卢湾区, 闸北区, 南汇区


@settings(max_examples=200)
@given(resident_ids())
def test_any_area_code_ever_issued_and_past_birth_date_is_accepted(number):
    parsed = parse_resident_id(number)
    assert parsed.number == number
    assert parsed.area_code == number[:6]
    assert parsed.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@settings(max_examples=100)
@given(resident_ids(areas=st.sampled_from(ABOLISHED_SHANGHAI)))
def test_abolished_shanghai_districts_are_still_accepted(number):
    # Older residents keep the number they were issued in 卢湾区, 闸北区 or 南汇区.
    assert parse_resident_id(number).area.name in {"卢湾区", "闸北区", "南汇区"}


@settings(max_examples=200)
@given(resident_ids(), st.data())
def test_any_single_character_substitution_is_rejected(number, data):
    # ISO 7064 MOD 11-2 detects every single substitution: each weight is a non-zero residue
    # mod the prime 11, so changing one digit always changes the weighted sum mod 11.
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    allowed = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(
        st.sampled_from([c for c in allowed if c != number[position]]), label="replacement"
    )
    corrupted = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        parse_resident_id(corrupted)


@settings(max_examples=200)
@given(resident_ids(), st.integers(min_value=0, max_value=15))
def test_any_swap_of_two_adjacent_different_digits_is_rejected(number, position):
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(InvalidIdentifier):
        parse_resident_id(swapped)


@settings(max_examples=100)
@given(st.sampled_from(AREA_CODES), st.integers(min_value=1, max_value=2_900_000))
def test_future_birth_dates_are_rejected_even_with_a_correct_check_character(area, days_ahead):
    # "Today" is read when the example runs, not when the module was imported: a run that
    # crosses midnight in Shanghai must not turn tomorrow into today.
    born = today() + dt.timedelta(days=days_ahead)
    number = ric_with_check(f"{area}{born:%Y%m%d}001")
    with pytest.raises(InvalidIdentifier) as caught:
        parse_resident_id(number)
    assert caught.value.code == "birth_date"


@pytest.mark.parametrize(
    "date_digits",
    [
        "20230230",  # 30 February
        "20230229",  # 2023 is not a leap year
        "19000229",  # 1900 is not a leap year (divisible by 100, not by 400)
        "19851301",  # month 13
        "19850100",  # day 0
        "19850431",  # April has 30 days
        "18791231",  # before the oldest birth year a living resident can have
    ],
)
def test_impossible_birth_dates_are_rejected_even_with_a_correct_check_character(date_digits):
    number = ric_with_check(f"310104{date_digits}001")
    with pytest.raises(InvalidIdentifier) as caught:
        parse_resident_id(number)
    assert caught.value.code == "birth_date"
    assert "出生日期" in str(caught.value) and "birth date" in str(caught.value)


def test_leap_day_of_a_leap_year_is_accepted():
    assert parse_resident_id(ric_with_check("31010420000229001")).birth_date == dt.date(2000, 2, 29)


def test_unknown_area_code_is_rejected_even_with_a_correct_check_character():
    assert "999999" not in area_codes()
    with pytest.raises(InvalidIdentifier) as caught:
        parse_resident_id(ric_with_check("99999919800101001"))
    assert caught.value.code == "area"


@pytest.mark.parametrize(
    "raw",
    ["", "31010419800101001", "3101041980010100123", "31010419800101001Y", "X10104198001010011"],
)
def test_wrong_shape_is_rejected_as_format(raw):
    with pytest.raises(InvalidIdentifier) as caught:
        parse_resident_id(raw)
    assert caught.value.code == "format"


def test_the_standards_own_examples_are_accepted():
    # GB 11643-1999 gives these two numbers as its examples.
    # 11010519491231002X (北京市朝阳区, born 1949-12-31, female):
    #   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5
    #   + 0·8 + 0·4 + 2·2 = 167; 167 mod 11 = 2; remainder 2 → check character X.
    parsed = parse_resident_id("11010519491231002X")
    assert (parsed.birth_date, parsed.gender) == (dt.date(1949, 12, 31), "F")
    # 440524188001010014 (广东省潮阳县, born 1880-01-01, male):
    #   4·7 + 4·9 + 0·10 + 5·5 + 2·8 + 4·4 + 1·2 + 8·1 + 8·6 + 0·3 + 0·7 + 1·9 + 0·10 + 1·5
    #   + 0·8 + 0·4 + 1·2 = 195; 195 mod 11 = 8; remainder 8 → check character 4.
    parsed = parse_resident_id("440524188001010014")
    assert (parsed.birth_date, parsed.gender) == (dt.date(1880, 1, 1), "M")


def test_lower_case_x_and_spaces_are_normalised():
    assert parse_resident_id(" 110105 19491231 002x ").number == "11010519491231002X"


@settings(max_examples=100)
@given(resident_ids())
def test_gender_follows_the_parity_of_the_seventeenth_digit(number):
    assert parse_resident_id(number).gender == ("M" if int(number[16]) % 2 else "F")
