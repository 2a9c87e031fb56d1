"""Showing statistics as bulletins do: 万元 with two decimals, percentages with one."""

from decimal import Decimal

from django import template

from zhaoshang.core.numbers import format_percent
from zhaoshang.stats.services import gap_standing, gap_text
from zhaoshang.stats.tables import shown_change, shown_ratio, shown_value

register = template.Library()


@register.filter
def cell(row, code):
    return row.cells.get(code)


@register.filter
def stat(value, code):
    return shown_value(code, value)


@register.filter
def pct(ratio):
    return format_percent(ratio)


@register.filter
def points(ratio):
    """A gap to 序时进度 in the engine's words (与序时进度持平 when it rounds to zero)."""
    return gap_text(ratio)


@register.filter
def standing(gap):
    """ "ahead", "behind" or "none" (no target): what colours the gap."""
    return gap_standing(gap)


@register.filter
def ratio_cell(cells, code):
    return cells.get(code)


@register.filter
def ratio_shown(value, code):
    return shown_ratio(code, value)


@register.filter
def ratio_change(change, code):
    return shown_change(code, change)


@register.filter
def ratio_part(value):
    """A numerator or denominator as the hover text shows it: exact, without trailing zeros."""
    return "—" if value is None else f"{Decimal(value).normalize():,f}"
