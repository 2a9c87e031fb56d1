"""A scheme scored by hand (see conftest for the county): each expected number is worked
out here with explicit Decimal arithmetic, from the projects and targets, not from the
engine."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from zhaoshang.assessment.choices import VetoMode
from zhaoshang.assessment.services import compute_scores, from_data, to_data
from zhaoshang.assessment.tests.conftest import TODAY
from zhaoshang.stats.choices import Indicator

pytestmark = pytest.mark.django_db
D = Decimal
CAP = D("1.2")


def pts(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def line_points(value, target, weight) -> Decimal:
    return pts(min(D(value) / D(target), CAP) * D(weight))


def expected_ytd_july():
    """城关镇 (A), 河口镇 (B), 石桥镇 (C), 新塘镇 (D) for 2024年1—7月."""
    a = (
        line_points(30000 + 120000, 20000, 60)  # 7.5 → capped at 1.2 → 72
        + line_points(2, 2, 40)  # 1.0 → 40
        + min(2 * D(2), D(3))  # two 世界500强 signings, at most 3 points
        + 1 * D(5)  # A2 is ≥ 10亿
    )
    b = (
        line_points(6000, 10000, 60)  # B2 is not verified: 0.6 → 36
        + line_points(1, 4, 40)  # 0.25 → 10
        - 1 * D("1.5")  # B1 past its agreed start (1 June), not started
        - 1 * D(4)  # one falsified record
        + D("36.5")  # adjustment
    )
    c = (
        line_points(3000, 5000, 60)  # 0.6 → 36
        + line_points(1, 1, 40)  # 40
        - 1 * D("1.5")  # C0: signed 2023, agreed start 2023-12-01, never started
        + D("2.5")
    )
    d_computed = D(0) + line_points(1, 1, 40)  # no 协议引资额 target: 0 points
    return {"A": a, "B": b, "C": c, "D": d_computed}


def by_name(scores):
    names = {"城关镇": "A", "河口镇": "B", "石桥镇": "C", "新塘镇": "D"}
    return {names[unit.unit_name]: unit for unit in scores.units}


def test_a_scheme_scored_by_hand_for_the_year_to_date(scheme):
    expected = expected_ytd_july()
    assert expected == {"A": D("120.00"), "B": D("77.00"), "C": D("77.00"), "D": D("40.00")}  # as worked on paper
    scores = compute_scores(scheme.extra["scheme"], "m7", today=TODAY)
    units = by_name(scores)
    assert scores.period_label == "2024年1—7月"
    assert scores.schedule == D(7) / D(12)
    for key in "ABC":
        assert units[key].total == expected[key], key
        assert not units[key].vetoed
    # 一票否决 (default): the total is 0 and the unit is ranked after everyone else.
    assert units["D"].vetoed and units["D"].computed_total == expected["D"] and units["D"].total == 0
    # Shared ranks: B and C tie at 77.00 → 1, 2, 2, 4.
    assert {key: unit.rank for key, unit in units.items()} == {"A": 1, "B": 2, "C": 2, "D": 4}
    assert [unit.rank for unit in scores.units] == [1, 2, 2, 4]


def test_the_breakdown_shows_every_input_number(scheme):
    units = by_name(compute_scores(scheme.extra["scheme"], "m7", today=TODAY))
    contracted = units["A"].indicators[0]
    assert (contracted.indicator, contracted.value, contracted.target) == (
        Indicator.CONTRACTED_INVESTMENT,
        D(150000),
        D(20000),
    )
    assert contracted.completion == D("7.5") and contracted.capped == CAP and contracted.points == D("72.00")
    assert contracted.schedule_gap == D("7.5") - D(7) / D(12)
    flag, big, _, missing, _ = units["A"].rules
    assert [item.label for item in flag.items] == ["A1", "A2"]
    assert (flag.count, flag.raw, flag.points) == (2, D(4), D(3))
    assert [item.project_id for item in big.items] == [scheme.extra["a2"].pk] and big.points == D(5)
    assert missing.count == 0 and missing.points == 0 and missing.wired  # no round closed yet
    b = units["B"]
    assert [item.project_id for item in b.rules[2].items] == [scheme.extra["b1"].pk]
    assert b.rules[2].points == D("-1.5") and b.rules[4].points == D(-4)
    assert [item.entry_id for item in b.rules[4].items] == [scheme.extra["falsified"].pk]
    assert [entry.points for entry in b.adjustments] == [D("36.5")]
    assert b.deduction_points == D("-5.5") and b.bonus_points == 0
    d = units["D"]
    assert d.indicators[0].target is None and d.indicators[0].completion is None and d.indicators[0].points == 0
    assert d.rules[2].count == 0  # D1's agreed start (1 September) is not yet due
    assert [entry.reason for entry in d.vetoes] == ["发生安全生产责任事故"]


def test_a_veto_may_keep_the_score_and_still_rank_last(scheme):
    s = scheme.extra["scheme"]
    s.veto_mode = VetoMode.LAST
    s.save()
    units = by_name(compute_scores(s, "m7", today=TODAY))
    assert units["D"].total == expected_ytd_july()["D"] == D(40)
    assert units["D"].rank == 4


def test_the_whole_year_counts_august_and_judges_deductions_today(scheme):
    units = by_name(compute_scores(scheme.extra["scheme"], "year", today=TODAY))
    a = units["A"]
    assert a.indicators[0].value == D(155000) and a.indicators[0].points == line_points(155000, 20000, 60)
    assert a.rules[0].count == 3 and a.rules[0].points == D(3)  # still at most 3
    assert a.indicators[0].schedule_gap == D("7.75") - 1
    # A period in January has none of it: no signings, no entries yet.
    january = by_name(compute_scores(scheme.extra["scheme"], "m1", today=TODAY))
    assert january["A"].total == 0 and january["B"].adjustments == [] and not january["D"].vetoed


def test_entries_after_the_period_do_not_count(scheme):
    units = by_name(compute_scores(scheme.extra["scheme"], "m4", today=TODAY))
    assert units["B"].rules[4].count == 0  # the falsified record is dated 10 May
    assert units["B"].adjustments == []
    assert units["B"].rules[2].count == 0  # on 30 April B1's agreed start was still ahead


def test_a_county_scheme_credits_its_towns_projects_to_the_county(scheme):
    """Assessing the county credits each project and entry below it to the county."""
    from zhaoshang.assessment.choices import UnitSelection
    from zhaoshang.assessment.models import AssessmentScheme
    from zhaoshang.assessment.services import save_scheme

    p = scheme
    city_scheme = save_scheme(
        p.bureau,
        AssessmentScheme(
            name="县区考核", year=2024, parent=p.city, selection=UnitSelection.CHOSEN, chosen_units=[p.county.pk]
        ),
        [(Indicator.SIGNED_COUNT, D(100))],
        [],
    )
    (county,) = compute_scores(city_scheme, "m7", today=TODAY).units
    assert county.indicators[0].value == 2 + 1 + 1 + 1  # A1, A2, B1, C1, D1
    assert county.indicators[0].target is None and county.total == 0


def test_scores_survive_the_snapshot_exactly(scheme):
    scores = compute_scores(scheme.extra["scheme"], "m7", today=TODAY)
    assert from_data(to_data(scores)) == scores
    data = to_data(scores)
    assert data["units"][0]["indicators"][0]["value"] == "150000"
    assert data["as_of"] == datetime.date(2024, 7, 31).isoformat()


def test_each_report_missing_from_a_closed_round_is_deducted(scheme):
    from zhaoshang.projects.models import Project
    from zhaoshang.scheduling.choices import RoundKind
    from zhaoshang.scheduling.services import close_round, open_round

    bureau = scheme.bureau
    round_ = open_round(
        bureau,
        kind=RoundKind.MONTHLY,
        year=2024,
        month=6,
        deadline=datetime.date(2024, 7, 5),
        projects=Project.objects.filter(pk__in=[scheme.extra["a2"].pk, scheme.extra["b1"].pk]),
    )
    close_round(bureau, round_)  # neither town reported
    before = by_name(compute_scores(scheme.extra["scheme"], "m7", today=TODAY))
    missing = before["A"].rules[3]
    assert missing.count == 1 and missing.points == D(-1)
    assert missing.items[0].project_id == scheme.extra["a2"].pk and "未报送" in missing.items[0].label
    assert before["B"].rules[3].points == D(-1) and before["C"].rules[3].count == 0
