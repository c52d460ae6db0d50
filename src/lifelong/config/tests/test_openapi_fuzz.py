"""Schemathesis fuzzes every operation of /api/v1 against the OpenAPI document the app itself
serves, in-process (WSGI, no network), inside the test transaction with the demo data. Each
operation is its own test item. The document is loaded when this module is collected (the
operations must be known to make the items); a document that fails to build becomes one
failing test here, not an error that stops the collection of the whole suite.

Bounded and repeatable: a fixed seed and derandomized Hypothesis. Each operation gets the
deterministic coverage cases (boundaries, wrong types, missing fields, a method it does not
offer) and then generated cases: 25 each while the API is small, fewer as it grows, so that all
operations together stay near a minute (about 10 ms a request on one core).

What must hold for every generated request:
- never a 5xx;
- a documented status answers with a body and content type that match the document;
- an operation that needs a token refuses the request without one, or with a bad one;
- a schema-violating request is refused;
- every 4xx is in the error shape `{"error": {"code", "message", "fields"}}`.

Two checks are off on purpose. Error statuses are documented once for the whole API (README,
ARCHITECTURE "Contracts"), not per operation, so `status_code_conformance` would flag every
401/404/422. And a schema cannot express check digits or scope, so a schema-valid resident ID
number that fails GB 11643 is rightly answered 422, which `positive_data_acceptance` would flag.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from lifelong.config.wsgi import application

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20200101,
        "generation": {
            # The token comes from the fixture below; generated Authorization values would
            # only replace it. `ignored_auth` still sends each request without and with a bad one.
            "with-security-parameters": False,
            # Unknown query parameters are ignored, as on most of the web; not a defect.
            "allow-extra-parameters": False,
        },
        "phases": {
            # One method no path offers shows the 405 shape; the other six would add nothing.
            "coverage": {"unexpected-methods": ["TRACE"]},
        },
        "checks": {
            "status_code_conformance": {"enabled": False},
            "positive_data_acceptance": {"enabled": False},
        },
    }
)
GENERATED_CASES_IN_ALL = 1000
GENERATED_CASES_PER_OPERATION = (5, 25)

try:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
    LOAD_ERROR = None
except schemathesis.errors.LoaderError as exc:
    schema = None
    LOAD_ERROR = exc


def generated_cases_per_operation() -> int:
    operations = sum(1 for _ in schema.get_all_operations()) if schema is not None else 1
    low, high = GENERATED_CASES_PER_OPERATION
    return max(low, min(high, GENERATED_CASES_IN_ALL // max(operations, 1)))


def error_shape(ctx, response, case):
    """Every 4xx answer of the JSON API is `{"error": {"code", "message", "fields"}}`."""
    if not 400 <= response.status_code < 500:
        return None
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), (
        f"{response.status_code} is not JSON: {response.content[:200]!r}"
    )
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, body
    assert isinstance(error["code"], str) and error["code"], body
    assert isinstance(error["message"], str) and error["message"], body
    assert isinstance(error["fields"], dict), body
    return None


@pytest.fixture
def staff_token(as_user) -> str:
    """A district officer (徐汇区) can reach the scoped operations, not only the public ones."""
    return as_user("district_officer").token


@pytest.fixture
def in_process_requests():
    """Requests reach Django through werkzeug's WSGI client, which, unlike Django's test
    client, lets request_started/finished close the connection; that would end the test
    transaction that holds the demo data. Do what Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@settings(
    max_examples=generated_cases_per_operation(),
    derandomize=True,
    database=None,
    deadline=None,
    # Function-scoped fixtures (the transaction, the token) are shared by the examples of one
    # operation on purpose; a slow first request is Django warming up, not a generation problem.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def survives_fuzzing(case, staff_token, in_process_requests):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {staff_token}"}, additional_checks=[error_shape]
    )


if schema is not None:
    test_api_operation_survives_fuzzing = schema.parametrize()(survives_fuzzing)
else:

    def test_api_operation_survives_fuzzing():
        pytest.fail(f"/api/v1/openapi.json cannot be loaded, so nothing was fuzzed: {LOAD_ERROR}")
