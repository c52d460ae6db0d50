"""PUT /xapi/statements?statementId=… stores one statement under that id and answers 204
(Part 3, 2.1.1)."""

from __future__ import annotations

from lifelong.learning_records.tests.xapi import Xapi, statement


def test_put_stores_the_statement_under_statement_id(db):
    xapi = Xapi()
    item = statement(id=None)
    other = statement()["id"]
    response = xapi.put(item, other)
    assert response.status_code == 204
    assert response.content == b""
    assert xapi.statement(other).json()["id"] == other


def test_put_with_the_same_id_in_the_statement_is_accepted(db):
    item = statement()
    assert Xapi().put(item, item["id"]).status_code == 204


def test_put_without_statement_id_is_refused(db):
    xapi = Xapi()
    item = statement()
    assert xapi.put(item, None).status_code == 400
    assert xapi.statement(item["id"]).status_code == 404


def test_put_whose_statement_names_another_id_is_refused(db):
    item = statement()
    assert Xapi().put(item, statement()["id"]).status_code == 400


def test_put_with_a_malformed_statement_id_is_refused(db):
    assert Xapi().put(statement(id=None), "not-a-uuid").status_code == 400


def test_put_takes_one_statement_not_a_batch(db):
    item = statement()
    assert Xapi().put([item], item["id"]).status_code == 400


def test_put_takes_no_other_parameters(db):
    item = statement()
    response = Xapi().client.put(
        f"/xapi/statements?statementId={item['id']}&verb=x",
        item,
        content_type="application/json",
        **Xapi().headers,
    )
    assert response.status_code == 400
