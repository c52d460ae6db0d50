"""The credit-bank pages: the learner's archive timeline, the enterprise import page with
progress and error reports, and the conversion application page."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifelong.credit_bank.models import Application, ImportJob
from lifelong.credit_bank.tests.helpers import csv_bytes, row, unverified_account, user


def _client(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def _no_inline_script_or_style(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


@pytest.mark.django_db
def test_the_archive_page_shows_totals_per_type_and_year_and_the_timeline():
    response = _client("citizen").get("/credit-bank/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "我的学习档案" in html
    assert "按成果类型" in html and "按年度" in html
    assert "计算机应用基础" in html and "育婴员（四级/中级工）" in html
    assert "/credentials/" in html  # each certified outcome links to its credential
    _no_inline_script_or_style(html)


@pytest.mark.django_db
def test_an_unverified_learner_is_told_to_verify_first():
    unverified_account("page_unverified")
    response = _client("page_unverified").get("/credit-bank/")
    assert response.status_code == 403
    assert "实名认证" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get("/credit-bank/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_enterprise_hr_land_on_the_import_page_with_the_template_and_history():
    client = _client("enterprise_hr")
    assert client.get("/credit-bank/")["Location"] == "/credit-bank/imports/"
    html = client.get("/credit-bank/imports/").content.decode()
    assert "培训成果集中导入" in html
    assert "/credit-bank/import-template.xlsx" in html
    assert "demo-training-records.csv" in html
    assert '<label for="import-file">' in html
    _no_inline_script_or_style(html)
    template = client.get("/credit-bank/import-template.xlsx")
    assert template.status_code == 200
    assert template.content.startswith(b"PK")


@pytest.mark.django_db
@pytest.mark.usefixtures("immediate_jobs")
def test_uploading_on_the_page_shows_progress_then_the_error_report_links(
    django_capture_on_commit_callbacks,
):
    client = _client("enterprise_hr")
    content = csv_bytes([row("PG-1"), row("PG-2", score="abc")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/credit-bank/imports/", {"file": SimpleUploadedFile("p.csv", content)}
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导入进度" in page
    assert "errors.xlsx" in page and "errors.csv" in page
    imported = ImportJob.objects.get(file_name="p.csv")
    report = client.get(f"/credit-bank/imports/{imported.pk}/errors.csv")
    assert report.status_code == 200
    assert "成绩 / score" in report.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_a_running_import_polls_its_progress_fragment():
    client = _client("enterprise_hr")
    client.post(
        "/credit-bank/imports/",
        {"file": SimpleUploadedFile("q.csv", csv_bytes([row("PQ-1")]))},
    )  # on-commit callbacks are not run: the job stays queued
    imported = ImportJob.objects.get(file_name="q.csv")
    fragment = client.get(f"/credit-bank/imports/{imported.pk}/progress/").content.decode()
    assert 'hx-get="/credit-bank/imports/' in fragment
    assert 'hx-trigger="every 2s"' in fragment


@pytest.mark.django_db
def test_a_bad_file_on_the_page_is_explained_next_to_the_field():
    client = _client("enterprise_hr")
    response = client.post(
        "/credit-bank/imports/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "仅支持 .csv 或 .xlsx 文件" in html


@pytest.mark.django_db
def test_another_enterprise_cannot_open_the_import_page_of_the_demo_import():
    imported = ImportJob.objects.filter(file_name="demo-training-records.csv").first()
    response = _client("institution_staff").get(f"/credit-bank/imports/{imported.pk}/")
    assert response.status_code in (403, 404)


@pytest.mark.django_db
def test_the_conversion_page_lists_programmes_and_applications_and_takes_an_application():
    client = _client("citizen")
    html = client.get("/credit-bank/conversions/").content.decode()
    assert "学前教育（专科）" in html
    assert "待人工审核" in html  # the demo application's item under review
    _no_inline_script_or_style(html)
    from lifelong.credit_bank.models import Outcome

    outcome = Outcome.objects.filter(
        archive__person__user__username="citizen", standard__code="SOU-11001"
    ).get()
    before = Application.objects.count()
    response = client.post(
        "/credit-bank/conversions/",
        {"programme_code": "SOU-ZK-LNFW", "outcome_ids": [str(outcome.pk)]},
    )
    assert response.status_code == 302
    assert Application.objects.count() == before + 1
    assert "老年服务与管理（专科）" in client.get("/credit-bank/conversions/").content.decode()
