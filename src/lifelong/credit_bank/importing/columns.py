"""The columns of an import file. A header cell names a column in Chinese, in English or
both ("身份证号 / id_number"); the order of columns is free."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool
    help_zh: str

    @property
    def label(self) -> str:
        return f"{self.zh} / {self.key}"


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id", "外部记录编号", "External record ID", True, "企业内部的培训记录编号，唯一"
    ),
    Column("name", "姓名", "Name", True, "学员姓名"),
    Column("id_number", "身份证号", "ID number", True, "18位居民身份证号（请设为文本格式）"),
    Column("enterprise_uscc", "企业统一社会信用代码", "Enterprise USCC", True, "须为本单位的代码"),
    Column("standard_code", "认证标准代码", "Standard code", True, "本单位获授权认证的标准代码"),
    Column("achieved_on", "取得日期", "Date achieved", True, "YYYY-MM-DD，不晚于今天"),
    Column("score", "成绩", "Score", False, "0-100，可留空"),
    Column("hours", "学时", "Hours", False, "可留空"),
    Column("evidence", "佐证材料", "Evidence", False, "证书编号或材料说明，可留空"),
)
BY_KEY = {c.key: c for c in COLUMNS}
ROW_COLUMN = "row"
FILE_COLUMN = "file"

_TOKEN_SPLIT = re.compile(r"[\s/()（）|]+")


def column_of(header: object) -> Column | None:
    text = str(header or "").strip().lower()
    if not text:
        return None
    tokens = {t for t in _TOKEN_SPLIT.split(text) if t} | {text}
    for column in COLUMNS:
        if {column.key, column.zh.lower(), column.en.lower()} & tokens:
            return column
    return None


def map_header(cells: list) -> tuple[dict[str, int], list[str]]:
    """Positions of the known columns in a header row, and the labels of required columns
    it lacks."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = column_of(cell)
        if column is not None and column.key not in positions:
            positions[column.key] = index
    missing = [c.label for c in COLUMNS if c.required and c.key not in positions]
    return positions, missing
