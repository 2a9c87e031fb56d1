"""Demo targets for this year and last: set from what units actually did, scaled so that
some are ahead of 序时进度 and some behind, as in a real year."""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.stats.choices import MONEY_INDICATORS, Indicator
from zhaoshang.stats.services import CountingRules, Period, direct_values, rollup
from zhaoshang.targets.models import Target
from zhaoshang.targets.services import set_target

DEMO_INDICATORS = [
    Indicator.SIGNED_COUNT,
    Indicator.SIGNED_BIG_COUNT,
    Indicator.CONTRACTED_INVESTMENT,
    Indicator.FUNDS_IN_PLACE,
    Indicator.STARTED_COUNT,
]


@transaction.atomic
def build_targets(bureau, seed: int = 20250101) -> int:
    if Target.objects.exists():
        return 0
    today = timezone.localdate()
    units = list(Unit.objects.filter(active=True))
    assessed = [
        unit for unit in units if unit.type in (UnitType.CITY, UnitType.COUNTY, UnitType.ZONE, UnitType.CITY_LEVEL)
    ]
    rules = CountingRules()
    created = 0
    for year in (today.year - 1, today.year):
        months = 12 if year < today.year else max(today.month, 1)
        period = Period.months(year, 1, months)
        for indicator in DEMO_INDICATORS:
            values = rollup(direct_values(indicator, period, rules), units)
            for unit in assessed:
                rng = random.Random(f"{seed}-{year}-{unit.code}-{indicator}")
                done = values.get(unit.pk, Decimal(0))
                full_year = done * 12 / months
                target = full_year * Decimal(rng.choice([70, 85, 95, 105, 120, 140])) / 100
                if indicator in MONEY_INDICATORS:
                    target = max(Decimal(1000), (target / 1000).quantize(Decimal(1)) * 1000)
                else:
                    target = max(Decimal(1), target.quantize(Decimal(1)))
                set_target(bureau, year, unit, indicator, target)
                created += 1
    return created
