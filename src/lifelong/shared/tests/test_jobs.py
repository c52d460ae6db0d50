"""The reusable "start a job, watch its progress, download its result" pattern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django_tasks import task

from lifelong.shared import clock
from lifelong.shared.errors import Conflict, Invalid
from lifelong.shared.jobs import finish_job, report_progress, run_job, start_job
from lifelong.shared.models import AuditEntry, Job


def _work(job: Job) -> None:
    report_progress(job.pk, 1, 2, "半程 / halfway")
    finish_job(
        job.pk,
        content=job.params["text"].encode(),
        name="result.txt",
        content_type="text/plain",
        keep_days=job.params.get("keep_days"),
    )


@task()
def write_text(job_id: str) -> None:
    run_job(job_id, _work)


def _refuse(job: Job) -> None:
    raise Invalid("第3行身份证号有误 / Row 3: bad ID number")


@task()
def refuse_input(job_id: str) -> None:
    run_job(job_id, _refuse)


def _crash(job: Job) -> None:
    raise RuntimeError("disk on fire")


@task()
def crash(job_id: str) -> None:
    run_job(job_id, _crash)


@pytest.fixture(autouse=True)
def immediate_tasks_private_memory(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def _owner(username: str) -> str:
    return str(get_user_model().objects.get(username=username).pk)


def test_task_is_enqueued_only_when_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_job(
            kind="test.write", owner_id=_owner("citizen"), params={"text": "你好"}, task=write_text
        )
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.started_at is not None and job.finished_at is not None


def test_owner_watches_the_job_and_downloads_its_result(
    as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            kind="test.write",
            owner_id=_owner("citizen"),
            params={"text": "学习 lifelong"},
            task=write_text,
        )
    client = as_user("citizen")
    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert body == {
        "id": str(job.pk),
        "kind": "test.write",
        "status": "succeeded",
        "done": 2,
        "total": 2,
        "percent": 100,
        "message": "已完成，可以下载 / Finished: ready to download",
        "result_url": f"/api/v1/jobs/{job.pk}/result",
    }
    response = client.get(body["result_url"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="result.txt"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode() == "学习 lifelong"


def test_another_user_gets_404_for_the_job_and_its_result(
    as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            kind="test.write", owner_id=_owner("citizen"), params={"text": "私密"}, task=write_text
        )
    other = as_user("senior_citizen")
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    response = other.get(f"/api/v1/jobs/{job.pk}/result")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_result_of_an_unfinished_job_is_409(as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(
            kind="test.write", owner_id=_owner("citizen"), params={"text": "x"}, task=write_text
        )
    client = as_user("citizen")
    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert (body["status"], body["percent"], body["result_url"]) == ("queued", 0, None)
    response = client.get(f"/api/v1/jobs/{job.pk}/result")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_progress_shows_while_the_job_runs(as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(
            kind="test.write", owner_id=_owner("citizen"), params={"text": "x"}, task=write_text
        )
    report_progress(job.pk, 3, 4, "第3批 / batch 3")
    body = as_user("citizen").get(f"/api/v1/jobs/{job.pk}").json()
    assert (body["status"], body["done"], body["total"], body["percent"]) == ("running", 3, 4, 75)
    assert body["message"] == "第3批 / batch 3"


def test_domain_error_fails_the_job_with_its_message(as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            kind="test.refuse", owner_id=_owner("citizen"), params={}, task=refuse_input
        )
    client = as_user("citizen")
    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "failed"
    assert body["message"] == "第3行身份证号有误 / Row 3: bad ID number"
    assert body["result_url"] is None
    assert client.get(f"/api/v1/jobs/{job.pk}/result").status_code == 409


def test_crash_fails_the_job_without_showing_internals(as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="test.crash", owner_id=_owner("citizen"), params={}, task=crash)
    body = as_user("citizen").get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "failed"
    assert "disk on fire" not in body["message"]
    assert body["message"].startswith("任务失败")


def test_finished_job_refuses_further_progress(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            kind="test.write", owner_id=_owner("citizen"), params={"text": "x"}, task=write_text
        )
    with pytest.raises(Conflict):
        report_progress(job.pk, 1, 2)
    with pytest.raises(ValueError):
        report_progress(job.pk, 3, 2)


def test_result_past_its_keeping_time_is_gone(
    as_user, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            kind="test.write",
            owner_id=_owner("citizen"),
            params={"text": "x", "keep_days": 1},
            task=write_text,
        )
    client = as_user("citizen")
    assert client.get(f"/api/v1/jobs/{job.pk}/result").status_code == 200
    later = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.get(f"/api/v1/jobs/{job.pk}/result")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "result_expired"


def test_each_download_is_audited(as_user, django_capture_on_commit_callbacks):
    owner = _owner("citizen")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="test.write", owner_id=owner, params={"text": "x"}, task=write_text)
    client = as_user("citizen")
    client.get(f"/api/v1/jobs/{job.pk}/result")
    client.get(f"/api/v1/jobs/{job.pk}/result")
    downloads = AuditEntry.objects.filter(action="job.result_download", object_id=str(job.pk))
    assert downloads.count() == 2
    assert {e.actor_id for e in downloads} == {owner}
