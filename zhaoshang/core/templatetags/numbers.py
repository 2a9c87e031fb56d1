"""Number display shared by every app's templates."""

from django import template

from zhaoshang.core.numbers import format_exact

register = template.Library()


@register.filter
def exact(value) -> str:
    """An amount as stored, without the stored precision's trailing zeros: 123456.5 万元,
    not 123456.5000 (core.numbers.format_exact); nothing → "" (so ``|default:"—"`` works)."""
    return format_exact(value)
