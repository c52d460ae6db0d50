"""Bodies of common statements read in one typed pass (validation.typed) are a shortcut, never
a second judge: whatever it accepts, orjson reads, the one-pass check (validation.fast) and
the full check accept, with the same facts and the same normalisation, and the store keeps
JSON-equal text; everything else goes the usual way, which explains every refusal."""

from __future__ import annotations

import copy
import json
import uuid

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.learning_records import services
from lifelong.learning_records.models import Statement
from lifelong.learning_records.tests.test_one_pass_validation import statements, valid_shaped
from lifelong.learning_records.tests.xapi import (
    BASE,
    VOIDED,
    Xapi,
    content_statement,
    statement,
)
from lifelong.learning_records.validation import Facts, StatementInvalid, parse_json
from lifelong.learning_records.validation.fast import common_statement_facts
from lifelong.learning_records.validation.statements import check_statement
from lifelong.learning_records.validation.typed import (
    TypedStatements,
    read_statements,
    to_dict,
)

STORED = "2026-05-01T00:00:00.000001Z"
AUTHORITY = b',"authority":' + orjson.dumps(services.authority_for("k", "n")) + b"}"
EXTENSION = "https://lifelong.sh.cn/xapi/extensions/x"


def _facts(facts: Facts) -> dict:
    return {name: getattr(facts, name) for name in Facts.__slots__}


def _exact(payload: bytes) -> str:
    """The payload as parsed JSON, in a form where 85 and 85.0 differ."""
    return json.dumps(orjson.loads(payload), sort_keys=True, ensure_ascii=False)


def _agree(body: bytes) -> TypedStatements | None:
    """Read `body` the typed way; if it is accepted, check it against the usual way."""
    checked = read_statements(body)
    if checked is None:
        return None
    document = parse_json(body)  # the usual reader takes it too
    items = [document] if checked.single else document
    assert isinstance(items, list) and isinstance(document, dict) == checked.single
    assert len(items) == len(checked.statements) == len(checked.facts)
    for raw, typed_statement, facts in zip(items, checked.statements, checked.facts, strict=True):
        usual = copy.deepcopy(raw)
        fast = common_statement_facts(usual)
        assert fast is not None, "the typed pass accepted what the one-pass check refuses"
        try:
            full = check_statement(copy.deepcopy(raw))
        except StatementInvalid:  # pragma: no cover - reported as a failure
            pytest.fail("the typed pass accepted a statement the full check refuses")
        assert _facts(facts) == _facts(fast) == _facts(full)
        assert to_dict(typed_statement) == usual  # normalised alike
        statement_id = usual.get("id") or str(uuid.uuid4())
        stored_usual = services._payload(
            services._Prepared(usual, fast, statement_id), STORED, AUTHORITY
        )
        stored_typed = services._payload(
            services._Prepared(None, facts, statement_id, typed_statement), STORED, AUTHORITY
        )
        assert _exact(stored_typed) == _exact(stored_usual)
    return checked


def _body(value: object, *, ascii_only: bool = False) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")


@settings(max_examples=500, deadline=None)
@given(statements(), st.booleans(), st.booleans())
def test_the_typed_pass_accepts_only_what_the_usual_way_accepts(raw, as_batch, ascii_only):
    _agree(_body([raw] if as_batch else raw, ascii_only=ascii_only))


@settings(max_examples=150, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=4))
def test_a_batch_is_typed_only_when_every_statement_is(batch):
    checked = _agree(_body(batch))
    if checked is not None:
        assert all(common_statement_facts(copy.deepcopy(item)) for item in batch)


@settings(max_examples=200, deadline=None)
@given(valid_shaped)
def test_common_statements_the_one_pass_check_accepts_take_the_typed_pass(raw):
    accepted = common_statement_facts(copy.deepcopy(raw)) is not None
    assert (_agree(_body([raw])) is not None) == accepted


BENCH_LIKE = content_statement()
del BENCH_LIKE["result"]["success"]
BENCH_LIKE["result"]["score"]["max"] = 100.0
BENCH_LIKE["result"]["extensions"] = {EXTENSION: [1, 2.5, None, {"a": "b"}]}


