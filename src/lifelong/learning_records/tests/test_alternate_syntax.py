"""The alternate request syntax (Part 3, 1.3): a form POST with `?method=…` whose form holds
the headers, the parameters and the content. The store must support it (1.3.s3.b15)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.test import Client

from lifelong.learning_records.tests.xapi import DEMO_KEY, DEMO_SECRET, Xapi, basic, statement

FORM = "application/x-www-form-urlencoded"


def _form_post(method: str, form: dict, query: str = ""):
    return Client().post(
        f"/xapi/statements?method={method}{query}", urlencode(form), content_type=FORM
    )


def _credentials() -> dict:
    return {"Authorization": basic(DEMO_KEY, DEMO_SECRET), "X-Experience-API-Version": "1.0.3"}


def test_a_statement_can_be_put_through_a_form(db):
    item = statement()
    response = _form_post(
        "PUT",
        {
            **_credentials(),
            "Content-Type": "application/json",
            "statementId": item["id"],
            "content": json.dumps(item),
        },
    )
    assert response.status_code == 204
    assert Xapi().statement(item["id"]).status_code == 200


def test_statements_can_be_posted_through_a_form(db):
    item = statement()
    response = _form_post(
        "POST", {**_credentials(), "Content-Type": "application/json", "content": json.dumps(item)}
    )
    assert response.status_code == 200
    assert response.json() == [item["id"]]


def test_statements_can_be_queried_through_a_form(db):
    item = statement()
    Xapi().store(item)
    response = _form_post("GET", {**_credentials(), "statementId": item["id"]})
    assert response.status_code == 200
    assert response.json()["id"] == item["id"]


def test_headers_in_the_form_are_checked_like_headers(db):
    response = _form_post("GET", {"Authorization": basic(DEMO_KEY, DEMO_SECRET), "limit": "1"})
    assert response.status_code == 400  # no version
    response = _form_post("GET", {"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401


def test_other_query_parameters_beside_method_are_refused(db):
    response = _form_post("GET", _credentials(), query="&limit=1")
    assert response.status_code == 400


def test_a_multipart_form_is_not_the_alternate_syntax(db):
    response = Client().post("/xapi/statements?method=GET", _credentials())
    assert response.status_code == 400


def test_the_alternate_syntax_needs_a_form_body(db):
    response = Client().post(
        "/xapi/statements?method=GET",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(DEMO_KEY, DEMO_SECRET),
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 400


def test_form_content_is_json_unless_the_form_says_otherwise(db):
    item = statement()
    response = _form_post("POST", {**_credentials(), "content": json.dumps(item)})
    assert response.status_code == 200


def test_the_version_may_come_as_a_real_header(db):
    item = statement()
    response = Client().post(
        "/xapi/statements?method=GET",
        urlencode({"Authorization": basic(DEMO_KEY, DEMO_SECRET), "statementId": item["id"]}),
        content_type=FORM,
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 404  # authenticated and versioned: the statement is unknown
