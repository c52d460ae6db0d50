"""HTTP Basic credentials of a registered, active LRS client: none or wrong ones are 401 with
a challenge; a client acting beyond its scope is 403 (Part 3, 3.2 and 4.0)."""

from __future__ import annotations

import pytest

from lifelong.learning_records import services
from lifelong.learning_records.models import LrsClient, Statement
from lifelong.learning_records.tests.xapi import Xapi, basic, statement


def _client(key: str, scope: str, secret: str = "a-long-test-secret") -> Xapi:
    services.register_client(key=key, name=key, secret=secret, scope=scope)
    return Xapi(key=key, secret=secret)


def test_no_credentials_is_401_with_a_basic_challenge(db):
    anonymous = Xapi()
    del anonymous.headers["HTTP_AUTHORIZATION"]
    response = anonymous.get()
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize(
    "authorization",
    [
        basic("demo-lrs", "wrong-secret"),
        basic("no-such-client", "lifelong-demo"),
        basic("demo-lrs", ""),
        "Basic not-base64!",
        "Bearer some-token",
        "Basic " + "ZGVtby1scnM=",  # "demo-lrs" without a colon
    ],
)
def test_wrong_or_malformed_credentials_are_401(db, authorization):
    response = Xapi().get(HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_a_deactivated_client_is_refused(db):
    xapi = _client("retired-system", LrsClient.Scope.READ_WRITE)
    assert xapi.get().status_code == 200
    LrsClient.objects.filter(key="retired-system").update(active=False)
    assert xapi.get().status_code == 401


def test_a_changed_secret_stops_the_old_one_at_once(db):
    xapi = _client("rotating-system", LrsClient.Scope.READ_WRITE)
    assert xapi.get().status_code == 200
    client = LrsClient.objects.get(key="rotating-system")
    client.secret_hash = services.make_password("the-new-long-secret")
    client.save()
    assert xapi.get().status_code == 401
    assert Xapi(key="rotating-system", secret="the-new-long-secret").get().status_code == 200


def test_a_read_only_client_may_not_post_statements(db):
    reader = _client("dashboard", LrsClient.Scope.READ)
    item = statement()
    response = reader.post(item)
    assert response.status_code == 403
    assert not Statement.objects.filter(pk=item["id"]).exists()


def test_a_read_only_client_may_not_put_statements(db):
    reader = _client("dashboard", LrsClient.Scope.READ)
    item = statement()
    assert reader.put(item, item["id"]).status_code == 403


def test_a_read_only_client_may_read(db):
    reader = _client("dashboard", LrsClient.Scope.READ)
    assert reader.get().status_code == 200


def test_a_write_only_client_may_not_read(db):
    writer = _client("sensor", LrsClient.Scope.WRITE)
    item = statement()
    assert writer.post(item).status_code == 200
    assert writer.get().status_code == 403
    assert writer.statement(item["id"]).status_code == 403
