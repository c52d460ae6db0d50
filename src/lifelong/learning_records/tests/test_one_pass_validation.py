"""The one-pass check of common statements (validation.fast) is a shortcut, never a second
judge: it accepts only statements the full check accepts, reports the same facts, normalises
them the same way, and leaves every other statement untouched for the full check to explain.
Statements are drawn near the common shape, with wrong values, types and properties mixed in."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.learning_records.tests.test_invalid_statements import INVALID, VALID
from lifelong.learning_records.tests.xapi import BASE, VOIDED, Xapi, content_statement, statement
from lifelong.learning_records.validation import Facts, StatementInvalid
from lifelong.learning_records.validation.fast import common_statement_facts
from lifelong.learning_records.validation.statements import check_statement

# Valid values of each kind, in the forms clients send.
iri = st.sampled_from(
    [
        "http://adlnet.gov/expapi/verbs/completed",
        "https://lifelong.sh.cn/xapi/activities/catalog/resources/7",
        "urn:lifelong:course:1",
        "https://e.com/a/中文",
    ]
)
irl = st.sampled_from(["https://lifelong.sh.cn", "http://e.com/home"])
text = st.one_of(st.text(max_size=4), st.sampled_from(["徐汇学员", "Ada"]))
language_map = st.dictionaries(st.sampled_from(["zh-CN", "en-US", "en", "x-private"]), text)
uuid_text = st.one_of(st.uuids().map(str), st.uuids().map(lambda u: str(u).upper()))
timestamp = st.sampled_from(
    [
        "2026-05-01T08:00:00.000+08:00",
        "2026-05-01T08:00:00Z",
        "2026-05-01T08:00:00.5-05:30",
        "2026-05-01T08:00:00.123456789Z",
        "2026-05-01t08:00:00z",
        "2026-05-01T08:00:00,5+0800",
    ]
)
duration = st.sampled_from(["PT12M30S", "PT1.5S", "P1DT2H", "P4W"])
number = st.one_of(st.integers(-5, 200), st.floats(-1, 1), st.floats(-200, 200))
extensions = st.dictionaries(st.just("http://e.com/x"), st.one_of(st.none(), text), max_size=1)
agent = st.one_of(
    st.fixed_dictionaries(
        {"account": st.fixed_dictionaries({"homePage": irl, "name": text})},
        optional={"objectType": st.just("Agent"), "name": text},
    ),
    st.fixed_dictionaries(
        {"mbox": st.just("mailto:learner@example.com")}, optional={"objectType": st.just("Agent")}
    ),
    st.fixed_dictionaries({"mbox_sha1sum": st.just("A" * 40)}),
    st.fixed_dictionaries({"openid": iri}),
)
definition = st.fixed_dictionaries(
    {},
    optional={
        "name": language_map,
        "description": language_map,
        "type": iri,
        "moreInfo": irl,
        "extensions": extensions,
    },
)
activity = st.fixed_dictionaries(
    {"id": iri}, optional={"objectType": st.just("Activity"), "definition": definition}
)
context = st.fixed_dictionaries(
    {},
    optional={
        "registration": uuid_text,
        "contextActivities": st.fixed_dictionaries(
            {},
            optional={
                "parent": st.one_of(st.lists(activity, max_size=2), activity),
                "grouping": st.lists(activity, max_size=1),
                "category": activity,
                "other": st.lists(activity, max_size=1),
            },
        ),
        "platform": text,
        "revision": text,
        "language": st.sampled_from(["zh-CN", "en"]),
        "extensions": extensions,
    },
)
result = st.fixed_dictionaries(
    {},
    optional={
        "score": st.fixed_dictionaries(
            {}, optional={"scaled": number, "raw": number, "min": number, "max": number}
        ),
        "success": st.booleans(),
        "completion": st.booleans(),
        "response": text,
        "duration": duration,
        "extensions": extensions,
    },
)
valid_shaped = st.fixed_dictionaries(
    {
        "actor": agent,
        "verb": st.fixed_dictionaries({"id": iri}, optional={"display": language_map}),
        "object": activity,
    },
    optional={
        "id": uuid_text,
        "result": result,
        "context": context,
        "timestamp": timestamp,
        "version": st.sampled_from(["1.0.0", "1.0.3"]),
    },
)
# What may replace a value or join an object: other types, nulls, and values one step from
# valid.
wrong = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(),  # NaN and the infinities among them
    st.text(max_size=3),
    st.just({}),
    st.just([]),
    st.just([None]),
    st.sampled_from(
        [
            "completed",
            "http://e.com/a b",
            "http://e.com/v\n",
            "lifelong.sh.cn",
            "english!",
            "12345",
            "2026-05-01T08:00:00-00:00",
            "2026-02-30T08:00:00Z",
            "2026-05-01T08:00:00+05:75",
            "2026-05-01T08:00:00",
            "PT",
            "P1.5DT2H",
            "1.1.0",
            "Group",
            "Agent",
            "StatementRef",
            "choice",
            VOIDED,
            "mailto:other@example.com",
            "a@example.com",
        ]
    ),
    st.uuids().map(lambda u: f"{u}\n"),
    activity,
    agent,
)
# Properties that may join an object: unknown ones, ones other objects have, and a second
# identifier for an agent.
additions = st.one_of(
    st.tuples(st.sampled_from(["extra", "Id", "objectType", "scaled", "display"]), wrong),
    st.sampled_from(
        [
            ("mbox", "mailto:other@example.com"),
            ("openid", "http://openid.example.com/a"),
            ("account", {"homePage": "https://lifelong.sh.cn", "name": "p-1"}),
            ("mbox_sha1sum", "b" * 40),
            ("objectType", "Group"),
            ("member", [{"mbox": "mailto:m@example.com"}]),
            ("stored", "2026-05-01T08:00:00Z"),
            ("authority", {"mbox": "mailto:a@example.com"}),
            ("attachments", []),
            ("instructor", {"mbox": "mailto:i@example.com"}),
            ("statement", {"objectType": "StatementRef", "id": str(uuid.UUID(int=1))}),
            ("interactionType", "choice"),
            ("choices", [{"id": "a"}]),
            ("correctResponsesPattern", ["a"]),
        ]
    ),
)


def _places(value, found):
    """Every (object or array, key or index) inside a statement, depth first."""
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            _places(item, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            _places(item, found)
    return found


@st.composite
def statements(draw):
    """A statement of the common shape with up to three faults: a value replaced, a property
    added or a property removed."""
    raw = draw(valid_shaped)
    for _ in range(draw(st.integers(0, 3))):
        places = _places(raw, [])
        holder, key = places[draw(st.integers(0, len(places) - 1))]
        change = draw(st.sampled_from(["replace", "replace", "add", "remove"]))
        if change == "replace":
            holder[key] = copy.deepcopy(draw(wrong))
        elif change == "add":
            objects = [raw] + [h[k] for h, k in places if isinstance(h[k], dict)]
            target = objects[draw(st.integers(0, len(objects) - 1))]
            name, value = draw(additions)
            target[name] = copy.deepcopy(value)
        elif isinstance(holder, dict):
            del holder[key]
    return raw


def _facts(facts: Facts) -> dict:
    return {name: getattr(facts, name) for name in Facts.__slots__}


def _judge(raw: dict) -> tuple[Facts | None, dict, Facts | None, dict]:
    fast_copy, full_copy = copy.deepcopy(raw), copy.deepcopy(raw)
    fast = common_statement_facts(fast_copy)
    try:
        full = check_statement(full_copy)
    except StatementInvalid:
        full = None
    return fast, fast_copy, full, full_copy


@settings(max_examples=1000, deadline=None)
@given(statements())
def test_the_one_pass_check_accepts_only_what_the_full_check_accepts(raw):
    fast, fast_copy, full, full_copy = _judge(raw)
    if fast is None:
        assert fast_copy == raw  # untouched: the full check sees the statement as it came
        return
    assert full is not None, "the one-pass check accepted a statement the full check refuses"
    assert _facts(fast) == _facts(full)
    assert fast_copy == full_copy  # normalised alike


def test_common_statements_take_the_one_pass_check():
    bench_like = content_statement()
    bench_like["result"]["duration"] = "PT12M30.5S"
    bench_like["context"]["registration"] = bench_like["context"]["registration"].lower()
    bench_like["version"] = "1.0.3"
    for raw in (bench_like, statement(), copy.deepcopy(BASE)):
        fast, fast_copy, full, full_copy = _judge(raw)
        assert fast is not None and full is not None
        assert _facts(fast) == _facts(full)
        assert fast_copy == full_copy
    # the single parent became an array of one, the id lowercase, as the full check does
    fast_copy = _judge(bench_like)[1]
    assert isinstance(fast_copy["context"]["contextActivities"]["parent"], list)
    assert fast_copy["id"] == bench_like["id"].lower()


# NaN and the infinities reach the store only from Python callers (api.record_statement).
NOT_NUMBERS = {
    f"raw score {value}": statement(result={"score": {"raw": value}})
    for value in (float("nan"), float("inf"), float("-inf"))
}
EDGE_CASES = {**INVALID, **VALID, **NOT_NUMBERS}


@pytest.mark.parametrize("item", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_the_one_pass_check_agrees_on_the_edge_cases(item):
    fast, fast_copy, full, full_copy = _judge(item)
    if full is None:
        assert fast is None and fast_copy == item
    elif fast is not None:
        assert _facts(fast) == _facts(full) and fast_copy == full_copy


def test_a_refused_statement_is_explained_by_the_full_check(db):
    item = statement(result={"score": {"scaled": 1.5}})
    response = Xapi().post(json.dumps([statement(), item]))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "statements[1].result.score.scaled": "must be between -1 and 1"
    }
