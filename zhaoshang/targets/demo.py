"""Demo targets for this year and last, as a bureau would set them: each unit's own part
from what it did, scaled so that some units are ahead of 序时进度 and some behind, and
every parent's target the sum of its children's (plus its own part), so the grid shows
no distribution gaps and the city's target is believable."""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.stats.choices import MONEY_INDICATORS, PROJECT_INDICATORS, Indicator
from zhaoshang.stats.services import CountingRules, Period, direct_values
from zhaoshang.targets.models import Target
from zhaoshang.targets.services import set_target

DEMO_INDICATORS = PROJECT_INDICATORS  # trips get no demo targets: the demo has no trips yet when this runs
# A target is the year's pace times one of these: below 100 the unit runs ahead of
# 序时进度, above 100 it falls behind.
STRETCH = [70, 85, 95, 105, 120, 140]


def _round(indicator: str, value: Decimal) -> Decimal:
    if indicator not in MONEY_INDICATORS:
        return max(Decimal(1), value.quantize(Decimal(1)))
    step = Decimal(10) if indicator == Indicator.FOREIGN_FUNDS else Decimal(100) if value < 10000 else Decimal(1000)
    return max(step, (value / step).quantize(Decimal(1)) * step)


def own_part(indicator: str, done: Decimal, months: int, rng: random.Random) -> Decimal:
    """A unit's own target for what it credits itself with: a full year at its pace, stretched."""
    if done <= 0:
        return Decimal(0)
    return _round(indicator, done * 12 / months * Decimal(rng.choice(STRETCH)) / 100)


@transaction.atomic
def build_targets(bureau, seed: int = 20250101) -> int:
    if Target.objects.exists():
        return 0
    today = timezone.localdate()
    units = list(Unit.objects.filter(active=True))
    deepest_first = sorted(units, key=lambda unit: unit.depth, reverse=True)
    rules = CountingRules()
    created = 0
    for year in (today.year - 1, today.year):
        months = 12 if year < today.year else max(today.month, 1)
        period = Period.months(year, 1, months)
        for indicator in DEMO_INDICATORS:
            done = direct_values(indicator, period, rules)
            totals: dict[int, Decimal] = {}
            for unit in deepest_first:  # children before their parent
                rng = random.Random(f"{seed}-{year}-{unit.code}-{indicator}")
                totals[unit.pk] = totals.get(unit.pk, Decimal(0)) + own_part(
                    indicator, done.get(unit.pk, Decimal(0)), months, rng
                )
                if unit.parent_id is not None:
                    totals[unit.parent_id] = totals.get(unit.parent_id, Decimal(0)) + totals[unit.pk]
            for unit in units:
                if totals[unit.pk] > 0:
                    set_target(bureau, year, unit, indicator, totals[unit.pk])
                    created += 1
    return created


# core.demo.build_city runs this after the demo modules of these apps: targets are set from what the demo projects and money reached.
DEMO_AFTER = ("projects", "funds")


def build(city) -> int:
    return build_targets(city.bureau)
