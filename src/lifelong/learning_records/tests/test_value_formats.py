"""The value formats statements use (Part 2, section 4), as properties: timestamps with a
zone round-trip to the same instant, durations of the ISO 8601 form are accepted and others
refused, language tags follow RFC 5646's token lengths, extensions never judge their values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.learning_records.tests.xapi import statement
from lifelong.learning_records.validation import (
    StatementInvalid,
    format_timestamp,
    parse_timestamp,
    validate_statement,
)
from lifelong.learning_records.validation.primitives import (
    is_language_tag,
    require_duration,
)

moments = st.datetimes(
    min_value=dt.datetime(1970, 1, 1),
    max_value=dt.datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [
            dt.UTC,
            dt.timezone(dt.timedelta(hours=8)),
            dt.timezone(dt.timedelta(hours=-5, minutes=-30)),
        ]
    ),
)


@settings(max_examples=60)
@given(moments)
def test_a_timestamp_with_a_zone_parses_to_its_instant(moment):
    assert parse_timestamp(moment.isoformat()) == moment
    assert parse_timestamp(format_timestamp(moment)) == moment


@settings(max_examples=60)
@given(moments)
def test_a_timestamp_without_a_zone_is_refused(moment):
    assert parse_timestamp(moment.replace(tzinfo=None).isoformat()) is None


numbers = st.integers(min_value=0, max_value=9999).map(str)


@settings(max_examples=60)
@given(
    st.lists(st.sampled_from("YMD"), unique=True).map(sorted),
    st.lists(st.sampled_from("HMS"), unique=True),
    numbers,
)
def test_iso_8601_durations_are_accepted(date_parts, time_parts, n):
    order = {"Y": 0, "M": 1, "D": 2, "H": 3, "S": 5}
    date = "".join(n + p for p in sorted(date_parts, key=order.get))
    clock = "".join(n + p for p in sorted(time_parts, key=lambda p: "HMS".index(p)))
    text = "P" + date + ("T" + clock if clock else "")
    if text == "P":
        with pytest.raises(StatementInvalid):
            require_duration(text, "d")
    else:
        assert require_duration(text, "d") == text


@pytest.mark.parametrize("text", ["PT", "P", "1H", "PT1.5H30M", "P4W1D", "P0003-00-00", "pt1h"])
def test_malformed_durations_are_refused(text):
    with pytest.raises(StatementInvalid):
        require_duration(text, "d")


@pytest.mark.parametrize(
    "tag", ["zh", "zh-CN", "zh-Hans-CN", "en-US", "es-419", "de-CH-1996", "x-private", "i-klingon"]
)
def test_rfc_5646_tags_are_language_tags(tag):
    assert is_language_tag(tag)


@pytest.mark.parametrize("tag", ["", "english!", "en_US", "a", "zh-", "toolonglang1", "en--US"])
def test_other_strings_are_not_language_tags(tag):
    assert not is_language_tag(tag)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=40)
@given(json_values)
def test_extension_values_are_never_judged(value):
    item = statement(result={"extensions": {"https://lifelong.sh.cn/xapi/extensions/x": value}})
    validate_statement(item)
