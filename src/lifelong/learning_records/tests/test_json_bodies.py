"""Request bodies are strict UTF-8 JSON (RFC 8259): what is not, or what could not be stored
and returned as JSON, is a 400 — never a 500 — and what is, is kept exactly, big integers in
extensions included."""

from __future__ import annotations

import json

import pytest

from lifelong.learning_records.models import Statement
from lifelong.learning_records.tests.xapi import Xapi, statement

EXTENSION = "https://lifelong.sh.cn/xapi/extensions/x"


def _with_extension(value_text: str) -> tuple[dict, bytes]:
    item = statement(result={"extensions": {EXTENSION: 0}})
    body = json.dumps(item, ensure_ascii=False).replace(
        f'"{EXTENSION}": 0', f'"{EXTENSION}": {value_text}'
    )
    assert value_text in body
    return item, body.encode("utf-8")


def test_an_integer_beyond_64_bits_is_kept_exactly(db):
    xapi = Xapi()
    big = "123456789012345678901234567890"
    item, body = _with_extension(big)
    assert xapi.post(body).status_code == 200
    payload = Statement.objects.get(pk=item["id"]).payload
    assert f'"{EXTENSION}":{big}' in payload
    kept = xapi.statement(item["id"]).json()
    assert kept["result"]["extensions"][EXTENSION] == int(big)


@pytest.mark.parametrize(
    "value_text",
    [
        "1e400",  # beyond a double: it would be stored as Infinity, which is not JSON
        '"\\ud800"',  # a lone surrogate has no UTF-8 form
        "NaN",
        "[" * 5000 + "]" * 5000,  # nested past any reader's limit
        "12345678901234567890123, 1e999",  # the same with a long integer in the document
    ],
    ids=["huge number", "lone surrogate", "NaN", "deep nesting", "long integer and 1e999"],
)
def test_json_that_cannot_be_kept_is_400(db, value_text):
    item, body = _with_extension(value_text)
    response = Xapi().post(body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "bad_request"
    assert not Statement.objects.filter(pk=item["id"]).exists()


def test_a_body_not_in_utf_8_is_400(db):
    item = statement(actor={"objectType": "Agent", "name": "Zoë", "mbox": "mailto:z@e.com"})
    body = json.dumps(item).replace("Zo\\u00eb", "Zoë").encode("latin-1")
    assert b"Zo\xeb" in body
    response = Xapi().post(body)
    assert response.status_code == 400


def test_a_leading_byte_order_mark_is_ignored(db):
    item = statement()
    response = Xapi().post(b"\xef\xbb\xbf" + json.dumps([item]).encode())
    assert response.status_code == 200
    assert response.json() == [item["id"]]


def test_non_ascii_text_is_stored_as_it_came(db):
    item = statement(result={"response": '太极拳 "入门"\n\\ tab\t'})
    xapi = Xapi()
    xapi.store(item)
    assert xapi.statement(item["id"]).json()["result"]["response"] == item["result"]["response"]
    assert "太极拳" in Statement.objects.get(pk=item["id"]).payload
