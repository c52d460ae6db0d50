"""The value formats of xAPI 1.0.3 (Part 2, section 4): IRIs and IRLs, UUIDs, RFC 5646 language
tags, ISO 8601 timestamps and durations, mailto IRIs. Each check raises `StatementInvalid`
naming where in the statement the value was and what is wrong, in Chinese and English."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, NoReturn

import orjson

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
    if isinstance(value, bool) or not isinstance(value, int | float) or not is_finite(value):
        fail(path, "应为数字", "must be a number")
    return float(value)


def is_finite(number: int | float) -> bool:
    """NaN and the infinities are no JSON numbers (they can reach here only from Python
    callers: the JSON reader refuses them)."""
    return number.__class__ is int or math.isfinite(number)


# ---- IRIs ------------------------------------------------------------------------------------
# Best-effort (2.2.s4.b6): an absolute IRI has a scheme, and none contains whitespace or the
# characters RFC 3987 excludes. A relative reference or a bare word has no scheme and fails.
# The store's COPY relies on IRIs holding no backslash, tab or line break (services._copy).

_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+\Z")
_IRL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"{}|\\^`\x00-\x1f\x7f/?#]+")
MAX_IRI_LENGTH = 2048


# Valid IRIs, IRLs, language tags and durations seen lately: statements repeat the same verbs,
# activity ids, home pages, tags and lengths over and over, and a set look-up is cheaper than
# the regular expression.
_SEEN_MAX = 20_000
_valid_iris: set[str] = set()
_valid_irls: set[str] = set()
_valid_tags: set[str] = set()
_valid_durations: set[str] = set()


def _remember(seen: set[str], text: str) -> None:
    if len(seen) >= _SEEN_MAX:
        seen.clear()
    seen.add(text)


def is_iri(value: Any) -> bool:
    """Whether `value` is an absolute IRI (a string with a scheme, at most 2,048 characters)."""
    if value.__class__ is not str:
        return isinstance(value, str) and is_iri(str(value))
    if value in _valid_iris:
        return True
    if len(value) > MAX_IRI_LENGTH or not _IRI_RE.match(value):
        return False
    _remember(_valid_iris, value)
    return True


def is_irl(value: Any) -> bool:
    """Whether `value` is an IRL: an IRI that is a locator, a scheme then an authority
    (`https://host/...`)."""
    if value.__class__ is not str:
        return isinstance(value, str) and is_irl(str(value))
    if value in _valid_irls:
        return True
    if len(value) > MAX_IRI_LENGTH or not _IRL_RE.match(value) or not _IRI_RE.match(value):
        return False
    _remember(_valid_irls, value)
    return True


def require_iri(value: Any, path: str) -> str:
    text = require_string(value, path)
    if not is_iri(text):
        fail(path, "应为带协议名的绝对 IRI", "must be an absolute IRI with a scheme")
    return text


def require_irl(value: Any, path: str) -> str:
    text = require_string(value, path)
    if not is_irl(text):
        fail(path, "应为可访问的 IRL（如 https://…）", "must be an IRL such as https://host/path")
    return text


MAILTO_RE = re.compile(r"^mailto:[^@\s:/]+@[^@\s/?#]+\.[^@\s/?#]+\Z")


def is_mailto(text: str) -> bool:
    return len(text) <= MAX_IRI_LENGTH and MAILTO_RE.match(text) is not None


def require_mailto(value: Any, path: str) -> str:
    text = require_string(value, path)
    if not is_mailto(text):
        fail(path, "应为 mailto:电子邮件地址", "must be a mailto IRI: mailto:name@example.com")
    return text


SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}\Z")


def is_sha1(text: str) -> bool:
    return SHA1_RE.match(text) is not None


def require_sha1(value: Any, path: str) -> str:
    text = require_string(value, path)
    if not is_sha1(text):
        fail(path, "应为40位十六进制 SHA-1", "must be a hex-encoded SHA-1 (40 characters)")
    return text


# ---- UUIDs -----------------------------------------------------------------------------------

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)


def is_uuid(text: str) -> bool:
    """Whether `text` is a UUID in its standard string form (8-4-4-4-12 hexadecimal digits)."""
    return _UUID_RE.match(text) is not None


def require_uuid(value: Any, path: str) -> str:
    """A UUID in its standard string form, lowercased."""
    text = require_string(value, path)
    if not is_uuid(text):
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
    )\Z""",
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
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)\Z"
)


