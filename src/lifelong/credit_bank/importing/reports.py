"""The downloadable error report (CSV and Excel, columns 行号/row, 列/column, 原因/reason)
and the Excel template enterprises fill in."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lifelong.credit_bank.importing.columns import COLUMNS
from lifelong.credit_bank.importing.reader import EXCEL_MAX_ROWS

REPORT_HEADER = ("行号 / row", "列 / column", "原因 / reason")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def error_report_csv(errors: Iterable[tuple[int, str, str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REPORT_HEADER)
    writer.writerows(errors)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def error_report_xlsx(errors: Iterable[tuple[int, str, str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误报告 Errors")
    sheet.append(list(REPORT_HEADER))
    written = 1
    for error in errors:
        if written >= EXCEL_MAX_ROWS - 1:
            sheet.append(
                ["", "", "错误过多，完整清单请下载 CSV 版 / Too many errors: download the CSV"]
            )
            break
        sheet.append(list(error))
        written += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx(*, uscc: str = "", standards: Iterable[tuple[str, str]] = ()) -> bytes:
    """The import template: the header row, an example row, text-formatted ID and code
    columns (so Excel keeps all 18 characters), and a sheet explaining each column; for a
    signed-in enterprise also its USCC and the standards it may certify."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "导入数据"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    text_columns = {"external_id", "id_number", "enterprise_uscc", "standard_code"}
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = 24
        if column.key in text_columns:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.append(["列 / column", "必填 / required", "说明 / notes"])
    for column in COLUMNS:
        help_sheet.append(
            [column.label, "是 / yes" if column.required else "否 / no", column.help_zh]
        )
    help_sheet.append([])
    help_sheet.append(
        ["", "", "同一外部记录编号重复导入不会重复入账 / Re-importing a record ID adds nothing"]
    )
    if uscc:
        help_sheet.append(["本单位统一社会信用代码 / your USCC", "", uscc])
    standards = list(standards)
    if standards:
        help_sheet.append([])
        help_sheet.append(["可认证的标准代码 / standards you may certify", "", ""])
        for code, name in standards:
            help_sheet.append([code, "", name])
    help_sheet.column_dimensions["A"].width = 36
    help_sheet.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
