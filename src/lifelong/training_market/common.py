"""Small things the use cases share: auditing an actor's act, calendar months in Shanghai,
and bounded text input without control characters."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from lifelong.identity import api as identity
from lifelong.shared.api import record_audit
from lifelong.shared.errors import Invalid


def audit(
    actor: identity.Actor,
    action: str,
    object_type: str,
    object_id: object,
    *,
    on_behalf_of: str = "",
    **detail: Any,
) -> None:
    record_audit(
        action=f"market.{action}",
        actor_id=actor.user_id or "",
        actor_label=actor.label,
        role=actor.primary_role,
        on_behalf_of=on_behalf_of,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier), clamped to the month's end:
    31 January + 1 month is 28 (or 29) February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# C0 control characters other than tab and line breaks: PostgreSQL refuses NUL in any text
# column, and the others are never typed by a person.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "输入含有不允许的控制字符 / The input contains a forbidden control character"


def control_characters_in(request) -> bool:
    """Whether a page's or the back office's query or form carries a control character: such
    input is refused before it reaches a use case or a database filter."""
    return any(
        CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
        for data in (request.GET, request.POST)
        for key, values in data.lists()
        for value in values
    )


def text(value: object, field: str, *, max_length: int, required: bool = True) -> str:
    cleaned = (value or "").strip() if isinstance(value, str) else ""
    if CONTROL_CHARACTERS.search(cleaned):
        raise Invalid(CONTROL_MESSAGE, fields={field: CONTROL_MESSAGE})
    if required and not cleaned:
        raise Invalid("必填 / Required", fields={field: "必填 / required"})
    if len(cleaned) > max_length:
        message = f"不超过{max_length}字 / At most {max_length} characters"
        raise Invalid(message, fields={field: message})
    return cleaned


def choice(value: object, field: str, values: list[str]) -> str:
    if value not in values:
        message = f"可选 / one of: {', '.join(values)}"
        raise Invalid(message, fields={field: message})
    return str(value)
