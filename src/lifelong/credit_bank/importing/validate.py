"""Validation of one import row. Every failing cell is reported (row, column, reason in
Chinese and English), not only the first."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

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


_KEYS = (
    "external_id",
    "name",
    "evidence",
    "id_number",
    "enterprise_uscc",
    "standard_code",
    "achieved_on",
    "score",
    "hours",
)
_LABEL = {key: BY_KEY[key].label for key in _KEYS}
# Look-ups of repeated cells (the same person, date or score on many rows) are remembered,
# up to this many distinct values per kind, then forgotten and started again.
_MEMO_SIZE = 1 << 18


_MISSING = object()


def _memo_key(value: object) -> object:
    """Cells from a CSV are text; a spreadsheet's may be numbers (1 == 1.0 == True), so the
    type is part of the key."""
    return value if type(value) is str else (type(value), value)


def _clean(value: object) -> str:
    return value.strip() if type(value) is str else _text(value)


class RowValidator:
    """Checks rows of one enterprise's file: its USCC, the standards it may certify, today.
    Repeated values (the same ID number, USCC, date, score on many rows) are checked once."""

    def __init__(self, *, uscc: str | None, standards: dict[str, Standard], today: dt.date):
        self.uscc = uscc
        self.standards = standards
        self.today = today
        self.seen: dict[str, int] = {}
        self._positions: dict[str, int] | None = None
        self._indexes: tuple[int | None, ...] = ()
        self._cells: Callable[[list], tuple] | None = None
        self._width = 0
        self._memo: dict[str, dict[object, Any]] = {
            "id_number": {},
            "uscc": {},
            "date": {},
            "score": {},
            "hours": {},
        }

    def _remember(self, kind: str, raw: object, compute):
        memo = self._memo[kind]
        key = _memo_key(raw)
        try:
            found = memo.get(key, _MISSING)
        except TypeError:  # an unhashable cell value: nothing to remember it by
            return compute(raw)
        if found is _MISSING:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            found = memo[key] = compute(raw)
        return found

    @staticmethod
    def _id_number(raw: object) -> tuple[str, dt.date] | tuple[None, tuple[str, str]]:
        try:
            rid = parse_resident_id(_text(raw))
        except InvalidIdentifier as exc:
            return None, (exc.message_zh, exc.message_en)
        return rid.number, rid.birth_date

    def _uscc(self, raw: object) -> tuple[str, str] | None:
        try:
            normalised = validate_uscc(_text(raw))
        except InvalidIdentifier as exc:
            return exc.message_zh, exc.message_en
        if normalised != self.uscc:
            return (
                "与上传单位的统一社会信用代码不一致",
                "Does not match the uploading organisation's USCC",
            )
        return None

    @staticmethod
    def _score(raw: object) -> Decimal | None:
        try:
            score = _number(raw, "0.01")
            if not Decimal(0) <= score <= Decimal(100):
                raise ValueError
        except (ValueError, InvalidOperation):
            return None
        return score

    @staticmethod
    def _hours(raw: object) -> Decimal | None:
        try:
            hours = _number(raw, "0.1")
            if not Decimal(0) < hours <= Decimal(10000):
                raise ValueError
        except (ValueError, InvalidOperation):
            return None
        return hours

    def __call__(
        self, row: int, cells: list, positions: dict[str, int]
    ) -> tuple[ValidRow | None, list[RowError]]:
        if positions is not self._positions:
            self._positions = positions
            self._indexes = tuple(positions.get(key) for key in _KEYS)
            present = [i for i in self._indexes if i is not None]
            if len(present) == len(_KEYS):  # every column present: one C call per row
                self._cells = operator.itemgetter(*present)
                self._width = max(present) + 1
        width = len(cells)
        (
            raw_external_id,
            raw_name,
            raw_evidence,
            raw_id,
            raw_uscc,
            raw_code,
            raw_date,
            raw_score,
            raw_hours,
        ) = (
            self._cells(cells)
            if self._cells is not None and width >= self._width
            else tuple(cells[i] if i is not None and i < width else None for i in self._indexes)
        )
        errors: list[RowError] = []

        def fail(key: str, zh: str, en: str) -> None:
            errors.append((row, _LABEL[key], f"{zh} / {en}"))

        external_id = _clean(raw_external_id)
        name = _clean(raw_name)
        evidence = _clean(raw_evidence)
        if not external_id:
            fail("external_id", "必填", "Required")
        if not name:
            fail("name", "必填", "Required")
        for key, text in (("external_id", external_id), ("name", name), ("evidence", evidence)):
            limit = MAX_TEXT[key]
            if len(text) > limit:
                fail(key, f"不能超过{limit}个字符", f"At most {limit} characters")
        if external_id and len(external_id) <= MAX_TEXT["external_id"]:
            first = self.seen.setdefault(external_id, row)
            if first != row:
                fail(
                    "external_id",
                    f"与第{first}行的外部记录编号重复",
                    f"Same external record ID as row {first}",
                )

        # A value seen before (remembered only when not blank) is looked up first.
        memo = self._memo
        known: Any
        birth_date = None
        id_number = ""
        known = memo["id_number"].get(raw_id, _MISSING) if type(raw_id) is str else _MISSING
        if known is _MISSING and not _clean(raw_id):
            fail("id_number", "必填", "Required")
        else:
            if known is _MISSING:
                known = self._remember("id_number", raw_id, self._id_number)
            number, detail = known
            if number is None:
                fail("id_number", *detail)
            else:
                id_number, birth_date = number, detail

        known = memo["uscc"].get(raw_uscc, _MISSING) if type(raw_uscc) is str else _MISSING
        if known is _MISSING and not _clean(raw_uscc):
            fail("enterprise_uscc", "必填", "Required")
        else:
            if known is _MISSING:
                known = self._remember("uscc", raw_uscc, self._uscc)
            if known is not None:
                fail("enterprise_uscc", *known)

        code = _clean(raw_code).upper()
        standard = self.standards.get(code)
        if not code:
            fail("standard_code", "必填", "Required")
        elif standard is None:
            fail(
                "standard_code",
                f"认证标准 {code[:40]} 不存在，或本单位未获授权认证该标准",
                "No such standard, or your organisation may not certify it",
            )

        achieved_on: Any = (
            memo["date"].get(raw_date, _MISSING) if type(raw_date) is str else _MISSING
        )
        if achieved_on is _MISSING:
            achieved_on = self._remember("date", raw_date, _date)
        if achieved_on is None:
            if _clean(raw_date):
                fail("achieved_on", "日期格式应为 YYYY-MM-DD", "Use a date like 2024-05-31")
            else:
                fail("achieved_on", "必填", "Required")
        elif achieved_on > self.today:
            fail("achieved_on", "取得日期不能晚于今天", "Cannot be in the future")
        elif achieved_on < EARLIEST or (birth_date is not None and achieved_on < birth_date):
            fail("achieved_on", "取得日期早于出生日期或1950年", "Before the birth date or 1950")

        score: Any = memo["score"].get(raw_score, _MISSING) if type(raw_score) is str else _MISSING
        if score is _MISSING:
            score = None
            if _clean(raw_score):
                score = self._remember("score", raw_score, self._score)
                if score is None:
                    fail("score", "成绩应为0-100的数字，最多两位小数", "A number 0–100, 2 decimals")
        elif score is None:
            fail("score", "成绩应为0-100的数字，最多两位小数", "A number 0–100, 2 decimals")
        hours: Any = memo["hours"].get(raw_hours, _MISSING) if type(raw_hours) is str else _MISSING
        if hours is _MISSING:
            hours = None
            if _clean(raw_hours):
                hours = self._remember("hours", raw_hours, self._hours)
                if hours is None:
                    fail(
                        "hours",
                        "学时应为0-10000的数字，最多一位小数",
                        "A number 0–10000, 1 decimal",
                    )
        elif hours is None:
            fail("hours", "学时应为0-10000的数字，最多一位小数", "A number 0–10000, 1 decimal")

        if errors:
            return None, errors
        assert standard is not None and achieved_on is not None
        return (
            ValidRow(
                row=row,
                external_id=external_id,
                name=name,
                id_number=id_number,
                standard=standard,
                achieved_on=achieved_on,
                score=score,
                hours=hours,
                evidence=evidence,
            ),
            [],
        )
