"""The value formats statements use (Part 2, section 4), as properties: timestamps with a
zone round-trip to the same instant, durations of the ISO 8601 form are accepted and others
refused, language tags follow RFC 5646's token lengths, extensions never judge their values."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.learning_records import services
from lifelong.learning_records.tests.xapi import statement
from lifelong.learning_records.validation import (
    StatementInvalid,
    format_timestamp,
    parse_timestamp,
    primitives,
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


# Timestamps as clients write them, right and wrong: the quick reading of the common forms
# must agree with the reading of every form, on every combination of these parts.
TIMESTAMP_PARTS = (
    ["2026-05-01", "2024-02-29", "2026-02-29", "0000-01-01", "9999-12-31", "２０２６-05-01"],
    ["T", "t", " "],
    ["08:00:00", "23:59:59", "24:00:00", "08:60:00", "08:00:60", "8:00:00"],
    ["", ".5", ".123456", ".1234567", ",5", "."],
    ["Z", "z", "+08:00", "-05:30", "+0800", "+08", "-00:00", "+00:00", "+23:59", "+24:00"]
    + ["+05:75", "+5:00", "-00:30", "", "\n", "Z\n"],
)


def test_the_common_timestamp_forms_read_as_every_form_does():
    for parts in itertools.product(*TIMESTAMP_PARTS):
        text = "".join(parts)
        assert parse_timestamp(text) == primitives._parse_any_timestamp(text), text


def test_stored_times_run_on_across_a_second():
    start = dt.datetime(2026, 5, 1, 8, 0, 59, 999_950, tzinfo=dt.UTC)
    for first, count in ((start, 100), (start.replace(microsecond=10), 100)):
        expected = [format_timestamp(first + dt.timedelta(microseconds=i)) for i in range(count)]
        assert services._stored_texts(first, count) == expected
    assert services._stored_texts(start, 100)[50] == "2026-05-01T08:01:00.000000Z"
