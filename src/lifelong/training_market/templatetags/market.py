"""Template filters of the training-market pages."""

from django import template

from lifelong.training_market import language
from lifelong.training_market.money import yuan_str

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Whole fen as yuan with two places: 480050 → "4800.50"."""
    return yuan_str(int(fen or 0))


@register.filter
def in_language(message) -> str:
    """ "中文 / English" in the reader's language (see `language.in_language`)."""
    return language.in_language(message)


@register.filter
def one_language(message) -> str:
    """ "中文 / English" as the half in the page's language (see `language.one_language`)."""
    return language.one_language(message)


@register.filter
def or_english(chinese, english_name) -> str:
    """{{ d.name|or_english:d.name_en }}: the English name on an English page."""
    return language.or_english(chinese, english_name)