# The forms nearly every timestamp takes, read by the standard library's parser in C: ASCII
# digits, `T`, at most microseconds, `Z` or an offset of at most 23:59.
_COMMON_TIMESTAMP_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\Z"
)


def parse_timestamp(text: str) -> dt.datetime | None:
    """An ISO 8601 combined date and time with a time zone, as an aware datetime; else None.

    The offset `-00:00` (RFC 3339's "unknown local offset") is not ISO 8601 and is refused.
    Fractions beyond microseconds are truncated (precision to milliseconds is what must be
    kept)."""
    if _COMMON_TIMESTAMP_RE.match(text) and not text.endswith("-00:00"):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None  # no such day or time
    return _parse_any_timestamp(text)


def _parse_any_timestamp(text: str) -> dt.datetime | None:
    """`parse_timestamp` for every form it accepts (`t`, `z`, `,`, long fractions, `+0800`)."""
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
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)\Z"
)


def is_duration(text: str) -> bool:
    """ISO 8601:2004 4.4.3.2 durations (`PT1H30M`, `P3Y`, `P4W`); the alternative format
    (`P0003-00-00T…`) is refused; only the smallest component may have a fraction."""
    if text in _valid_durations:
        return True
    if not _DURATION_RE.match(text) or (("." in text or "," in text) and _fraction_not_last(text)):
        return False
    _remember(_valid_durations, text)
    return True


def require_duration(value: Any, path: str) -> str:
    text = require_string(value, path)
    if not is_duration(text):
        fail(path, "应为 ISO 8601 时长（如 PT1H30M）", "must be an ISO 8601 duration")
    return text


def _fraction_not_last(text: str) -> bool:
    parts = re.findall(r"\d+(?:[.,]\d+)?[YMWDHS]", text)
    return any(("." in p or "," in p) for p in parts[:-1])


_VERSION_RE = re.compile(r"^1\.0\.\d+\Z")


def is_statement_version(text: str) -> bool:
    """Whether `text` is a statement `version` this store accepts: 1.0.x."""
    return _VERSION_RE.match(text) is not None


def format_timestamp(moment: dt.datetime) -> str:
    """UTC with microseconds, the form the store writes `stored` in."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---- JSON -----------------------------------------------------------------------------------


# orjson reads an integer beyond 64 bits as a float; a document with a run of 19 digits or
# more (which may be such an integer) is read by the standard library instead, which keeps it.
# The run is looked for with every digit turned into 0 (a regular expression is 20 times slower).
_DIGITS_AS_ZERO = bytes(48 if 48 <= code <= 57 else 32 for code in range(256))
_LONG_DIGITS = b"0" * 19


def may_hold_long_integer(data: bytes) -> bool:
    """Whether a JSON document has a run of 19 digits or more, which may be an integer beyond
    64 bits (orjson and msgspec cannot keep one exactly)."""
    return _LONG_DIGITS in data.translate(_DIGITS_AS_ZERO)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text} is beyond the range of a number")
    return number


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON in UTF-8 (RFC 8259; a leading byte order mark is ignored): NaN and
    Infinity are not JSON and are refused, and so are numbers beyond the range of a double,
    other encodings and lone surrogates (none could be stored and returned as JSON).
    Raises ValueError."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    if not may_hold_long_integer(data):
        return orjson.loads(data)
    try:
        text = data.decode("utf-8")
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
        # a lone surrogate (`"\\ud800"`) has no UTF-8 form: UnicodeEncodeError, a ValueError
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise ValueError("nested too deeply") from None
    return value


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON (no spaces, non-ASCII characters as they are): the text the store
    keeps and returns."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        # an integer beyond 64 bits, read by the standard library (see parse_json)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
