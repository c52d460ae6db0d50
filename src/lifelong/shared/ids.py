"""Identifiers that arrive on every way in: resident ID numbers (GB 11643-1999), unified social
credit codes (GB 32100-2015) and mainland mobile numbers.

Each validator returns the normalised value or raises `InvalidIdentifier` whose `code` names the
reason and whose message is given in Chinese and English.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lifelong.shared.clock import today

_DATA = Path(__file__).with_name("data")


class InvalidIdentifier(ValueError):
    def __init__(self, code: str, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class AreaCode:
    code: str
    name: str
    valid_from: int | None
    valid_until: int | None


@functools.cache
def area_codes() -> dict[str, AreaCode]:
    """Every GB/T 2260 code ever issued, nationwide, abolished ones included."""
    codes: dict[str, AreaCode] = {}
    with (_DATA / "gbt2260_history.tsv").open(encoding="utf-8") as fh:
        rows = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            codes[row["code"]] = AreaCode(
                row["code"],
                row["name"],
                int(row["from"]) if row["from"] else None,
                int(row["until"]) if row["until"] else None,
            )
    return codes


# ---- Resident ID numbers (GB 11643-1999) ----------------------------------------------------

_RIC_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_RIC_RE = re.compile(r"^\d{17}[\dX]$")
OLDEST_BIRTH_YEAR = 1880


def ric_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _RIC_WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@dataclass(frozen=True)
class ResidentId:
    number: str
    area_code: str
    birth_date: dt.date
    gender: str  # "M" or "F": odd sequence digit is male

    @property
    def area(self) -> AreaCode:
        return area_codes()[self.area_code]


def parse_resident_id(raw: str) -> ResidentId:
    number = (raw or "").strip().upper().replace(" ", "")
    if not _RIC_RE.match(number):
        raise InvalidIdentifier(
            "format",
            "身份证号应为18位：17位数字加1位校验码（数字或X）",
            "An ID number has 18 characters: 17 digits and a check digit or X",
        )
    area = number[:6]
    if area not in area_codes():
        raise InvalidIdentifier(
            "area",
            f"身份证号前6位 {area} 不是有效的行政区划代码",
            f"{area} is not a GB/T 2260 area code",
        )
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdentifier(
            "birth_date",
            "身份证号中的出生日期不存在",
            "The birth date in the ID number does not exist",
        ) from None
    if born > today() or born.year < OLDEST_BIRTH_YEAR:
        raise InvalidIdentifier(
            "birth_date",
            "身份证号中的出生日期不可能",
            "The birth date in the ID number is impossible",
        )
    if ric_check_character(number[:17]) != number[17]:
        raise InvalidIdentifier(
            "check",
            "身份证号校验码错误，请核对是否输错",
            "The ID number's check character is wrong",
        )
    return ResidentId(number, area, born, "M" if int(number[16]) % 2 else "F")


def validate_resident_id(raw: str) -> str:
    return parse_resident_id(raw).number


# ---- Unified social credit codes (GB 32100-2015) -------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714 organisation code


def uscc_check_character(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_character(first8: str) -> str:
    """GB 11714 check character; letters count 10..35 as in the organisation-code standard."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(raw: str) -> str:
    code = (raw or "").strip().upper().replace(" ", "")
    if len(code) != 18 or any(c not in _USCC_VALUE for c in code):
        raise InvalidIdentifier(
            "format",
            "统一社会信用代码应为18位，由数字和大写字母组成（不含 I、O、Z、S、V）",
            "A unified social credit code has 18 digits or capital letters (never I, O, Z, S, V)",
        )
    if not code[2:8].isdigit():
        raise InvalidIdentifier(
            "area", "统一社会信用代码第3-8位应为行政区划代码", "Positions 3-8 must be an area code"
        )
    if organisation_code_check_character(code[8:16]) != code[16]:
        raise InvalidIdentifier(
            "organisation_check",
            "统一社会信用代码中的组织机构代码校验位错误",
            "The organisation-code check character (position 17) is wrong",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise InvalidIdentifier(
            "check", "统一社会信用代码校验码错误", "The check character (position 18) is wrong"
        )
    return code


# ---- Mobile numbers --------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(raw: str) -> str:
    number = re.sub(r"[\s-]", "", raw or "")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    if not _MOBILE_RE.match(number):
        raise InvalidIdentifier(
            "format",
            "手机号应为以1开头的11位数字",
            "A mainland mobile number has 11 digits starting with 1",
        )
    return number
