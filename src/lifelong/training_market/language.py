"""The reader's language on the pages: domain messages are written "中文 / English" (one text
for the API and every page). An English page shows the English half; a Chinese page shows an
error whole (as the portal does) and a label in Chinese."""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


def in_language(message: object) -> str:
    """The English part of a "中文 / English" message on an English page, the whole message
    on a Chinese one; a message without the separator as it is."""
    text = str(message)
    _chinese, separator, english_part = text.partition(" / ")
    if separator and english():
        return english_part
    return text


def one_language(message: object) -> str:
    """The half of a "中文 / English" label in the page's language (risk signals, where both
    halves side by side would only repeat each other); a text without the separator as it is."""
    text = str(message)
    chinese, separator, english_part = text.partition(" / ")
    if not separator:
        return text
    return english_part if english() else chinese


def or_english(chinese: object, english_name: object) -> str:
    """A name kept in both languages (a district): the English one on an English page, when
    there is one."""
    if english() and english_name:
        return str(english_name)
    return str(chinese)
