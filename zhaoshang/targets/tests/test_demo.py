"""The demo year is believable: targets add up from the towns to the city, and some units
run ahead of 序时进度 while others fall behind, this year and last."""

from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.funds.demo import build_tranches
from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.demo import build_projects
from zhaoshang.stats.services import CountingRules, direct_values, rollup
from zhaoshang.stats.testing import rollup_rebuilt_once
from zhaoshang.targets.demo import build_targets
from zhaoshang.targets.models import Target
from zhaoshang.targets.services import all_distribution_gaps
from zhaoshang.targets.views import progress_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_year(personas):
    with rollup_rebuilt_once():
        build_projects(personas.bureau, [personas.town_a, personas.town_b, personas.bureau_unit], per_unit=12)
        build_tranches(personas.bureau)
        build_targets(personas.bureau)
    return personas


def test_demo_targets_add_up_and_some_units_are_ahead_and_some_behind(demo_year):
    today = timezone.localdate()
    units = list(Unit.objects.all())
    for year in (today.year - 1, today.year):
        assert Target.objects.filter(year=year, unit=demo_year.city).exists()
        assert Target.objects.filter(year=year, unit=demo_year.town_a).exists()
        assert all_distribution_gaps(year, units) == {}
        period = progress_period(year)
        ahead = behind = 0
        for target in Target.objects.filter(year=year):
            done = rollup(direct_values(target.indicator, period, CountingRules()), units).get(target.unit_id, 0)
            if Decimal(done) / target.value >= period.schedule:
                ahead += 1
            else:
                behind += 1
        assert ahead > 0 and behind > 0, (year, ahead, behind)


def test_demo_money_arrives_through_the_year_not_piled_on_today(demo_year):
    today = timezone.localdate()
    dates = list(FundsTranche.objects.values_list("date", flat=True))
    assert max(dates) <= today
    assert sum(1 for day in dates if day == today) < len(dates) / 10  # not piled up on today
    assert len({day.month for day in dates if day.year == today.year - 1}) >= 6
    assert "verified" in set(FundsTranche.objects.values_list("status", flat=True))
