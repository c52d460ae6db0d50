"""Enterprise HR upload a file (`POST /api/v1/credit-bank/imports`, multipart `file`,
`dry_run`): checked at once, then imported by a background job whose progress and counts
`GET /api/v1/credit-bank/imports/{id}` shows."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from lifelong.credit_bank.models import Outcome
from lifelong.credit_bank.tests.helpers import HEADER, csv_bytes, row, run_upload, upload

pytestmark = pytest.mark.usefixtures("immediate_jobs")


def test_a_good_file_is_imported_in_the_background_with_progress_and_counts(
    as_user, django_capture_on_commit_callbacks
):
    hr = as_user("enterprise_hr")
    content = csv_bytes([row("UP-1"), row("UP-2", standard="ET-SZBG"), row("UP-3")])
    status = run_upload(hr, django_capture_on_commit_callbacks, content)
    assert status["status"] == "succeeded"
    assert status["progress"] == 100
    assert status["counts"] == {
        "total": 3,
        "processed": 3,
        "valid": 3,
        "imported": 3,
        "duplicates": 0,
        "invalid": 0,
        "batches_committed": 1,
    }
    assert status["error_report"].endswith("/errors.csv")
    imported = Outcome.objects.filter(external_id__in=["UP-1", "UP-2", "UP-3"])
    assert {o.status for o in imported} == {"certified"}
    assert all(o.credential_id for o in imported)
    assert {o.source_kind for o in imported} == {"enterprise_import"}


def test_the_shared_job_endpoint_shows_the_same_job(as_user, django_capture_on_commit_callbacks):
    hr = as_user("enterprise_hr")
    status = run_upload(hr, django_capture_on_commit_callbacks, csv_bytes([row("UP-J")]))
    job = hr.get(f"/api/v1/jobs/{status['job_id']}").json()
    assert job["status"] == "succeeded"
    assert job["kind"] == "credit_bank.import"


def test_an_excel_file_is_imported_like_a_csv(as_user, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row("XL-1"))
    values = row("XL-2", standard="ET-JYSC")
    values[6] = 88.5  # a number cell
    sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    status = run_upload(
        as_user("enterprise_hr"), django_capture_on_commit_callbacks, buffer.getvalue(), "r.xlsx"
    )
    assert status["counts"]["imported"] == 2, status
    assert str(Outcome.objects.get(external_id="XL-2").score) == "88.50"


def test_the_template_has_the_columns_an_upload_needs(as_user):
    response = as_user("enterprise_hr").client.get(
        "/api/v1/credit-bank/import-template.xlsx",
        HTTP_AUTHORIZATION=f"Bearer {as_user('enterprise_hr').token}",
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = [c.value for c in workbook["导入数据"][1]]
    assert header == HEADER
    notes = [r[2] for r in workbook["填写说明"].iter_rows(values_only=True)]
    assert "ET-AQSC" in {r[0] for r in workbook["填写说明"].iter_rows(values_only=True)}
    assert any(n and "身份证" in str(n) for n in notes)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("records.txt", b"a,b\n", "仅支持"),
        ("records.xlsx", b"external_id,name\n1,2\n", "不是 Excel"),
        ("records.csv", b"PK\x03\x04binary", "不是文本"),
        ("records.csv", b"\x00\x01\x02", "不是文本"),
        ("records.csv", "外部记录编号,姓名\n1,张三\n".encode(), "缺少必填列"),
        ("records.csv", b"", "为空"),
    ],
)
def test_bad_files_are_refused_at_once_with_422(as_user, name, content, reason):
    response = upload(as_user("enterprise_hr"), content, name)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_file"
    assert reason in error["message"]
    assert "file" in error["fields"]


def test_a_file_over_the_size_limit_is_refused(as_user, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = upload(as_user("enterprise_hr"), csv_bytes([row("BIG-1"), row("BIG-2")]))
    assert response.status_code == 422
    assert "上限" in response.json()["error"]["message"]


def test_a_gb18030_csv_saved_by_excel_is_read(as_user, django_capture_on_commit_callbacks):
    content = csv_bytes([row("GB-1", name="欧阳娜娜")]).decode("utf-8").encode("gb18030")
    status = run_upload(as_user("enterprise_hr"), django_capture_on_commit_callbacks, content)
    assert status["counts"]["imported"] == 1, status
    assert Outcome.objects.get(external_id="GB-1").archive.person.name == "欧阳娜娜"


def test_only_enterprise_hr_may_upload(as_user):
    for username in ("citizen", "institution_staff", "district_officer"):
        response = upload(as_user(username), csv_bytes([row("NO-1")]))
        assert response.status_code == 403, username


def test_a_missing_file_is_a_422(as_user):
    hr = as_user("enterprise_hr")
    response = hr.client.post(
        "/api/v1/credit-bank/imports", {}, HTTP_AUTHORIZATION=f"Bearer {hr.token}"
    )
    assert response.status_code == 422
