""" "Download my data" from "my page": starting the export, watching its progress (htmx asks
for the fragment every 2 s until the job has finished) and downloading the ZIP, which only
the person who asked for it can do."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from lifelong.portal.tests.markup import page
from lifelong.shared.models import AuditEntry, Job

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def tasks_and_private_files_in_memory(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def _start(client, capture, *, run: bool) -> str:
    """POST the export button; with `run`, the task runs when the request's transaction
    commits (as the worker would pick it up), else the job stays queued. Returns the job's
    progress page."""
    with capture(execute=run):
        response = client.post("/me/export/")
    assert response.status_code == 302, response.content
    return response["Location"]


def _zip(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_finished_export_offers_the_zip_to_its_owner(
    client, sign_in, django_capture_on_commit_callbacks
):
    sign_in("citizen")

    progress_url = _start(client, django_capture_on_commit_callbacks, run=True)
    html = page(client.get(progress_url))
    link = html.one("a", id="export-download")
    download = client.get(link.get("href"))

    assert progress_url.startswith("/me/export/")
    progress = html.one("div", id="export-progress")
    assert progress.get("data-status") == "succeeded"
    assert progress.get("hx-trigger") is None
    assert html.one("dd", class_="export-status").text == "已完成"
    assert html.one("progress").get("value") == "100"
    assert html.one("label", for_="export-bar").text == "进度"
    assert link.get("href") == f"{progress_url}download/"
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="lifelong-data-')
    assert "no-cache" in download["Cache-Control"]
    profile = json.loads(_zip(download)["profile.json"])
    assert profile["name"] == "王晓明"
    assert AuditEntry.objects.filter(action="job.result_download").count() == 1


def test_a_running_export_polls_every_two_seconds_for_its_fragment(
    client, sign_in, django_capture_on_commit_callbacks
):
    sign_in("citizen")
    progress_url = _start(client, django_capture_on_commit_callbacks, run=False)

    full = client.get(progress_url)
    fragment = client.get(progress_url, **HX)

    html = page(full)
    poller = html.one("div", id="export-progress")
    assert poller.get("hx-get") == progress_url
    assert poller.get("hx-trigger") == "every 2s"
    assert poller.get("hx-swap") == "outerHTML"
    assert poller.parent.get("aria-live") == "polite"
    assert html.one("dd", class_="export-status").text == "排队中"
    assert html.one("progress").get("value") == "0"
    assert html.find_all("a", id="export-download") == []
    assert "no-cache" in full["Cache-Control"]
    assert "HX-Request" in full["Vary"]
    assert fragment.content.lstrip().startswith(b'<div id="export-progress"')
    assert b"<html" not in fragment.content
    assert page(fragment).one("div", id="export-progress").get("hx-trigger") == "every 2s"


def test_progress_shows_how_far_the_job_has_got(
    client, sign_in, django_capture_on_commit_callbacks
):
    from lifelong.shared.jobs import report_progress

    sign_in("citizen")
    progress_url = _start(client, django_capture_on_commit_callbacks, run=False)
    job_id = progress_url.split("/")[3]
    report_progress(job_id, 3, 7, "正在整理 proxies.json / Collecting proxies.json")

    html = page(client.get(progress_url, **HX))

    assert html.one("dd", class_="export-status").text == "进行中"
    assert html.one("progress").get("value") == "42"
    assert html.one("span", class_="percent").text == "42%"
    assert html.one("p", lang="zh-CN").text == "正在整理 proxies.json"


def test_downloading_before_the_end_returns_to_the_progress_page(
    client, sign_in, django_capture_on_commit_callbacks
):
    sign_in("citizen")
    progress_url = _start(client, django_capture_on_commit_callbacks, run=False)

    response = client.get(f"{progress_url}download/")

    assert response.status_code == 302
    assert response["Location"] == progress_url


def test_another_user_gets_404_for_the_progress_page_and_the_download(
    client, sign_in, django_capture_on_commit_callbacks
):
    sign_in("citizen")
    progress_url = _start(client, django_capture_on_commit_callbacks, run=True)
    client.post("/logout/")
    sign_in("parent")

    assert client.get(progress_url).status_code == 404
    assert client.get(progress_url, **HX).status_code == 404
    assert client.get(f"{progress_url}download/").status_code == 404
    assert not AuditEntry.objects.filter(action="job.result_download").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(
    client, sign_in, django_capture_on_commit_callbacks
):
    sign_in("citizen")
    progress_url = _start(client, django_capture_on_commit_callbacks, run=True)
    client.post("/logout/")

    response = client.get(f"{progress_url}download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_own_jobs_of_another_kind_are_not_shown_here(client, sign_in, django_user_model):
    sign_in("citizen")
    citizen = django_user_model.objects.get(username="citizen")
    other = Job.objects.create(kind="catalog.import", owner_id=str(citizen.pk))

    assert client.get(f"/me/export/{other.pk}/").status_code == 404
    assert client.get(f"/me/export/{other.pk}/download/").status_code == 404


def test_an_unverified_account_cannot_start_an_export(client, sign_in):
    sign_in("teacher")

    response = client.post("/me/export/")

    assert response["Location"] == "/me/#export-title"
    alert = page(client.get("/me/")).one(role="alert").text
    assert "只有完成实名核验" in alert and "Only verified accounts" in alert
    assert not Job.objects.filter(kind="identity.data_export").exists()


def test_starting_an_export_needs_post(client, sign_in):
    sign_in("citizen")

    assert client.get("/me/export/").status_code == 405


def test_polling_after_the_session_ended_loads_the_login_page_as_a_page(
    client, sign_in, django_capture_on_commit_callbacks
):
    sign_in("citizen")
    progress_url = _start(client, django_capture_on_commit_callbacks, run=False)
    client.post("/logout/")

    polled = client.get(progress_url, **HX)
    opened = client.get(progress_url)

    assert polled.status_code == 204
    assert polled["HX-Redirect"] == f"/login/?next={progress_url}"
    assert opened.status_code == 302
    assert opened["Location"] == f"/login/?next={progress_url}"