def test_common_statements_are_normalised_like_the_usual_way():
    checked = _agree(_body([BENCH_LIKE, statement(), copy.deepcopy(BASE)]))
    assert checked is not None and not checked.single
    first = checked.statements[0]
    assert first.id == BENCH_LIKE["id"].lower()
    assert checked.facts[0].registration == BENCH_LIKE["context"]["registration"].lower()
    parents = to_dict(first)["context"]["contextActivities"]["parent"]
    assert parents == [BENCH_LIKE["context"]["contextActivities"]["parent"]]
    # the registration itself is stored as sent, as the usual way stores it
    assert to_dict(first)["context"]["registration"] == BENCH_LIKE["context"]["registration"]


def test_one_statement_object_is_read_as_single():
    checked = _agree(_body(BENCH_LIKE))
    assert checked is not None and checked.single


def test_scores_keep_integers_and_floats_as_sent():
    checked = _agree(_body([BENCH_LIKE]))
    assert checked is not None
    payload = services._payload(
        services._Prepared(None, checked.facts[0], "x", checked.statements[0]), STORED, AUTHORITY
    )
    assert b'"raw":85,' in payload and b'"max":100.0' in payload and b'"scaled":0.85' in payload


@pytest.mark.parametrize(
    "body",
    [
        b"\xef\xbb\xbf" + _body([BENCH_LIKE]),  # a byte order mark: the usual way drops it
        _body([BENCH_LIKE]).replace(b'"PT12M30S"', b'"PT12M30S\\ud800"'),  # lone surrogate
        _body([BENCH_LIKE]).replace(b"0.85", b"NaN"),
        _body([BENCH_LIKE]).replace(b"0.85", b"1e400"),
        _body([BENCH_LIKE]).replace(b"[1, 2.5", b"[1e400, 2.5"),
        _body([BENCH_LIKE]).replace(b"[1, 2.5", b"[12345678901234567890123, 2.5"),
        _body([BENCH_LIKE]).replace(b"[1, 2.5", b"[" + b"[" * 1030 + b"]" * 1030 + b", 2.5"),
        _body([BENCH_LIKE])[:-2],  # truncated
        _body([BENCH_LIKE]).replace(b"]", b",]"),
        b"[]",
        b'"a statement"',
        _body([BENCH_LIKE | {"stored": STORED}]),
        _body([BENCH_LIKE | {"authority": {"mbox": "mailto:a@example.com"}}]),
        _body([BENCH_LIKE | {"attachments": []}]),
        _body([BENCH_LIKE | {"verb": {"id": VOIDED}}]),
        _body([BENCH_LIKE | {"actor": {"objectType": "Group", "member": []}}]),
        _body([BENCH_LIKE | {"object": {"objectType": "SubStatement", **statement()}}]),
        _body([BENCH_LIKE | {"object": {"objectType": "StatementRef", "id": str(uuid.uuid4())}}]),
        _body([BENCH_LIKE | {"actor": {"mbox": "mailto:a@e.com", "openid": "http://e.com/o"}}]),
        _body([BENCH_LIKE | {"version": "1.1.0"}]),
        _body([BENCH_LIKE | {"timestamp": "2026-05-01T08:00:00-00:00"}]),
        _body([BENCH_LIKE | {"id": "not-a-uuid"}]),
        _body([BENCH_LIKE | {"result": {"score": {"scaled": True}}}]),
        _body([BENCH_LIKE | {"result": {"score": {"min": 5, "max": 5}}}]),
        _body([BENCH_LIKE | {"result": {"success": None}}]),
        _body([BENCH_LIKE | {"context": {"language": "english!"}}]),
        _body([BENCH_LIKE | {"verb": {"id": "http://e.com/v", "display": {"english!": "x"}}}]),
    ],
    ids=[
        "byte order mark",
        "lone surrogate",
        "NaN",
        "1e400 score",
        "1e400 in an extension",
        "integer beyond 64 bits",
        "nesting past the readers' limits",
        "truncated",
        "trailing comma",
        "empty batch",
        "not an object",
        "stored",
        "authority",
        "attachments",
        "voiding verb",
        "group actor",
        "sub-statement",
        "statement reference",
        "two identifiers",
        "version 1.1.0",
        "offset -00:00",
        "bad id",
        "boolean score",
        "min equal to max",
        "null",
        "bad language",
        "bad display tag",
    ],
)
def test_other_bodies_go_the_usual_way(body):
    assert read_statements(body) is None


