"""One rule, one place: the dashboard, the bulletin, the assessment deduction and the
warning list name the same 签约未开工 projects, and the phrases are the engine's."""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.alerts.tests.conftest import claim, only, scan_on, signed
from zhaoshang.assessment.choices import RuleKind, UnitSelection
from zhaoshang.assessment.models import AssessmentScheme
from zhaoshang.assessment.services import RuleInput, compute_scores, save_scheme
from zhaoshang.bulletins.services import generate
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.dashboard.services import build_dashboard
from zhaoshang.stats import services as stats
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import Period, gap_text, growth_text

D = datetime.date
JUDGED = D(2024, 7, 31)


@pytest.fixture
def library(personas):
    """Signed projects of 城关镇 around the boundary, judged on 31 July 2024."""
    p = personas
    late = signed(p, name="过约定日期", agreed_start_on=D(2024, 6, 30))
    # No agreed date: signed 10 January + 180 days = due 8 July.
    unagreed = signed(p, name="未约定满180天", on=D(2024, 1, 10))
    signed(p, name="约定当天", agreed_start_on=JUDGED)  # the due day itself is in time
    signed(p, name="未约定未满", on=D(2024, 3, 1))  # due 28 August
    started = signed(p, name="已开工", agreed_start_on=D(2024, 6, 1))
    claim(p, started, "started", D(2024, 6, 15))
    dropped = signed(p, name="申请退库", agreed_start_on=D(2024, 6, 1))
    claim(p, dropped, "dropped", D(2024, 7, 1), verify=False)  # a 退库 claim: out of the library
    signed(p, name="签约待审核", agreed_start_on=D(2024, 6, 1), verify=False)
    return {late.pk, unagreed.pk}


def test_every_page_names_the_same_signed_not_started_projects(personas, library, monkeypatch):
    monkeypatch.setattr(stats, "today", lambda: JUDGED)
    p = personas

    assert set(stats.signed_not_started(JUDGED).values_list("pk", flat=True)) == library

    only({"signed_not_started"})
    warned = {w.project_id for w in scan_on(JUDGED) and _open("signed_not_started")}
    assert warned == library

    board = build_dashboard(p.bureau, Period.months(2024, 1, 7), p.town_a)
    assert {project.pk for project in board.not_started} == library

    generated = generate(draft(p.bureau, p.county, year=2024, month=7), p.bureau)
    listed = generated.numbers["lists"]["not_started"]
    from zhaoshang.projects.models import Project

    assert set(Project.objects.filter(code__in=[item["key"] for item in listed]).values_list("pk", flat=True)) == (
        library
    )

    scheme = save_scheme(
        p.bureau,
        AssessmentScheme(name="乡镇考核", year=2024, parent=p.county, selection=UnitSelection.CHILDREN),
        [(Indicator.SIGNED_COUNT, Decimal(100))],
        [RuleInput(RuleKind.NOT_STARTED, Decimal(1))],
    )
    scores = compute_scores(scheme, "m7", today=D(2024, 8, 15))
    deducted = {
        item.project_id
        for unit in scores.units
        for line in unit.rules
        if line.kind == RuleKind.NOT_STARTED
        for item in line.items
    }
    assert deducted == library


def _open(kind):
    from zhaoshang.alerts.tests.conftest import open_warnings

    return open_warnings(kind)


def test_gap_and_growth_phrases_follow_the_rounded_value():
    assert gap_text(Decimal("0.05")) == "超序时进度5.0个百分点"
    assert gap_text(Decimal("-0.0325")) == "欠序时进度3.3个百分点"
    assert gap_text(Decimal("0.0004")) == "与序时进度持平", "never 超0.0个百分点"
    assert gap_text(Decimal("-0.0004")) == "与序时进度持平"
    assert gap_text(None) == "—"
    assert growth_text(Decimal("0.9")) == "同比增长90.0%"
    assert growth_text(Decimal("-0.03")) == "同比下降3.0%"
    assert growth_text(Decimal("-0.0001")) == "同比持平"
