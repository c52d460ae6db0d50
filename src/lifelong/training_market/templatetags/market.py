"""Template filters of the training-market pages."""

from django import template

from lifelong.training_market.money import yuan_str

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Whole fen as yuan with two places: 480050 → "4800.50"."""
    return yuan_str(int(fen or 0))
