"""Setting targets: one at a time, a grid at once, or distributed from a parent unit."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhaoshang.core.choices import Action
from zhaoshang.stats.choices import MONEY_INDICATORS, Indicator
from zhaoshang.targets.models import Target


def _check(user, unit) -> None:
    # Targets are set by the bureau: a unit does not set its own yardstick.
    if not Target.access.allows(user, Action.VERIFY):
        raise PermissionDenied("目标任务由招商局下达。")


def _clean_value(indicator: str, value) -> Decimal:
    value = Decimal(value)
    if value < 0:
        raise ValidationError({"value": "目标值不能为负数。"})
    if indicator not in MONEY_INDICATORS and value != value.to_integral_value():
        raise ValidationError({"value": f"「{Indicator(indicator).label}」以个计，应为整数。"})
    return value


@transaction.atomic
def set_target(user, year: int, unit, indicator: str, value) -> Target | None:
    """Create, change or (with an empty value) remove one target. Audited per object."""
    _check(user, unit)
    if indicator not in Indicator.values:
        raise ValidationError({"indicator": f"未知指标「{indicator}」。"})
    existing = Target.objects.filter(year=year, unit=unit, indicator=indicator).first()
    if value in (None, ""):
        if existing:
            existing.delete()
        return None
    value = _clean_value(indicator, value)
    if existing is None:
        return Target.objects.create(year=year, unit=unit, indicator=indicator, value=value)
    if existing.value != value:
        existing.value = value
        existing.save()
    return existing


@transaction.atomic
def distribute(user, year: int, parent, indicator: str, parts: dict, *, allow_remainder: bool = False) -> list[Target]:
    """Split a parent's target among its children. The parts must add up to the parent's
    target (or stay below it with ``allow_remainder``, the rest kept at 本级)."""
    _check(user, parent)
    parent_target = Target.objects.filter(year=year, unit=parent, indicator=indicator).first()
    if parent_target is None:
        raise ValidationError(f"{parent}尚未下达{year}年「{Indicator(indicator).label}」目标，无法分解。")
    children = {child.pk: child for child in parent.children.all()}
    cleaned = {}
    for unit_id, value in parts.items():
        if int(unit_id) not in children:
            raise ValidationError(f"只能分解给{parent}的直属下级单位。")
        cleaned[int(unit_id)] = _clean_value(indicator, value)
    total = sum(cleaned.values(), Decimal(0))
    if total > parent_target.value or (total != parent_target.value and not allow_remainder):
        raise ValidationError(
            f"分解合计 {total.normalize():f} 与{parent}的目标 {parent_target.value.normalize():f} 不一致"
            f"（相差 {(parent_target.value - total).normalize():f}）。"
        )
    return [set_target(user, year, children[unit_id], indicator, value) for unit_id, value in cleaned.items()]


def distribution_gaps(year: int, indicator: str, units) -> list[tuple]:
    """(parent, parent target, sum of children's targets) wherever they do not agree."""
    gaps = []
    for unit in units:
        own = Target.objects.filter(year=year, unit=unit, indicator=indicator).first()
        children = Target.objects.filter(year=year, unit__parent=unit, indicator=indicator)
        if own is None or not children.exists():
            continue
        total = sum((target.value for target in children), Decimal(0))
        if total != own.value:
            gaps.append((unit, own.value, total))
    return gaps
