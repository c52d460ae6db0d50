"""The value formats of xAPI 1.0.3 (Part 2, section 4): IRIs and IRLs, UUIDs, RFC 5646 language
tags, ISO 8601 timestamps and durations, mailto IRIs. Each check raises `StatementInvalid`
naming where in the statement the value was and what is wrong, in Chinese and English."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, NoReturn

from lifelong.shared.errors import Invalid


class StatementInvalid(Invalid):
    """Anything the specification calls invalid: the xAPI views answer it with 400."""

    def __init__(self, path: str, zh: str, en: str):
        super().__init__(f"{path}: {zh} / {en}", fields={path: en}, code="invalid_statement")
        self.path = path


def fail(path: str, zh: str, en: str) -> NoReturn:
    raise StatementInvalid(path, zh, en)


def require_object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        fail(path, "应为 JSON 对象", "must be a JSON object")
    return value


def require_string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        fail(path, "应为字符串", "must be a string")
    return value


def require_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        fail(path, "应为布尔值 true/false", "must be a boolean")
    return value


def require_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(path, "应为数字", "must be a number")
    return float(value)


# ---- IRIs ------------------------------------------------------------------------------------
# Best-effort (2.2.s4.b6): an absolute IRI has a scheme, and none contains whitespace or the
# characters RFC 3987 excludes. A relative reference or a bare word has no scheme and fails.
# The store's COPY relies on IRIs holding no backslash, tab or line break (services._copy).

_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
_IRL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"{}|\\^`\x00-\x1f\x7f/?#]+")
MAX_IRI_LENGTH = 2048


# Valid IRIs, IRLs and language tags seen lately: statements repeat the same verbs, activity
# ids, home pages and tags over and over, and a set look-up is cheaper than the regex.
_SEEN_MAX = 20_000
_valid_iris: set[str] = set()
_valid_irls: set[str] = set()
_valid_tags: set[str] = set()


def _remember(seen: set[str], text: str) -> None:
    if len(seen) >= _SEEN_MAX:
        seen.clear()
    seen.add(text)


def require_iri(value: Any, path: str) -> str:
    if value.__class__ is str and value in _valid_iris:
        return value
    text = require_string(value, path)
    if len(text) > MAX_IRI_LENGTH or not _IRI_RE.match(text):
        fail(path, "应为带协议名的绝对 IRI", "must be an absolute IRI with a scheme")
    _remember(_valid_iris, text)
    return text


def require_irl(value: Any, path: str) -> str:
    """An IRL is a locator: a scheme, then an authority (`https://host/...`)."""
    if value.__class__ is str and value in _valid_irls:
        return value
    text = require_string(value, path)
    if len(text) > MAX_IRI_LENGTH or not _IRL_RE.match(text) or not _IRI_RE.match(text):
        fail(path, "应为可访问的 IRL（如 https://…）", "must be an IRL such as https://host/path")
    _remember(_valid_irls, text)
    return text


_MAILTO_RE = re.compile(r"^mailto:[^@\s:/]+@[^@\s/?#]+\.[^@\s/?#]+$")


def require_mailto(value: Any, path: str) -> str:
    text = require_string(value, path)
    if len(text) > MAX_IRI_LENGTH or not _MAILTO_RE.match(text):
        fail(path, "应为 mailto:电子邮件地址", "must be a mailto IRI: mailto:name@example.com")
    return text


_SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")


def require_sha1(value: Any, path: str) -> str:
    text = require_string(value, path)
    if not _SHA1_RE.match(text):
        fail(path, "应为40位十六进制 SHA-1", "must be a hex-encoded SHA-1 (40 characters)")
    return text


# ---- UUIDs -----------------------------------------------------------------------------------

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def require_uuid(value: Any, path: str) -> str:
    """A UUID in its standard string form (8-4-4-4-12 hexadecimal digits), lowercased."""
    text = require_string(value, path)
    if not _UUID_RE.match(text):
        fail(path, "应为标准格式的 UUID", "must be a UUID in standard string form")
    return text.lower()


# ---- Language tags (RFC 5646) ----------------------------------------------------------------

_LANGTAG_RE = re.compile(
    r"""^(?:
        (?:
          (?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})   # language
          (?:-[A-Za-z]{4})?                                                # script
          (?:-(?:[A-Za-z]{2}|[0-9]{3}))?                                   # region
          (?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*                   # variants
          (?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*                    # extensions
          (?:-[xX](?:-[A-Za-z0-9]{1,8})+)?                                 # private use
        )
        |[xX](?:-[A-Za-z0-9]{1,8})+                                        # private use only
        |en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo
        |i-pwn|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE                  # irregular
        |art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang
    )$""",
    re.VERBOSE,
)


def is_language_tag(text: str) -> bool:
    if text in _valid_tags:
        return True
    if not _LANGTAG_RE.match(text):
        return False
    _remember(_valid_tags, text)
    return True


def require_language_tag(value: Any, path: str) -> str:
    text = require_string(value, path)
    if not is_language_tag(text):
        fail(path, "应为 RFC 5646 语言标记（如 zh-CN）", "must be an RFC 5646 language tag")
    return text


def require_language_map(value: Any, path: str) -> dict:
    mapping = require_object(value, path)
    for tag, text in mapping.items():
        if not is_language_tag(tag):
            fail(f"{path}.{tag}", "键应为 RFC 5646 语言标记", "keys must be RFC 5646 language tags")
        if text.__class__ is not str:
            fail(f"{path}.{tag}", "应为字符串", "must be a string")
    return mapping


def require_extensions(value: Any, path: str) -> dict:
    """Keys are IRIs; the values are never judged (4.1.s3.b2), nulls included."""
    mapping = require_object(value, path)
    for key in mapping:
        require_iri(key, f"{path}[{key}]")
    return mapping


# ---- Timestamps and durations (ISO 8601) ------------------------------------------------------

_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$"
)


def parse_timestamp(text: str) -> dt.datetime | None:
    """An ISO 8601 combined date and time with a time zone, as an aware datetime; else None.

    The offset `-00:00` (RFC 3339's "unknown local offset") is not ISO 8601 and is refused.
    Fractions beyond microseconds are truncated (precision to milliseconds is what must be
    kept)."""
    match = _TIMESTAMP_RE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if zulu:
        tz = dt.UTC
    else:
        hours, minutes = int(off_h), int(off_m or 0)
        if sign == "-" and hours == 0 and minutes == 0:
            return None
        if hours > 23 or minutes > 59:
            return None
        delta = dt.timedelta(hours=hours, minutes=minutes)
        tz = dt.timezone(-delta if sign == "-" else delta)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
        )
    except ValueError:
        return None


def require_timestamp(value: Any, path: str) -> dt.datetime:
    text = require_string(value, path)
    parsed = parse_timestamp(text)
    if parsed is None:
        fail(
            path,
            "应为带时区的 ISO 8601 时间（如 2024-05-01T08:00:00.000+08:00）",
            "must be an ISO 8601 timestamp with a time zone",
        )
    return parsed


_NUM = r"\d+(?:[.,]\d+)?"
_DURATION_RE = re.compile(
    rf"^P(?:(?:{_NUM}W)|(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?"
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)$"
)


def require_duration(value: Any, path: str) -> str:
    """ISO 8601:2004 4.4.3.2 durations (`PT1H30M`, `P3Y`, `P4W`); the alternative format
    (`P0003-00-00T…`) is refused; only the smallest component may have a fraction."""
    text = require_string(value, path)
    if not _DURATION_RE.match(text) or _fraction_not_last(text):
        fail(path, "应为 ISO 8601 时长（如 PT1H30M）", "must be an ISO 8601 duration")
    return text


def _fraction_not_last(text: str) -> bool:
    parts = re.findall(r"\d+(?:[.,]\d+)?[YMWDHS]", text)
    return any(("." in p or "," in p) for p in parts[:-1])


def format_timestamp(moment: dt.datetime) -> str:
    """UTC with microseconds, the form the store writes `stored` in."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---- JSON -----------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON: NaN and Infinity are not JSON and are refused."""
    return json.loads(raw, parse_constant=_refuse_constant)
