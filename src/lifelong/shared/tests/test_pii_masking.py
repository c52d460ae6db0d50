"""Masked display of personal data: enough to recognise one's own, too little to misuse."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.shared import pii
from lifelong.shared.tests.strategies import resident_ids


@settings(max_examples=200)
@given(resident_ids())
def test_an_id_number_keeps_its_first_three_and_last_four_characters(number):
    masked = pii.mask_id_number(number)
    assert masked == number[:3] + "*" * 11 + number[-4:]
    assert len(masked) == 18


def test_the_documented_shape():
    assert pii.mask_id_number("31010419500101123X") == "310***********123X"


@settings(max_examples=100)
@given(resident_ids())
def test_a_masked_id_number_hides_the_birth_date(number):
    masked = pii.mask_id_number(number)
    born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert f"{born:%Y%m%d}" not in masked


@settings(max_examples=100)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_mobile_number_keeps_its_first_three_and_last_four_digits(number):
    assert pii.mask_phone(number) == number[:3] + "****" + number[-4:]


@settings(max_examples=100)
@given(st.text(max_size=7))
def test_values_too_short_to_mask_partially_are_masked_entirely(value):
    assert pii.mask_id_number(value) == "*" * len(value)
    assert pii.mask_phone(value) == "*" * len(value)


@settings(max_examples=100)
@given(st.text(min_size=1, max_size=10))
def test_a_name_keeps_only_its_first_character(name):
    masked = pii.mask_name(name)
    assert masked == name[0] + "*" * (len(name) - 1)


def test_a_chinese_name_shows_the_family_name_only():
    assert pii.mask_name("张三丰") == "张**"
    assert pii.mask_name("") == ""
