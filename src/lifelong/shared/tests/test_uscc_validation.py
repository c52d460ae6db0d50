"""Unified social credit codes (GB 32100-2015) are accepted exactly when they use the
31-character alphabet, carry a numeric area code, and both check characters are right: the
organisation code's (GB 11714, position 17) and the whole code's (position 18)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.shared.ids import InvalidIdentifier, validate_uscc
from lifelong.shared.tests.strategies import USCC_ALPHABET, build_uscc, usccs


@settings(max_examples=200)
@given(usccs())
def test_codes_over_the_whole_alphabet_with_right_check_characters_are_accepted(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize("authority", ["1", "5", "9", "A", "N", "Y"])
@settings(max_examples=30)
@given(org=st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
def test_letter_and_digit_registration_authorities_are_accepted(authority, org):
    # Position 1 names the registration authority: 1, 5 and 9 are the common ones (机构编制,
    # 民政, 工商), and codes issued by other authorities start with letters (Y for 其他).
    code = build_uscc(authority + "1", "310000", org)
    assert validate_uscc(code) == code


@settings(max_examples=200)
@given(usccs(), st.data())
def test_any_single_character_substitution_is_rejected(code, data):
    # MOD 31 over the prime 31: every weight 3^i mod 31 is non-zero and two different
    # characters differ by 1..30, so a single substitution always changes the check sum.
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    replacement = data.draw(
        st.sampled_from([c for c in USCC_ALPHABET if c != code[position]]), label="replacement"
    )
    corrupted = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        validate_uscc(corrupted)


@settings(max_examples=200)
@given(usccs(), st.integers(min_value=0, max_value=17), st.sampled_from("IOZSV"))
def test_letters_outside_the_alphabet_are_rejected_anywhere(code, position, letter):
    corrupted = code[:position] + letter + code[position + 1 :]
    with pytest.raises(InvalidIdentifier) as caught:
        validate_uscc(corrupted)
    assert caught.value.code == "format"


@settings(max_examples=50)
@given(usccs())
def test_lower_case_and_spaces_are_normalised(code):
    spaced = f" {code[:8].lower()} {code[8:].lower()} "
    assert validate_uscc(spaced) == code


@pytest.mark.parametrize(
    "raw", ["", "91310000MA1FW1BXX", "91310000MA1FW1BXX22", "91310000-MA1FW1BX"]
)
def test_wrong_length_or_characters_are_rejected_as_format(raw):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_uscc(raw)
    assert caught.value.code == "format"


def test_letters_in_the_area_code_are_rejected():
    code = build_uscc("91", "3100A0", "MA1FW1BX")
    with pytest.raises(InvalidIdentifier) as caught:
        validate_uscc(code)
    assert caught.value.code == "area"


def test_real_codes_of_known_organisations_are_accepted():
    # 华为技术有限公司, 914403001922038216. By hand:
    #   organisation code 19220382: 1·3 + 9·7 + 2·9 + 2·10 + 0·5 + 3·8 + 8·4 + 2·2 = 164;
    #   164 mod 11 = 10; 11 − 10 = 1 → position 17 is "1".
    #   whole code, values × weights: 9·1 + 1·3 + 4·9 + 4·27 + 0·19 + 3·26 + 0·16 + 0·17
    #   + 1·20 + 9·29 + 2·25 + 2·13 + 0·8 + 3·24 + 8·10 + 2·30 + 1·28 = 831;
    #   831 mod 31 = 25; 31 − 25 = 6 → position 18 is "6".
    assert validate_uscc("914403001922038216") == "914403001922038216"
    # A Shanghai company registered by 上海市工商行政管理局 on 2016-01-11 with the letter
    # organisation code MA1FW1BX-X (listed publicly for 大众点评), 91310000MA1FW1BXX2. By hand:
    #   organisation code M A 1 F W 1 B X = 22 10 1 15 32 1 11 33:
    #   22·3 + 10·7 + 1·9 + 15·10 + 32·5 + 1·8 + 11·4 + 33·2 = 573; 573 mod 11 = 1;
    #   11 − 1 = 10 → "X".
    #   whole code, alphabet values 9 1 3 1 0 0 0 0 21 10 1 15 28 1 11 29 29 (M=21, A=10,
    #   F=15, W=28, B=11, X=29): 9·1 + 1·3 + 3·9 + 1·27 + 0 + 0 + 0 + 0 + 21·20 + 10·29
    #   + 1·25 + 15·13 + 28·8 + 1·24 + 11·10 + 29·30 + 29·28 = 3036; 3036 mod 31 = 29;
    #   31 − 29 = 2 → "2".
    assert validate_uscc("91310000MA1FW1BXX2") == "91310000MA1FW1BXX2"


def test_a_real_code_with_its_last_character_changed_is_rejected():
    with pytest.raises(InvalidIdentifier) as caught:
        validate_uscc("914403001922038217")
    assert caught.value.code == "check"
    assert "校验码" in str(caught.value) and "check character" in str(caught.value)
