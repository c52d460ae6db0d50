""" "Download my data": a background job building a ZIP of everything held about a person."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from lifelong.identity.tests.factories import id_number
from lifelong.shared.models import AuditEntry, Notification

CITIZEN_ID = id_number("310104", "19850315", "003")  # 王晓明
CITIZEN_PHONE = "13800000001"
CHILD_ID = id_number("310104", "20150601", "024")  # 陈小雨


@pytest.fixture(autouse=True)
def immediate_tasks_private_memory(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def _export(client, capture, body=None) -> dict:
    with capture(execute=True):
        response = client.post("/api/v1/me/data-export", body or {})
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "identity.data_export"
    return response.json()


def _archive(client, job: dict) -> dict[str, bytes]:
    watched = client.get(f"/api/v1/jobs/{job['id']}").json()
    assert watched["status"] == "succeeded", watched
    response = client.get(watched["result_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_zip_holds_the_persons_data_and_no_clear_id_number(
    as_user, django_capture_on_commit_callbacks
):
    client = as_user("citizen")
    client.post("/api/v1/me/consents", {"purpose": "learning_records", "granted": True})
    files = _archive(client, _export(client, django_capture_on_commit_callbacks))
    assert set(files) == {
        "README.txt",
        "profile.json",
        "memberships.json",
        "consents.json",
        "proxies.json",
        "audit_log.json",
        "notifications.json",
    }
    profile = json.loads(files["profile.json"])
    assert profile["name"] == "王晓明"
    assert profile["id_number_masked"] == CITIZEN_ID[:3] + "*" * 11 + CITIZEN_ID[-4:]
    assert profile["phone_masked"] == "138****0001"
    assert [m["organisation"] for m in json.loads(files["memberships.json"])] == [
        "天平路街道社区学校"
    ]
    assert json.loads(files["consents.json"])[0]["purpose"] == "learning_records"
    actions = {e["action"] for e in json.loads(files["audit_log.json"])}
    assert {"consent.grant", "privacy.data_export_requested"} <= actions
    assert isinstance(json.loads(files["notifications.json"]), list)
    for content in files.values():
        assert CITIZEN_ID.encode() not in content
        assert CITIZEN_PHONE.encode() not in content


def test_progress_reaches_the_end_and_the_person_is_notified(
    as_user, django_capture_on_commit_callbacks
):
    client = as_user("citizen")
    job = _export(client, django_capture_on_commit_callbacks)
    watched = client.get(f"/api/v1/jobs/{job['id']}").json()
    assert watched["done"] == watched["total"] == 7 and watched["percent"] == 100
    person = client.get("/api/v1/me").json()["person_id"]
    notice = Notification.objects.get(recipient_id=person, template="data_export_ready")
    assert "个人数据" in notice.title


def test_a_second_export_contains_the_first_ones_notification(
    as_user, django_capture_on_commit_callbacks
):
    client = as_user("senior_citizen")
    _export(client, django_capture_on_commit_callbacks)
    files = _archive(client, _export(client, django_capture_on_commit_callbacks))
    assert [n["title"] for n in json.loads(files["notifications.json"])] == ["个人数据导出已完成"]


def test_unverified_account_may_not_export(as_user):
    response = as_user("teacher").post("/api/v1/me/data-export", {})
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "verification_required"
    assert "实名核验" in error["message"] and "verified" in error["message"]


def test_another_user_gets_404_for_the_export_job_and_result(
    as_user, django_capture_on_commit_callbacks
):
    job = _export(as_user("citizen"), django_capture_on_commit_callbacks)
    other = as_user("parent")
    assert other.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    assert other.get(f"/api/v1/jobs/{job['id']}/result").status_code == 404


def test_guardian_exports_the_childs_data(as_user, django_capture_on_commit_callbacks):
    parent = as_user("parent")
    [relation] = [
        p
        for p in parent.get("/api/v1/me/proxies").json()["as_agent"]
        if p["kind"] == "guardian_of_minor"
    ]
    child = relation["principal"]["id"]
    files = _archive(
        parent, _export(parent, django_capture_on_commit_callbacks, {"person_id": child})
    )
    profile = json.loads(files["profile.json"])
    assert profile["id"] == child and profile["name"] == "陈小雨"
    assert all(CHILD_ID.encode() not in content for content in files.values())
    [proxy] = json.loads(files["proxies.json"])
    assert (proxy["role"], proxy["agent"]) == ("principal", "陈立华")
    entry = AuditEntry.objects.get(action="privacy.data_export_requested", object_id=child)
    assert entry.on_behalf_of == child and entry.actor_label == "parent"


def test_no_one_exports_another_persons_data_without_a_relation(as_user):
    parent = as_user("parent")
    [relation] = [
        p
        for p in parent.get("/api/v1/me/proxies").json()["as_agent"]
        if p["kind"] == "guardian_of_minor"
    ]
    response = as_user("citizen").post(
        "/api/v1/me/data-export", {"person_id": relation["principal"]["id"]}
    )
    assert response.status_code == 404
