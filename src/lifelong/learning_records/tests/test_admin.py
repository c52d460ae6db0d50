"""The back office: superusers register LRS clients (the secret is stored hashed and works at
once over Basic auth); staff of other roles see neither clients nor statements."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from lifelong.learning_records.models import LrsClient
from lifelong.learning_records.tests.xapi import Xapi
from lifelong.shared.models import AuditEntry


def _superuser_client() -> Client:
    user = get_user_model().objects.create_superuser("lrs-admin", password="a-long-password-1")
    browser = Client()
    browser.force_login(user)
    return browser


def test_a_superuser_registers_a_client_whose_secret_works(db):
    browser = _superuser_client()
    response = browser.post(
        "/admin/learning_records/lrsclient/add/",
        {
            "key": "museum-app",
            "name": "上海博物馆导览",
            "scope": "read write",
            "active": "on",
            "new_secret": "museum-secret-123",
        },
    )
    assert response.status_code == 302, response.content
    client = LrsClient.objects.get(key="museum-app")
    assert "museum-secret-123" not in client.secret_hash
    assert client.authority["account"]["name"] == "museum-app"
    assert Xapi(key="museum-app", secret="museum-secret-123").get().status_code == 200
    assert AuditEntry.objects.filter(
        action="learning_records.client_registered", object_id="museum-app"
    ).exists()


def test_a_new_client_needs_a_secret(db):
    browser = _superuser_client()
    response = browser.post(
        "/admin/learning_records/lrsclient/add/",
        {"key": "no-secret", "name": "x", "scope": "read", "active": "on"},
    )
    assert response.status_code == 200
    assert not LrsClient.objects.filter(key="no-secret").exists()


def test_staff_without_superuser_rights_do_not_see_the_store(db):
    user = get_user_model().objects.get(username="commission_officer")
    browser = Client()
    browser.force_login(user)
    assert browser.get("/admin/learning_records/lrsclient/").status_code in (302, 403)
    assert browser.get("/admin/learning_records/statement/").status_code in (302, 403)
