"""Each built-in kind on hand-made projects with fixed dates: yellow, red, cleared."""

import datetime
from decimal import Decimal

from django.utils import timezone

from zhaoshang.alerts.rules import planned_share, verified_funds_yuan
from zhaoshang.alerts.tests.conftest import (
    D,
    claim,
    follow_up,
    negotiating,
    only,
    open_warnings,
    scan_on,
    signed,
    tranche,
)
from zhaoshang.funds.services import project_funds

# --- 签约未开工 ---------------------------------------------------------------------------------


def test_signed_not_started_turns_yellow_after_the_agreed_start_date_and_red_m_days_later(personas):
    only({"signed_not_started"})
    p = signed(personas, name="约定开工项目", agreed_start_on=D(2024, 6, 30))

    scan_on(D(2024, 6, 30))
    assert open_warnings() == [], "on the agreed date itself the project is not late yet"

    scan_on(D(2024, 7, 1))
    [warning] = open_warnings()
    assert (warning.level, warning.project_id, warning.unit_id) == ("yellow", p.pk, personas.town_a.pk)
    assert warning.since == D(2024, 7, 1)
    assert "协议约定 2024-06-30 前开工" in warning.message and "2024-04-12 签约" in warning.message

    scan_on(D(2024, 9, 28))  # 90 days late: still yellow
    assert open_warnings()[0].level == "yellow"
    scan_on(D(2024, 9, 29))  # 91 days late: red
    [red] = open_warnings()
    assert red.pk == warning.pk and red.level == "red" and red.level_changed_at is not None


def test_without_an_agreed_date_the_deadline_is_n_days_after_signing(personas):
    only({"signed_not_started"})
    signed(personas, name="未约定开工日期项目")  # signed 2024-04-12, N = 180 → 2024-10-09
    scan_on(D(2024, 10, 9))
    assert open_warnings() == []
    scan_on(D(2024, 10, 10))
    [warning] = open_warnings()
    assert warning.level == "yellow" and "签约后 180 天内（2024-10-09 前）开工" in warning.message


def test_only_a_verified_start_clears_it_and_an_unverified_signing_never_warns(personas):
    only({"signed_not_started"})
    p = signed(personas, name="开工待审核项目", agreed_start_on=D(2024, 6, 30))
    signed(personas, name="签约待审核项目", agreed_start_on=D(2024, 6, 30), verify=False)
    scan_on(D(2024, 8, 1))
    [warning] = open_warnings()
    assert warning.project_id == p.pk

    event = claim(personas, p, "started", D(2024, 7, 20), verify=False)
    scan_on(D(2024, 8, 1))
    assert [w.pk for w in open_warnings()] == [warning.pk], "a start waiting for verification does not count"

    from zhaoshang.projects.services import verify_event

    verify_event(personas.bureau, event)
    result = scan_on(D(2024, 8, 1))
    assert open_warnings() == []
    warning.refresh_from_db()
    assert warning.status == "cleared" and warning.cleared_at is not None
    assert result.kinds["signed_not_started"].cleared == 1


# --- 阶段停留超期 -------------------------------------------------------------------------------


def test_a_stage_held_past_its_limit_warns_and_moving_on_clears_it(personas):
    only({"stage_dwell"})
    p = signed(personas, name="停留项目")  # verified signed on 2024-04-12; limit 180 → due 2024-10-09
    scan_on(D(2024, 10, 9))
    assert open_warnings() == []
    scan_on(D(2024, 10, 10))
    [warning] = open_warnings()
    assert (warning.level, warning.key) == ("yellow", "signed")
    assert "自 2024-04-12 起处于「签约」阶段，超过时限 180 天" in warning.message
    scan_on(D(2024, 11, 9))  # 31 days over the limit: red (M = 30)
    assert open_warnings()[0].level == "red"

    claim(personas, p, "registered", D(2024, 11, 1))
    scan_on(D(2024, 11, 9))
    assert open_warnings() == [], "registered on 2024-11-01: 8 days in the new stage"
    warning.refresh_from_db()
    assert warning.status == "cleared"


