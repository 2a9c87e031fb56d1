"""Display of money ratios in funds templates: rounded half-up only here, at the end."""

from django import template

from zhaoshang.core.numbers import format_exact, format_percent, wan_to_yi

register = template.Library()


@register.filter
def rate(ratio) -> str:
    """0.6612 → "66.1%"; no ratio (no 协议总投资) → "—"."""
    return format_percent(ratio)


@register.filter
def yi(value_wan):
    """万元 → 亿元 with two decimals."""
    return wan_to_yi(value_wan)


@register.filter
def num(value) -> str:
    """An exact amount or count as written by hand (core.numbers.format_exact)."""
    return format_exact(value)
