"""Ratio indicators on the engine's hand-made dataset (test_engine.dataset), by hand."""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.projects.models import Project
from zhaoshang.projects.services import StageClaim, submit_stage, verify_event
from zhaoshang.stats.ratios import Ratio, ratio_cells, ratio_value
from zhaoshang.stats.services import CountingRules, Period

pytestmark = pytest.mark.django_db
D = Decimal
JAN_JUL_2024 = Period.months(2024, 1, 7)
VERIFIED_ONLY = CountingRules()


def test_start_rate_is_the_cohorts_share_started_by_the_end_of_the_period(dataset):
    # Signed Jan–Jul 2024 (verified): P1, P4, P5 for town A (P4's count unit: 60 %), P2 for town B.
    # Started by 31 July: P1 only.
    assert ratio_value(Ratio.START_RATE, dataset.town_a, JAN_JUL_2024, VERIFIED_ONLY) == D(1) / D(3)
    assert ratio_value(Ratio.START_RATE, dataset.town_b, JAN_JUL_2024, VERIFIED_ONLY) == D(0)
    assert ratio_value(Ratio.START_RATE, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == D(1) / D(4)
    # A later start does not count for a period ending before it, and does once it is verified.
    p2 = Project.objects.get(name="P2")
    event = submit_stage(dataset.officer_b, p2, StageClaim(stage="started", date=datetime.date(2024, 9, 1)))
    verify_event(dataset.bureau, event)
    assert ratio_value(Ratio.START_RATE, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == D(1) / D(4)
    assert ratio_value(Ratio.START_RATE, dataset.county, Period.months(2024, 1, 9), VERIFIED_ONLY) == D(2) / D(4)


def test_no_signed_project_means_no_rate_rather_than_zero(dataset):
    assert ratio_value(Ratio.START_RATE, dataset.county, Period.months(2022, 1, 12), VERIFIED_ONLY) is None
    assert ratio_value(Ratio.PRODUCTION_RATE, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == D(0)


def test_funds_rate_is_cumulative_verified_funds_of_the_cohort_over_its_contracted_investment(dataset):
    # Town A: P1 1000.5 + 60 % of P4's 1000 (P1's 2000 is only submitted) over 20000 + 6000 + 3000.
    assert ratio_value(Ratio.FUNDS_RATE, dataset.town_a, JAN_JUL_2024, VERIFIED_ONLY) == D("1600.5") / D(29000)
    # Town B: 40 % of P4's 1000 + P2's 700 (the August tranche is after the period) over 5000 + 4000.
    assert ratio_value(Ratio.FUNDS_RATE, dataset.town_b, JAN_JUL_2024, VERIFIED_ONLY) == D(1100) / D(9000)
    assert ratio_value(Ratio.FUNDS_RATE, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == D("2700.5") / D(38000)


def test_average_size_and_investment_intensity(dataset):
    assert ratio_value(Ratio.AVERAGE_SIZE, dataset.county, JAN_JUL_2024, VERIFIED_ONLY) == D(38000) / D(4)
    for name, mu, assets in (("P1", "50", "15000"), ("P4", "20.5", "8000"), ("P2", None, "4000")):
        p = Project.objects.get(name=name)
        p.land_mu, p.fixed_asset_investment = (D(mu) if mu else None), D(assets)
        p.save()
    # Only projects with land count; P4's count unit is town A.
    assert ratio_value(Ratio.INVESTMENT_INTENSITY, dataset.town_a, JAN_JUL_2024, VERIFIED_ONLY) == D(23000) / D("70.5")
    assert ratio_value(Ratio.INVESTMENT_INTENSITY, dataset.town_b, JAN_JUL_2024, VERIFIED_ONLY) is None


def test_ratio_cells_rank_units_and_compare_with_last_year(dataset):
    cells = ratio_cells([dataset.town_a, dataset.town_b], [Ratio.START_RATE, Ratio.AVERAGE_SIZE], JAN_JUL_2024)
    town_a, town_b = cells[dataset.town_a.pk], cells[dataset.town_b.pk]
    assert (town_a[Ratio.START_RATE].numerator, town_a[Ratio.START_RATE].denominator) == (1, 3)
    assert (town_a[Ratio.START_RATE].rank, town_b[Ratio.START_RATE].rank) == (1, 2)
    # Town B signed P6 (8000) in April 2023, not started: last year 0 %, now 0 % → a change of 0 points.
    assert town_b[Ratio.START_RATE].last_year == 0 and town_b[Ratio.START_RATE].change == 0
    assert town_a[Ratio.START_RATE].last_year is None and town_a[Ratio.START_RATE].change is None
    # 平均项目规模 compares as growth: town B 9000/1 now against 8000/1 last year.
    assert town_b[Ratio.AVERAGE_SIZE].change == D(9000) / D(8000) - 1
    # The county's ratio is the sum of numerators over the sum of denominators, not an average.
    county = ratio_cells([dataset.county], [Ratio.START_RATE], JAN_JUL_2024)[dataset.county.pk]
    assert county[Ratio.START_RATE].value == D(1) / D(4)


def _nonzero(values: dict) -> dict:
    return {unit: value for unit, value in values.items() if value}


def test_every_ratio_from_the_rollup_equals_the_computation_from_the_rows(dataset):
    from zhaoshang.stats.ratios import _from_facts, parts, parts_from_rows

    for name, mu, assets in (("P1", "50", "15000"), ("P4", "20.5", "8000"), ("P2", "3.333", "4000")):
        p = Project.objects.get(name=name)
        p.land_mu, p.fixed_asset_investment = D(mu), D(assets)
        p.save()
    p2 = Project.objects.get(name="P2")
    verify_event(dataset.bureau, submit_stage(dataset.officer_b, p2, StageClaim(stage="started", date=datetime.date(2024, 9, 1))))  # fmt: skip
    periods = [JAN_JUL_2024, Period.months(2024, 1, 9), Period.months(2024, 3, 3), Period.year(2024), Period.year(2023)]
    periods += [Period.quarter(2024, 3), Period.months(2025, 1, 12)]
    assert all(_from_facts(period, CountingRules.from_settings()) for period in periods)
    for period in periods:
        for within in (None, dataset.county, dataset.town_a, dataset.town_b):
            for ratio in Ratio:
                from_facts = parts(ratio, period, within=within)
                from_rows = parts_from_rows(ratio, period, within=within)
                assert [_nonzero(part) for part in from_facts] == [_nonzero(part) for part in from_rows], (
                    ratio,
                    period,
                    within,
                )
    # A period across two years, or a part of a month, is computed from the rows.
    assert not _from_facts(Period.custom(datetime.date(2023, 7, 1), datetime.date(2024, 6, 30)), VERIFIED_ONLY)
    assert not _from_facts(Period.custom(datetime.date(2024, 1, 1), datetime.date(2024, 7, 15)), VERIFIED_ONLY)
