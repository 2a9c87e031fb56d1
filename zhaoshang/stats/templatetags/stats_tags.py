"""Showing statistics as bulletins do: 万元 with two decimals, percentages with one."""

from django import template

from zhaoshang.core.numbers import format_percent, format_points
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
    return format_points(ratio)


@register.filter
def ratio_cell(cells, code):
    return cells.get(code)


@register.filter
def ratio_shown(value, code):
    return shown_ratio(code, value)


@register.filter
def ratio_change(change, code):
    return shown_change(code, change)
