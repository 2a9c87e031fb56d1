"""Showing scores: points with two decimals (half-up), signed where they add or subtract."""

from decimal import Decimal

from django import template

from zhaoshang.core.numbers import round_half_up

register = template.Library()


@register.filter
def score(value) -> str:
    """72 → "72.00"; nothing → "—"."""
    if value in (None, ""):
        return "—"
    return f"{round_half_up(Decimal(value), 2)}"


@register.filter
def signed_score(value) -> str:
    """+3.00 / −1.50 / 0.00."""
    if value in (None, ""):
        return "—"
    value = round_half_up(Decimal(value), 2)
    return f"+{value}" if value > 0 else f"{value}".replace("-", "−")
