"""Reading an uploaded file: checking that it is what its name says (extension and content),
then streaming its rows. CSV in UTF-8 (with or without BOM) or GB18030 (what Excel saves in
Chinese Windows); Excel .xlsx read in streaming mode, first sheet, up to Excel's own limit
of 1,048,576 rows."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from lifelong.credit_bank.importing.columns import FILE_COLUMN, map_header
from lifelong.shared.errors import Invalid

SNIFF_BYTES = 64 * 1024
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")
EXCEL_MAX_ROWS = 1_048_576

csv.field_size_limit(1024 * 1024)


def rejected(message_zh: str, message_en: str) -> Invalid:
    message = f"{message_zh} / {message_en}"
    return Invalid(message, fields={FILE_COLUMN: message}, code="invalid_file")


def format_of(name: str) -> str:
    lowered = (name or "").lower()
    for ext, fmt in FORMATS.items():
        if lowered.endswith(ext):
            return fmt
    raise rejected("仅支持 .csv 或 .xlsx 文件", "Only .csv and .xlsx files are accepted")


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise rejected(
            "无法识别文件编码，请另存为 UTF-8 CSV", "Unknown text encoding: save as UTF-8 CSV"
        ) from None


@dataclass(frozen=True)
class Sheet:
    """An opened file: its header positions and a stream of (row number, cells)."""

    positions: dict[str, int]
    rows: Iterator[tuple[int, list]]
    total_hint: int | None


def _check_header(cells: list) -> dict[str, int]:
    positions, missing = map_header(cells)
    if missing:
        raise rejected(
            f"表头缺少必填列：{'、'.join(missing)}",
            "The header lacks required columns (use the template)",
        )
    return positions


def sniff(fh: IO[bytes], fmt: str) -> None:
    """Refuse a file whose content does not match its extension or whose header lacks a
    required column. Leaves the file at its start."""
    fh.seek(0)
    head = fh.read(SNIFF_BYTES)
    fh.seek(0)
    if not head:
        raise rejected("文件为空", "The file is empty")
    if fmt == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise rejected("文件内容不是 Excel (.xlsx)", "The content is not an Excel .xlsx file")
        try:
            with zipfile.ZipFile(fh) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise rejected("Excel 文件已损坏", "The Excel file is damaged") from None
        finally:
            fh.seek(0)
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise rejected("文件内容不是 Excel (.xlsx)", "The content is not an Excel .xlsx file")
        with open_sheet(fh, fmt) as sheet:
            del sheet  # opening checks the header
        return
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        raise rejected("文件内容不是文本 CSV", "The content is not a text CSV file")
    with open_sheet(fh, fmt) as sheet:
        del sheet


@contextmanager
def open_sheet(fh: IO[bytes], fmt: str) -> Iterator[Sheet]:
    """Open the file for streaming its data rows (row numbers as a spreadsheet shows them:
    the header is row 1). Blank rows are skipped."""
    fh.seek(0)
    if fmt == "csv":
        encoding = _encoding(fh.read(SNIFF_BYTES))
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding=encoding, newline="", errors="strict")
        try:
            reader = csv.reader(text)
            try:
                header = next(reader)
            except StopIteration:
                raise rejected("文件为空", "The file is empty") from None
            except (UnicodeDecodeError, csv.Error):
                raise rejected("无法读取 CSV 表头", "The CSV header cannot be read") from None
            positions = _check_header(header)
            yield Sheet(positions, _csv_rows(reader), None)
        finally:
            text.detach()
        return
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fh, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a malformed package
        raise rejected("无法读取 Excel 文件", "The Excel file cannot be read") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first_row: tuple | None = next(rows, None)
        if first_row is None:
            raise rejected("文件为空", "The file is empty")
        positions = _check_header(list(first_row))
        hint = sheet.max_row - 1 if sheet.max_row else None
        yield Sheet(positions, _xlsx_rows(rows), hint)
    finally:
        workbook.close()


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    number = 1
    try:
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells):
                yield number, cells
    except UnicodeDecodeError:
        raise rejected(
            f"第 {number + 1} 行附近含有无法识别的字符", f"Undecodable bytes near row {number + 1}"
        ) from None
    except csv.Error as exc:
        raise rejected(
            f"第 {number + 1} 行 CSV 格式错误", f"Malformed CSV near row {number + 1}: {exc}"
        ) from None


def _xlsx_rows(rows) -> Iterator[tuple[int, list]]:
    for number, cells in enumerate(rows, start=2):
        if any(c is not None and str(c).strip() for c in cells):
            yield number, list(cells)


def count_rows(fh: IO[bytes], fmt: str) -> int:
    """Data rows in the file (for progress): exact for CSV; for Excel the sheet's recorded
    dimension when it has one, else counted."""
    with open_sheet(fh, fmt) as sheet:
        if sheet.total_hint is not None and sheet.total_hint >= 0:
            return sheet.total_hint
        return sum(1 for _ in sheet.rows)
