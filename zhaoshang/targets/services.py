"""Setting targets: one at a time, a grid at once, or distributed from a parent unit."""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from zhaoshang.core.choices import Action
from zhaoshang.stats.choices import MONEY_INDICATORS, Indicator
from zhaoshang.targets.models import Target

MAX_VALUE = Decimal(10) ** 14  # the column holds 18 digits, 4 of them decimals


def _check(user, unit) -> None:
    # Targets are set by the bureau: a unit does not set its own yardstick.
    if not Target.access.allows(user, Action.VERIFY):
        raise PermissionDenied("目标任务由招商局下达。")


def may_distribute(user, parent) -> bool:
    """The bureau distributes any unit's target; a unit officer distributes the targets of
    their own unit (or a unit below it) to its children — never their own unit's target,
    which stays as the level above set it."""
    if Target.access.allows(user, Action.VERIFY):
        return True
    return (
        Target.access.allows(user, Action.CHANGE)
        and getattr(user, "unit", None) is not None
        and parent.is_within(user.unit)
    )


def clean_value(indicator: str, value) -> Decimal:
    """A target value checked for its indicator: a number, not negative, whole for counts,
    at most 4 decimals (1 元) for money."""
    try:
        value = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError({"value": f"无法识别的目标值「{value}」。"}) from None
    if not value.is_finite():
        raise ValidationError({"value": f"无法识别的目标值「{value}」。"})
    if value >= MAX_VALUE:
        raise ValidationError({"value": "目标值过大。"})
    if value != value.quantize(Decimal("0.0001"), rounding=ROUND_DOWN):
        raise ValidationError({"value": "目标值最多保留 4 位小数（万元精确到元）。"})
    if value < 0:
        raise ValidationError({"value": "目标值不能为负数。"})
    if indicator not in MONEY_INDICATORS and value != value.to_integral_value():
        raise ValidationError({"value": f"「{Indicator(indicator).label}」以个计，应为整数。"})
    return value


@transaction.atomic
def set_target(user, year: int, unit, indicator: str, value) -> Target | None:
    """Create, change or (with an empty value) remove one target. Audited per object."""
    _check(user, unit)
    return _save_target(year, unit, indicator, value)


def _save_target(year: int, unit, indicator: str, value) -> Target | None:
    if indicator not in Indicator.values:
        raise ValidationError({"indicator": f"未知指标「{indicator}」。"})
    existing = Target.objects.filter(year=year, unit=unit, indicator=indicator).first()
    if value in (None, ""):
        if existing:
            existing.delete()
        return None
    value = clean_value(indicator, value)
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
    if not may_distribute(user, parent):
        raise PermissionDenied("只能分解本单位（或下级单位）的目标任务。")
    parent_target = Target.objects.filter(year=year, unit=parent, indicator=indicator).first()
    if parent_target is None:
        raise ValidationError(f"{parent}尚未下达{year}年「{Indicator(indicator).label}」目标，无法分解。")
    children = {child.pk: child for child in parent.children.all()}
    cleaned = {}
    for unit_id, value in parts.items():
        if int(unit_id) not in children:
            raise ValidationError(f"只能分解给{parent}的直属下级单位。")
        cleaned[int(unit_id)] = clean_value(indicator, value)
    total = sum(cleaned.values(), Decimal(0))
    if total > parent_target.value or (total != parent_target.value and not allow_remainder):
        raise ValidationError(
            f"分解合计 {total.normalize():f} 与{parent}的目标 {parent_target.value.normalize():f} 不一致"
            f"（相差 {(parent_target.value - total).normalize():f}）。"
        )
    return [_save_target(year, children[unit_id], indicator, value) for unit_id, value in cleaned.items()]


def distribution_gaps(year: int, indicator: str, units) -> list[tuple]:
    """(parent, parent target, sum of children's targets) wherever they do not agree."""
    return all_distribution_gaps(year, units, [indicator]).get(indicator, [])


def all_distribution_gaps(year: int, units, indicators=None) -> dict[str, list[tuple]]:
    """{indicator: [(parent, parent target, sum of children's targets)]} for every unit of
    ``units`` whose children's targets do not add up to its own. One query for the year,
    whatever the number of units (the grid checks every cell)."""
    units = list(units)
    indicators = list(indicators or Indicator.values)
    ids = [unit.pk for unit in units]
    wanted = set(ids)
    own: dict[tuple[int, str], Decimal] = {}
    parts: dict[tuple[int, str], Decimal] = {}
    rows = Target.objects.filter(year=year, indicator__in=indicators).filter(
        models.Q(unit_id__in=ids) | models.Q(unit__parent_id__in=ids)
    )
    for unit_id, parent_id, indicator, value in rows.values_list("unit_id", "unit__parent_id", "indicator", "value"):
        if unit_id in wanted:
            own[(unit_id, indicator)] = Decimal(value)
        if parent_id is not None:
            parts[(parent_id, indicator)] = parts.get((parent_id, indicator), Decimal(0)) + Decimal(value)
    gaps: dict[str, list[tuple]] = {}
    for indicator in indicators:
        for unit in units:
            key = (unit.pk, indicator)
            if key in own and key in parts and own[key] != parts[key]:
                gaps.setdefault(indicator, []).append((unit, own[key], parts[key]))
    return gaps


def targets_for(year: int, unit_ids: list[int], indicators: list[str]) -> dict:
    """``{(unit id, indicator): value}`` of the year's targets, for the statistics
    engine's unit table (registered with stats in apps.py)."""
    return {
        (unit_id, indicator): value
        for unit_id, indicator, value in Target.objects.filter(
            year=year, unit__in=unit_ids, indicator__in=indicators
        ).values_list("unit_id", "indicator", "value")
    }
