"""Template filters of the learning-cloud pages."""

from __future__ import annotations

from django import template
from django.utils import translation

register = template.Library()


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


@register.filter
def local_name(thing) -> str:
    """The name of a category, district, badge or search facet value in the page's language:
    its English name on English pages where it has one, its Chinese name otherwise. Names
    are data (commission staff keep categories and badges), so they are not in the message
    catalogue."""
    if thing is None:
        return ""
    if _english():
        english = getattr(thing, "name_en", "") or getattr(thing, "label_en", "")
        if english:
            return english
    return str(getattr(thing, "name", "") or getattr(thing, "label", ""))
