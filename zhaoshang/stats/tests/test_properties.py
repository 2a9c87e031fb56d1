"""Properties that must hold for any data: parts add up, shares never double count."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.services import StageClaim, set_credits, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import CountingRules, Period, direct_values, rollup, value

pytestmark = pytest.mark.django_db
YEAR = Period.year(2024)
RULES = CountingRules()

amounts = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("999999.9999"), places=4)
shares = st.sampled_from([[100], [60, 40], [50, 50], [33.33, 33.33, 33.34], [0.01, 99.99]])
projects = st.lists(st.tuples(amounts, shares, st.integers(min_value=0, max_value=2)), min_size=1, max_size=4)


class Rollback(Exception):
    pass


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=projects)
def test_children_add_up_to_the_parent_and_shares_never_double_count(personas, data):
    units = [personas.town_a, personas.town_b, personas.county]
    try:
        with transaction.atomic():
            expected_total = Decimal(0)
            for index, (amount, split, first) in enumerate(data):
                owner = units[first]
                p = project(
                    personas.bureau, owner, name=f"项目{index}", investor=company(f"公司{index}"), total=str(amount)
                )
                rotated = units[first:] + units[:first]
                set_credits(
                    personas.bureau,
                    p,
                    [(unit, Decimal(str(percent)), "") for unit, percent in zip(rotated, split, strict=False)],
                )
                event = submit_stage(personas.bureau, p, StageClaim(stage="signed", date=datetime.date(2024, 5, 1)))
                verify_event(personas.bureau, event)
                FundsTranche.objects.create(
                    project=p, date=datetime.date(2024, 6, 1), amount=amount, status="verified", source="abroad"
                )
                expected_total += amount
            for indicator in (Indicator.CONTRACTED_INVESTMENT, Indicator.FUNDS_IN_PLACE, Indicator.SIGNED_COUNT):
                county = value(indicator, personas.county, YEAR, RULES)
                direct = direct_values(indicator, YEAR, RULES)
                parts = sum(value(indicator, town, YEAR, RULES) for town in (personas.town_a, personas.town_b))
                assert county == parts + direct.get(personas.county.pk, Decimal(0))
                tree = rollup(direct, [personas.city, personas.city_level, personas.bureau_unit, *units])
                assert tree[personas.city.pk] == county
            # Money is split exactly: the county gets every 元 once, whatever the shares.
            assert value(Indicator.CONTRACTED_INVESTMENT, personas.county, YEAR, RULES) == expected_total
            assert value(Indicator.SIGNED_COUNT, personas.county, YEAR, RULES) == len(data)
            raise Rollback
    except Rollback:
        pass
