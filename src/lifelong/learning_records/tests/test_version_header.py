"""Every request to the Statements resource names a 1.0.x version in
`X-Experience-API-Version`; others are refused with 400 (Part 3, 3.3)."""

from __future__ import annotations

import pytest

from lifelong.learning_records.tests.xapi import Xapi, statement


def test_a_request_without_the_version_header_is_refused(db):
    response = Xapi(version="").get()
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]["message"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_a_write_without_the_version_header_stores_nothing(db):
    item = statement()
    assert Xapi(version="").post(item).status_code == 400
    assert Xapi().statement(item["id"]).status_code == 404


@pytest.mark.parametrize("version", ["0.9", "0.95", "1.1.0", "2.0.0", "1.0.x", "latest"])
def test_versions_other_than_1_0_x_are_refused(db, version):
    assert Xapi(version=version).get().status_code == 400


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.1", "1.0.3", "1.0.9"])
def test_1_0_and_every_1_0_patch_version_are_accepted(db, version):
    assert Xapi(version=version).get().status_code == 200
