"""Template filters of the portal."""

from __future__ import annotations

from django import template

from lifelong.portal.web import MessagePart
from lifelong.portal.web import bilingual as split_bilingual

register = template.Library()


@register.filter
def bilingual(message) -> list[MessagePart]:
    """ "中文 / English" as parts in the reader's order, each with its `lang`."""
    return split_bilingual(str(message))
