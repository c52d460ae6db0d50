"""Row validation of imports: bad rows are reported (row, column, reason, in Chinese and
English) and good rows kept; `all_or_nothing` imports nothing if any row is bad; a dry run
imports nothing at all."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from lifelong.credit_bank.models import ImportRowError, Outcome
from lifelong.credit_bank.tests.helpers import csv_bytes, id_number, make_uscc, row, run_upload

pytestmark = pytest.mark.usefixtures("immediate_jobs")


def _bad_check_character() -> str:
    number = id_number("310104", "19880808")
    return number[:17] + ("0" if number[17] != "0" else "1")


def _mixed_file() -> bytes:
    tomorrow = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    return csv_bytes(
        [
            row("MX-1"),  # row 2: good
            row("MX-2", number=_bad_check_character()),  # row 3
            row("MX-3", uscc=make_uscc("MA1QQ9K3")),  # row 4: another enterprise's USCC
            row("MX-4", standard="VC-YYY-4"),  # row 5: not authorised for this enterprise
            row("MX-5", standard="NOPE-1"),  # row 6: no such standard
            row("MX-6", achieved_on=tomorrow),  # row 7
            row("MX-7", achieved_on="2023/13/45"),  # row 8
            row("MX-8", score="101"),  # row 9
            row("MX-1"),  # row 10: same external id as row 2
            row("MX-9", standard="ET-SZBG"),  # row 11: good
            row("", name=""),  # row 12: two required cells empty
        ]
    )


def _report(client, status) -> list[list[str]]:
    response = client.client.get(
        status["error_report"], HTTP_AUTHORIZATION=f"Bearer {client.token}"
    )
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads the UTF-8 correctly
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_bad_rows_are_reported_by_row_column_and_reason_and_good_rows_kept(
    as_user, django_capture_on_commit_callbacks
):
    hr = as_user("enterprise_hr")
    status = run_upload(hr, django_capture_on_commit_callbacks, _mixed_file())
    assert status["counts"]["imported"] == 2
    assert status["counts"]["invalid"] == 9
    assert set(
        Outcome.objects.filter(external_id__startswith="MX-").values_list("external_id", flat=True)
    ) == {"MX-1", "MX-9"}

    report = _report(hr, status)
    assert report[0] == ["行号 / row", "列 / column", "原因 / reason"]
    by_row = {}
    for number, column, reason in report[1:]:
        by_row.setdefault(int(number), []).append((column, reason))
    assert by_row[3] == [
        (
            "身份证号 / id_number",
            "身份证号校验码错误，请核对是否输错 / The ID number's check character is wrong",
        )
    ]
    assert by_row[4][0][0] == "企业统一社会信用代码 / enterprise_uscc"
    assert "不一致" in by_row[4][0][1]
    assert by_row[5][0][0] == "认证标准代码 / standard_code"
    assert by_row[6][0][0] == "认证标准代码 / standard_code"
    assert "晚于今天" in by_row[7][0][1]
    assert "YYYY-MM-DD" in by_row[8][0][1]
    assert by_row[9][0][0] == "成绩 / score"
    assert "第2行" in by_row[10][0][1]
    assert {c for c, _ in by_row[12]} == {"外部记录编号 / external_id", "姓名 / name"}
    assert all(" / " in reason for _, reason in sum(by_row.values(), []))


def test_the_error_report_is_also_an_excel_file(as_user, django_capture_on_commit_callbacks):
    hr = as_user("enterprise_hr")
    status = run_upload(hr, django_capture_on_commit_callbacks, _mixed_file())
    response = hr.client.get(status["error_report_xlsx"], HTTP_AUTHORIZATION=f"Bearer {hr.token}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号 / row", "列 / column", "原因 / reason")
    assert len(rows) - 1 == ImportRowError.objects.filter(job_id=status["id"]).count()


def test_with_all_or_nothing_one_bad_row_imports_nothing(
    as_user, django_capture_on_commit_callbacks
):
    hr = as_user("enterprise_hr")
    status = run_upload(hr, django_capture_on_commit_callbacks, _mixed_file(), all_or_nothing=True)
    assert status["status"] == "succeeded"
    assert status["counts"]["imported"] == 0
    assert status["counts"]["invalid"] == 9
    assert not Outcome.objects.filter(external_id__startswith="MX-").exists()
    assert "nothing was imported" in status["message"]


def test_with_all_or_nothing_a_clean_file_is_imported(as_user, django_capture_on_commit_callbacks):
    content = csv_bytes([row("AN-1"), row("AN-2")])
    status = run_upload(
        as_user("enterprise_hr"), django_capture_on_commit_callbacks, content, all_or_nothing=True
    )
    assert (status["counts"]["imported"], status["counts"]["processed"]) == (2, 2)


def test_a_dry_run_validates_and_counts_but_imports_nothing(
    as_user, django_capture_on_commit_callbacks
):
    hr = as_user("enterprise_hr")
    status = run_upload(hr, django_capture_on_commit_callbacks, _mixed_file(), dry_run=True)
    assert status["dry_run"] is True
    assert status["counts"]["imported"] == 0
    assert status["counts"]["valid"] == 2
    assert status["counts"]["invalid"] == 9
    assert not Outcome.objects.filter(external_id__startswith="MX-").exists()
    assert len(_report(hr, status)) > 1


def test_a_dry_run_counts_rows_already_imported_as_duplicates(
    as_user, django_capture_on_commit_callbacks
):
    hr = as_user("enterprise_hr")
    content = csv_bytes([row("DR-1"), row("DR-2")])
    run_upload(hr, django_capture_on_commit_callbacks, content)
    status = run_upload(hr, django_capture_on_commit_callbacks, content, dry_run=True)
    assert (status["counts"]["duplicates"], status["counts"]["imported"]) == (2, 0)


def test_an_old_abolished_area_code_is_a_valid_id_number(
    as_user, django_capture_on_commit_callbacks
):
    content = csv_bytes([row("ZB-1", number=id_number("310108", "19500505"))])  # 闸北区
    status = run_upload(as_user("enterprise_hr"), django_capture_on_commit_callbacks, content)
    assert status["counts"]["imported"] == 1, status