def test_duplicate_keys_read_like_the_usual_way():
    """orjson and msgspec both keep the last of repeated keys."""
    text = _body([BENCH_LIKE]).decode()
    twice = text.replace('"verb": {', '"verb": {"id": "http://e.com/first", ')
    twice = twice.replace('"completion": true', '"completion": false, "completion": true')
    checked = _agree(twice.encode())
    assert checked is not None
    assert checked.facts[0].verb_id == BENCH_LIKE["verb"]["id"]
    # a repeated key whose first value is of the wrong type: the usual way decides
    wrong_first = text.replace('"completion": true', '"completion": 1, "completion": true')
    assert read_statements(wrong_first.encode()) is None
    assert common_statement_facts(parse_json(wrong_first.encode())[0]) is not None


def test_a_typed_batch_is_stored_and_returned_like_the_usual_way(db):
    xapi = Xapi()
    item = copy.deepcopy(BENCH_LIKE) | {"id": str(uuid.uuid4()).upper()}
    usual = statement(result={"response": "x"}) | {"attachments": []}  # never typed
    assert read_statements(_body([item])) is not None
    assert read_statements(_body([usual])) is None
    ids = xapi.store(item, usual)
    assert ids[0] == item["id"].lower()
    for statement_id in ids:
        payload = json.loads(Statement.objects.get(pk=statement_id).payload)
        assert payload["authority"]["account"]["name"] == "demo-lrs"
        assert payload["version"] == "1.0.0"
    kept = xapi.statement(ids[0]).json()
    assert kept["result"]["score"] == {"scaled": 0.85, "raw": 85, "min": 0, "max": 100.0}
    assert kept["context"]["contextActivities"]["parent"] == [
        BENCH_LIKE["context"]["contextActivities"]["parent"]
    ]
    # the same statement again changes nothing; other content under its id is a conflict
    assert xapi.post(_body([item])).status_code == 200
    other = copy.deepcopy(item)
    other["result"]["completion"] = False
    assert xapi.post(_body([other])).status_code == 409


def test_a_typed_batch_with_a_repeated_id_is_refused_like_the_usual_way(db):
    first = copy.deepcopy(BENCH_LIKE)
    second = copy.deepcopy(BENCH_LIKE) | {"id": BENCH_LIKE["id"].lower()}
    assert read_statements(_body([first, second])) is not None
    response = Xapi().post(_body([first, second]))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "statements[1].id": "two statements of the batch share an id"
    }


def test_put_of_a_typed_statement_checks_its_id(db):
    xapi = Xapi()
    item = copy.deepcopy(BENCH_LIKE) | {"id": str(uuid.uuid4()).upper()}
    assert read_statements(_body(item)) is not None
    mismatch = xapi.put(_body(item), str(uuid.uuid4()))
    assert mismatch.status_code == 400
    assert mismatch.json()["error"]["fields"] == {"statement.id": "does not match statementId"}
    assert xapi.put(_body(item), item["id"]).status_code == 204
    assert Statement.objects.filter(pk=item["id"].lower()).exists()
    without_id = {k: v for k, v in BENCH_LIKE.items() if k != "id"}
    new_id = str(uuid.uuid4())
    assert xapi.put(_body(without_id), new_id).status_code == 204
    assert json.loads(Statement.objects.get(pk=new_id).payload)["id"] == new_id
    batch = xapi.put(_body([without_id]), str(uuid.uuid4()))
    assert batch.status_code == 400
    assert batch.json()["error"]["code"] == "bad_request"
