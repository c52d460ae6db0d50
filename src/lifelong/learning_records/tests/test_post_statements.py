"""POST /xapi/statements stores one statement or a batch and answers the ids in order
(Part 3, 2.1.2); a batch is all or nothing (3.2.s3.b9)."""

from __future__ import annotations

import uuid

from lifelong.learning_records.models import Statement
from lifelong.learning_records.tests.xapi import Xapi, statement


def test_a_single_statement_is_stored_and_its_id_returned(db):
    xapi = Xapi()
    item = statement()
    response = xapi.post(item)
    assert response.status_code == 200
    assert response.json() == [item["id"]]
    assert xapi.statement(item["id"]).json()["object"]["id"] == item["object"]["id"]


def test_a_batch_answers_the_ids_in_the_order_sent(db):
    items = [statement() for _ in range(5)]
    assert Xapi().store(*items) == [i["id"] for i in items]


def test_the_store_generates_an_id_when_none_is_sent(db):
    xapi = Xapi()
    (generated,) = xapi.store(statement(id=None))
    assert str(uuid.UUID(generated)) == generated
    assert xapi.statement(generated).json()["id"] == generated


def test_an_uppercase_id_is_stored_in_its_standard_lowercase_form(db):
    xapi = Xapi()
    item = statement()
    item["id"] = item["id"].upper()
    assert xapi.store(item) == [item["id"].lower()]


def test_one_invalid_statement_rejects_the_whole_batch(db):
    good, bad = statement(), statement(verb={"id": "not an iri"})
    response = Xapi().post([good, bad])
    assert response.status_code == 400
    assert "statements[1].verb.id" in response.json()["error"]["message"]
    assert not Statement.objects.filter(pk=good["id"]).exists()


def test_two_statements_with_one_id_in_a_batch_are_refused(db):
    item = statement()
    twin = statement(id=item["id"], verb={"id": "http://example.com/verbs/other"})
    assert Xapi().post([item, twin]).status_code == 400
    assert not Statement.objects.filter(pk=item["id"]).exists()


def test_an_empty_batch_is_refused(db):
    assert Xapi().post([]).status_code == 400


def test_post_takes_no_parameters(db):
    xapi = Xapi()
    item = statement()
    response = xapi.post(item, path=f"/xapi/statements?statementId={item['id']}")
    assert response.status_code == 400


def test_a_body_that_is_not_json_is_refused(db):
    assert Xapi().post("{not json").status_code == 400


def test_nan_is_not_json(db):
    body = Xapi().post(
        '{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://e.com/v"},'
        '"object":{"id":"http://e.com/a"},"result":{"score":{"raw":NaN}}}'
    )
    assert body.status_code == 400


def test_a_body_that_is_neither_statement_nor_array_is_refused(db):
    assert Xapi().post('"a string"').status_code == 400


def test_other_content_types_are_refused(db):
    assert Xapi().post(statement(), content_type="text/plain").status_code == 400


def test_a_batch_over_the_limit_is_413(db, monkeypatch):
    from lifelong.learning_records import services

    monkeypatch.setattr(services, "MAX_BATCH", 3)
    assert Xapi().post([statement() for _ in range(4)]).status_code == 413