def test_a_lead_counts_from_its_entry_and_limits_are_the_bureaus(personas):
    rules = only({"stage_dwell"})
    lead = negotiating(personas, name="线索项目")
    lead.stage = "lead"
    lead.save()
    entered = timezone.localdate(lead.created_at)  # the local day it was entered, as the scan counts days
    scan_on(entered + datetime.timedelta(days=45))
    assert open_warnings() == []
    scan_on(entered + datetime.timedelta(days=46))
    [warning] = open_warnings()
    assert (warning.key, warning.level) == ("lead", "yellow")

    rule = rules["stage_dwell"]
    rule.stage_limits = {**rule.stage_limits, "lead": 0}  # 0: the bureau does not check leads
    rule.save()
    scan_on(entered + datetime.timedelta(days=46))
    assert open_warnings() == []


# --- 长期未跟进 ---------------------------------------------------------------------------------


def test_no_follow_up_for_n_days_is_yellow_m_days_red_and_a_new_follow_up_clears_it(personas):
    only({"no_follow_up"})
    p = negotiating(personas, name="久未跟进项目")
    follow_up(personas, p, D(2024, 5, 1))
    scan_on(D(2024, 5, 31))  # 30 days: not yet
    assert open_warnings() == []
    scan_on(D(2024, 6, 1))
    [warning] = open_warnings()
    assert warning.level == "yellow" and warning.since == D(2024, 6, 1)
    assert "最近一次跟进是 2024-05-01" in warning.message
    scan_on(D(2024, 7, 1))  # 61 days: red
    assert open_warnings()[0].level == "red"

    follow_up(personas, p, D(2024, 6, 28))
    scan_on(D(2024, 7, 1))
    assert open_warnings() == []


def test_projects_verified_dropped_or_in_production_need_no_follow_up(personas):
    only({"no_follow_up"})
    dropped = negotiating(personas, name="退库项目")
    follow_up(personas, dropped, D(2024, 1, 5))
    scan_on(D(2024, 6, 1))
    assert [w.project_id for w in open_warnings()] == [dropped.pk]
    event = claim(personas, dropped, "dropped", D(2024, 2, 1), verify=False)
    scan_on(D(2024, 6, 1))
    assert open_warnings() == [], "a 退库 claim takes the project out of the library at once"
    from zhaoshang.projects.services import verify_event

    verify_event(personas.bureau, event)
    scan_on(D(2024, 6, 1))
    assert open_warnings() == []


# --- 资金到位滞后 -------------------------------------------------------------------------------


def test_funds_behind_the_plan_are_yellow_then_red_and_clear_when_money_arrives(personas):
    only({"funds_behind"})
    p = signed(personas, name="资金项目", on=D(2024, 1, 1), total="10000", agreed_production_on=D(2025, 1, 1))
    tranche(p, D(2024, 3, 1), "1000")  # 10 %
    tranche(p, D(2024, 3, 2), "3000", status="submitted")  # waiting: does not count

    # 2024-07-01: 182 of 366 days → plan 49.7 %, behind by 39.7 points: yellow (Y = 30, R = 50).
    assert planned_share(D(2024, 1, 1), D(2025, 1, 1), D(2024, 7, 1)) == Decimal(100) * 182 / 366
    scan_on(D(2024, 7, 1))
    [warning] = open_warnings()
    assert warning.level == "yellow"
    assert "资金到位率 10.0%（累计到位 1000 万元）" in warning.message and "应达 50%" in warning.message
    # the rate is project_funds' rate, exactly
    assert Decimal(verified_funds_yuan([p.pk])[p.pk]) / 10000 / p.total_investment == project_funds(p).rate

    scan_on(D(2024, 8, 14))  # 226/366 = 61.7 %: 51.7 points behind → red
    assert open_warnings()[0].level == "red"

    tranche(p, D(2024, 7, 2), "4000")  # 50 % in place: 11.7 points behind
    scan_on(D(2024, 8, 14))
    assert open_warnings() == []


