"""Template helpers of the learning-map pages."""

from __future__ import annotations

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def region_name(region) -> str:
    """A district's or street's name in the page's language: the English name on English
    pages where the region table has one, the Chinese name otherwise."""
    if region is None:
        return ""
    english = getattr(region, "name_en", "") or ""
    if english and (translation.get_language() or "").startswith("en"):
        return english
    return region.name
