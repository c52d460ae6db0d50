"""The credit bank in a real Chromium against a real server (gunicorn and a task worker): the
demo citizen opens her archive, downloads her 学分证明 PDF, and the verification link printed
in it (the one its QR code encodes) opens a page that verifies the transcript; enterprise HR
uploads a file with bad rows, watches the job finish and downloads the error report; axe-core
finds no serious or critical violation on the archive, verification and import pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from pathlib import Path

import pytest

from lifelong.credit_bank.importing.columns import COLUMNS
from lifelong.credit_bank.importing.reports import REPORT_HEADER
from lifelong.shared.ids import ric_check_character

pytestmark = pytest.mark.browser

VERIFICATION_URL = re.compile(r"https?://[^\s/]+/credentials/[0-9a-f-]{36}/")
# A module of the transcript's QR code: a 3-point square drawn in the page's content stream.
QR_MODULE = re.compile(rb"([\d.]+) ([\d.]+) 3 3 re")
ELDER = {"ll_elder": "1", "ll_text": "xlarge"}


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill("lifelong-demo")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/me/")


def _id_number(seq: str, *, valid: bool = True) -> str:
    first17 = "310104" + "19900315" + seq
    check = ric_check_character(first17)
    return first17 + (check if valid else ("0" if check != "0" else "1"))


def _drawn_qr(pdf_page) -> set[tuple[int, int]]:
    """The dark modules of the QR code drawn on a PDF page, as (row, column)."""
    squares = [
        (float(x), float(y)) for x, y in QR_MODULE.findall(pdf_page.get_contents().get_data())
    ]
    assert squares, "no QR code drawn on the page"
    left, top = min(x for x, _ in squares), max(y for _, y in squares)
    return {(round((top - y) / 3), round((x - left) / 3)) for x, y in squares}


def _read_transcript(path: Path) -> tuple[str, str]:
    """(text, verification URL) of the downloaded PDF. The URL is the one printed under the
    QR code; the QR code drawn on the page must be exactly the QR code of that URL."""
    from pypdf import PdfReader

    from lifelong.credit_bank.credentials.transcript_pdf import qr_matrix

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    [url] = set(VERIFICATION_URL.findall(text))
    encoded = {(r, c) for r, row in enumerate(qr_matrix(url)) for c, dark in enumerate(row) if dark}
    assert _drawn_qr(reader.pages[-1]) == encoded
    return text, url


def test_citizen_downloads_her_transcript_and_its_qr_link_verifies(browser_page):
    page = browser_page("/")
    _sign_in(page, "citizen")
    page.goto("/credit-bank/")
    assert page.get_by_role("heading", level=1).inner_text() == "我的学习档案"
    timeline = page.locator(".cb-timeline").inner_text()
    assert "计算机应用基础" in timeline
    assert "养老护理员（四级）" in timeline  # deposited by the Zhejiang credit bank

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载学分证明").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text, url = _read_transcript(Path(download.path()))

    assert "学分证明" in text and "计算机应用基础" in text and "合计学分" in text
    # The printed address names the site's public URL; the test server runs elsewhere, so
    # the same path is opened on it, by a visitor who is not signed in.
    verifier = browser_page(url[url.index("/credentials/") :])
    assert verifier.get_by_role("heading", level=1).inner_text() == "学分证明（综合学习记录）"
    assert "有效" in verifier.locator(".credential-status").inner_text()
    verifier.get_by_role("button", name="验证此凭证的签名与状态").click()
    result = verifier.locator(".verify-result")
    result.wait_for()
    assert "ok" in result.get_attribute("class").split()
    assert "验证通过" in result.inner_text()


def _template_uscc(path: Path) -> str:
    from openpyxl import load_workbook

    # The download is saved without its file name, which openpyxl would look at.
    workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    for row in workbook["填写说明"].iter_rows(values_only=True):
        if str(row[0] or "").startswith("本单位统一社会信用代码"):
            return str(row[2])
    raise AssertionError("the template names no USCC for a signed-in enterprise")


def _training_file(uscc: str) -> bytes:
    """Three good rows and two bad ones: row 3 has a wrong ID check character, row 5 a
    standard the enterprise may not certify."""
    run = uuid.uuid4().hex[:8]
    rows = [
        (f"BR-{run}-1", "赵一", _id_number("101"), "ET-AQSC", "95"),
        (f"BR-{run}-2", "钱二", _id_number("102", valid=False), "ET-AQSC", "90"),
        (f"BR-{run}-3", "孙三", _id_number("103"), "ET-SZBG", "88"),
        (f"BR-{run}-4", "李四", _id_number("104"), "VC-YYY-4", "80"),
        (f"BR-{run}-5", "周五", _id_number("105"), "ET-KHFW", "85"),
    ]
    day = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in COLUMNS])
    for external_id, name, number, standard, score in rows:
        writer.writerow([external_id, name, number, uscc, standard, day, score, "16", ""])
    return buffer.getvalue().encode("utf-8")


def test_enterprise_hr_imports_a_file_with_errors_and_downloads_the_report(browser_page):
    page = browser_page("/")
    _sign_in(page, "enterprise_hr")
    page.goto("/credit-bank/imports/")
    with page.expect_download() as template:
        page.get_by_role("link", name="下载 Excel 模板").click()
    uscc = _template_uscc(Path(template.value.path()))

    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(
        files=[{"name": "培训记录.csv", "mimeType": "text/csv", "buffer": _training_file(uscc)}]
    )
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url(re.compile(r".*/credit-bank/imports/[0-9a-f-]{36}/$"))
    # The background worker runs the job; htmx polls the progress until the report appears.
    report_link = page.get_by_role("link", name="CSV", exact=True)
    report_link.wait_for(timeout=60_000)

    counts = dict(
        zip(
            page.locator(".cb-counts dt").all_inner_texts(),
            page.locator(".cb-counts dd").all_inner_texts(),
            strict=True,
        )
    )
    assert (counts["总行数"], counts["已导入"], counts["错误行"]) == ("5", "3", "2")
    with page.expect_download() as download_info:
        report_link.click()
    content = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    report = list(csv.reader(io.StringIO(content)))
    assert tuple(report[0]) == REPORT_HEADER
    assert [(row, column) for row, column, _ in report[1:]] == [
        ("3", "身份证号 / id_number"),
        ("5", "认证标准代码 / standard_code"),
    ]
    assert "校验码" in report[1][2] and "check character" in report[1][2]


@pytest.mark.parametrize("cookies", [{}, ELDER], ids=["standard", "elder"])
def test_archive_and_verification_pages_have_no_serious_violations(
    browser_page, axe_check, cookies
):
    page = browser_page("/", for_axe=True, cookies=cookies)
    _sign_in(page, "citizen")
    page.goto("/credit-bank/")
    axe_check(page, "archive")

    page.get_by_role("link", name="查看可验证学分证书").first.click()
    page.wait_for_url(re.compile(r".*/credentials/[0-9a-f-]{36}/$"))
    axe_check(page, "credential page")
    page.get_by_role("button", name="验证此凭证的签名与状态").click()
    page.locator(".verify-result").wait_for()
    axe_check(page, "credential page with the verification result")


@pytest.mark.parametrize("cookies", [{}, ELDER], ids=["standard", "elder"])
def test_import_pages_have_no_serious_violations(browser_page, axe_check, cookies):
    page = browser_page("/", for_axe=True, cookies=cookies)
    _sign_in(page, "enterprise_hr")
    page.goto("/credit-bank/imports/")
    axe_check(page, "imports")

    page.get_by_role("link", name="demo-training-records.csv").click()
    page.wait_for_url(re.compile(r".*/credit-bank/imports/[0-9a-f-]{36}/$"))
    axe_check(page, "import progress")