def test_funds_plan_without_an_agreed_production_date_runs_n_days_from_signing(personas):
    only({"funds_behind"})
    signed(personas, name="无投产日期项目", on=D(2024, 1, 1), total="10000")  # plan: 730 days
    # 30 % of 730 days = 219 days → 2024-08-07 is the first day 30 points behind.
    scan_on(D(2024, 8, 6))
    assert open_warnings() == []
    scan_on(D(2024, 8, 7))
    [warning] = open_warnings()
    assert warning.level == "yellow" and warning.since == D(2024, 8, 7)


# --- 问题逾期 (supervision's problems) ------------------------------------------------------------


def test_a_problem_past_its_deadline_is_yellow_then_red_and_closing_it_clears_the_warning(personas, calendar):
    from zhaoshang.supervision.services import close_problem, escalate_overdue
    from zhaoshang.supervision.tests.factories import problem_of

    only({"problem_overdue"})
    p = negotiating(personas, name="用地问题项目")
    problem = problem_of(personas.officer_a, p)  # raised 2025-09-30, 3 working days → 2025-10-11
    assert problem.deadline == D(2025, 10, 11)
    scan_on(D(2025, 10, 11))
    assert open_warnings() == [], "the deadline day itself is in time"
    scan_on(D(2025, 10, 12))
    [warning] = open_warnings()
    assert (warning.level, warning.project_id, warning.unit_id, warning.since) == (
        "yellow",
        p.pk,
        personas.town_a.pk,
        D(2025, 10, 12),
    )
    assert "「用地」问题超过办结期限 2025-10-11 未办结：二期用地指标尚未落实" == warning.message
    escalate_overdue(D(2025, 10, 12))  # supervision marks it red: so does the warning
    scan_on(D(2025, 10, 12))
    assert open_warnings()[0].level == "red"

    close_problem(personas.officer_a, problem, satisfaction="satisfied", note="已落实用地指标", day=D(2025, 10, 13))
    scan_on(D(2025, 10, 13))
    assert open_warnings() == []


# --- 调度未报送 (scheduling rounds) -------------------------------------------------------------


def test_a_unit_that_misses_a_rounds_deadline_is_warned_until_it_reports(personas):
    from django.core.management import call_command

    from zhaoshang.scheduling.models import RoundItem
    from zhaoshang.scheduling.services import close_round, open_round, save_report

    call_command("load_reference", only="holidays", verbosity=0)
    only({"report_missing"})
    a = negotiating(personas, name="城关镇重点项目", total="50000")
    negotiating(personas, personas.town_b, name="河口镇重点项目", total="20000")
    round_ = open_round(personas.bureau, kind="monthly", year=2026, month=10, deadline=D(2026, 11, 5))
    scan_on(D(2026, 11, 5))
    assert open_warnings() == [], "the deadline day itself is in time"
    scan_on(D(2026, 11, 6))
    warnings = open_warnings()
    assert {(w.unit_id, w.level, w.subject_id, w.project_id) for w in warnings} == {
        (personas.town_a.pk, "yellow", round_.pk, None),
        (personas.town_b.pk, "yellow", round_.pk, None),
    }
    assert "报送截止 2026-11-05，仍有 1 个项目未报送" in warnings[0].message
    scan_on(D(2026, 11, 9))  # 4 days late: red (M = 3)
    assert {w.level for w in open_warnings()} == {"red"}

    item = RoundItem.objects.get(round=round_, project=a)
    item.progress, item.next_steps, item.investment_this_period = "按计划推进", "继续跟进", 0
    save_report(personas.officer_a, item, expected_version=item.version, submit=True)
    scan_on(D(2026, 11, 9))
    assert [w.unit_id for w in open_warnings()] == [personas.town_b.pk]
    close_round(personas.bureau, round_)
    scan_on(D(2026, 11, 10))
    assert open_warnings() == [], "a closed round's missing reports are history"
