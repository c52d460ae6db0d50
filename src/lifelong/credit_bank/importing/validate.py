"""Validation of one import row. Every failing cell is reported (row, column, reason in
Chinese and English), not only the first."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lifelong.credit_bank.importing.columns import BY_KEY
from lifelong.credit_bank.models import Standard
from lifelong.shared.ids import InvalidIdentifier, parse_resident_id, validate_uscc

EARLIEST = dt.date(1950, 1, 1)
MAX_TEXT = {"external_id": 100, "name": 50, "evidence": 500}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)

RowError = tuple[int, str, str]


@dataclass(slots=True)
class ValidRow:
    row: int
    external_id: str
    name: str
    id_number: str
    standard: Standard
    achieved_on: dt.date
    score: Decimal | None
    hours: Decimal | None
    evidence: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if " " in text:  # "2024-05-01 00:00:00" from a spreadsheet
        text = text.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def _number(value: object, places: str) -> Decimal:
    """A finite decimal with at most the given places; raises ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        number = Decimal(_text(value))
    if not number.is_finite():
        raise ValueError
    quantized = number.quantize(Decimal(places))
    if quantized != number:
        raise ValueError
    return quantized


class RowValidator:
    """Checks rows of one enterprise's file: its USCC, the standards it may certify, today."""

    def __init__(self, *, uscc: str | None, standards: dict[str, Standard], today: dt.date):
        self.uscc = uscc
        self.standards = standards
        self.today = today
        self.seen: dict[str, int] = {}

    def __call__(
        self, row: int, cells: list, positions: dict[str, int]
    ) -> tuple[ValidRow | None, list[RowError]]:
        def cell(key: str) -> object:
            index = positions.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        errors: list[RowError] = []

        def fail(key: str, zh: str, en: str) -> None:
            errors.append((row, BY_KEY[key].label, f"{zh} / {en}"))

        texts = {key: _text(cell(key)) for key in ("external_id", "name", "evidence")}
        for key in ("external_id", "name"):
            if not texts[key]:
                fail(key, "必填", "Required")
        for key, limit in MAX_TEXT.items():
            if len(texts[key]) > limit:
                fail(key, f"不能超过{limit}个字符", f"At most {limit} characters")
        external_id = texts["external_id"]
        if external_id and len(external_id) <= MAX_TEXT["external_id"]:
            first = self.seen.setdefault(external_id, row)
            if first != row:
                fail(
                    "external_id",
                    f"与第{first}行的外部记录编号重复",
                    f"Same external record ID as row {first}",
                )

        birth_date = None
        id_number = _text(cell("id_number"))
        if not id_number:
            fail("id_number", "必填", "Required")
        else:
            try:
                rid = parse_resident_id(id_number)
                id_number, birth_date = rid.number, rid.birth_date
            except InvalidIdentifier as exc:
                fail("id_number", exc.message_zh, exc.message_en)

        uscc = _text(cell("enterprise_uscc"))
        if not uscc:
            fail("enterprise_uscc", "必填", "Required")
        else:
            try:
                normalised = validate_uscc(uscc)
            except InvalidIdentifier as exc:
                fail("enterprise_uscc", exc.message_zh, exc.message_en)
            else:
                if normalised != self.uscc:
                    fail(
                        "enterprise_uscc",
                        "与上传单位的统一社会信用代码不一致",
                        "Does not match the uploading organisation's USCC",
                    )

        code = _text(cell("standard_code")).upper()
        standard = self.standards.get(code)
        if not code:
            fail("standard_code", "必填", "Required")
        elif standard is None:
            fail(
                "standard_code",
                f"认证标准 {code[:40]} 不存在，或本单位未获授权认证该标准",
                "No such standard, or your organisation may not certify it",
            )

        raw_date = cell("achieved_on")
        achieved_on = _date(raw_date)
        if achieved_on is None:
            if _text(raw_date):
                fail("achieved_on", "日期格式应为 YYYY-MM-DD", "Use a date like 2024-05-31")
            else:
                fail("achieved_on", "必填", "Required")
        elif achieved_on > self.today:
            fail("achieved_on", "取得日期不能晚于今天", "Cannot be in the future")
        elif achieved_on < EARLIEST or (birth_date is not None and achieved_on < birth_date):
            fail("achieved_on", "取得日期早于出生日期或1950年", "Before the birth date or 1950")

        score = hours = None
        if _text(cell("score")):
            try:
                score = _number(cell("score"), "0.01")
                if not Decimal(0) <= score <= Decimal(100):
                    raise ValueError
            except (ValueError, InvalidOperation):
                fail("score", "成绩应为0-100的数字，最多两位小数", "A number 0–100, 2 decimals")
                score = None
        if _text(cell("hours")):
            try:
                hours = _number(cell("hours"), "0.1")
                if not Decimal(0) < hours <= Decimal(10000):
                    raise ValueError
            except (ValueError, InvalidOperation):
                fail("hours", "学时应为0-10000的数字，最多一位小数", "A number 0–10000, 1 decimal")
                hours = None

        if errors:
            return None, errors
        assert standard is not None and achieved_on is not None
        return (
            ValidRow(
                row=row,
                external_id=external_id,
                name=texts["name"],
                id_number=id_number,
                standard=standard,
                achieved_on=achieved_on,
                score=score,
                hours=hours,
                evidence=texts["evidence"],
            ),
            [],
        )
