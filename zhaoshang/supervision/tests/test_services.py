"""Problems keep deadlines in working days, escalate when late, close with the investor's
verdict, and count in 问题办结率; instructions are written by leaders and answered by units."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from zhaoshang.core.models import AuditLog
from zhaoshang.projects.tests.factories import project
from zhaoshang.supervision.models import Instruction, Problem, ProblemNote
from zhaoshang.supervision.services import (
    close_problem,
    closure_rate,
    closure_rates,
    escalate_overdue,
    open_problems_for,
    overdue_problems,
    parse_time_limit,
    reopen_problem,
    reply_instruction,
    unanswered_instructions,
    update_problem,
    write_instruction,
)
from zhaoshang.supervision.tests.factories import problem_of

pytestmark = pytest.mark.django_db
D = datetime.date


# --- Deadlines on the holiday calendar ---------------------------------------------------


def test_three_working_days_from_the_eve_of_national_day_end_on_the_make_up_saturday(calendar):
    # 2025: 1–8 October are holidays; Thursday 9 and Friday 10 are the first working days;
    # Saturday 11 October is a 调休 make-up workday, so it is the third.
    limit = parse_time_limit("3 个工作日", D(2025, 9, 30))
    assert limit.deadline == D(2025, 10, 11)
    assert limit.working_days == 3


@pytest.mark.parametrize("text", ["3 个工作日", "3个工作日", "3工作日", "3", " 3 "])
def test_the_time_limit_is_read_however_the_clerk_writes_it(calendar, text):
    assert parse_time_limit(text, D(2025, 9, 30)).deadline == D(2025, 10, 11)


def test_a_weekend_before_a_holiday_is_skipped_and_a_make_up_sunday_counts(calendar):
    # Friday 2025-09-26 + 1 working day: Sunday 28 September is a 调休 workday.
    assert parse_time_limit("1 个工作日", D(2025, 9, 26)).deadline == D(2025, 9, 28)
    # Spring festival 2026: Friday 13 Feb + 1 → Saturday 14 Feb (调休).
    assert parse_time_limit("1", D(2026, 2, 13)).deadline == D(2026, 2, 14)


def test_a_direct_date_is_allowed(calendar):
    limit = parse_time_limit("2025年10月20日", D(2025, 9, 30))
    assert limit.deadline == D(2025, 10, 20) and limit.working_days is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "请填写办理时限"),
        ("3天", "按工作日计算"),
        ("下周", "无法识别"),
        ("0 个工作日", "1—250"),
        ("2025-09-01", "不能早于"),
        ("2025年9月", "无法识别"),
    ],
)
def test_bad_time_limits_are_refused_in_chinese(calendar, text, words):
    with pytest.raises(ValidationError) as error:
        parse_time_limit(text, D(2025, 9, 30))
    assert words in error.value.messages[0]


def test_a_deadline_in_a_year_without_a_calendar_says_so_and_offers_a_date(calendar):
    with pytest.raises(ValidationError) as error:
        parse_time_limit("10 个工作日", D(2026, 12, 28))
    assert "2027年的节假日安排尚未录入" in error.value.messages[0]
    assert "直接填写截止日期" in error.value.messages[0]
    assert parse_time_limit("2027-01-15", D(2026, 12, 28)).deadline == D(2027, 1, 15)


# --- Raising, editing, closing, reopening -------------------------------------------------


def test_a_problem_gets_the_projects_unit_its_deadline_and_an_audit_row(personas, calendar):
    p = project(personas.officer_a, personas.town_a)
    problem = problem_of(personas.officer_a, p)
    assert problem.responsible_unit == personas.town_a
    assert problem.deadline == D(2025, 10, 11) and problem.working_days == 3
    assert problem.raised_by == personas.officer_a and problem.status == "open"
    assert AuditLog.objects.filter(
        object_type="supervision.problem", object_id=str(problem.pk), action="create"
    ).exists()


def test_another_town_cannot_raise_a_problem_on_this_project(personas, calendar):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(PermissionDenied):
        problem_of(personas.officer_b, p)
    with pytest.raises(PermissionDenied):
        problem_of(personas.leader, p)
    assert Problem.objects.count() == 0


def test_an_officer_assigns_within_their_subtree_and_the_bureau_anywhere(personas, calendar):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(ValidationError) as error:
        problem_of(personas.officer_a, p, responsible_unit=personas.bureau_unit)
    assert "请招商局指定" in error.value.message_dict["responsible_unit"][0]
    assert Problem.objects.count() == 0
    problem = problem_of(personas.bureau, p, responsible_unit=personas.bureau_unit)
    assert problem.responsible_unit == personas.bureau_unit


def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(personas, calendar):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(ValidationError) as error:
        problem_of(
            personas.officer_a,
            p,
            category="weather",
            description="  ",
            time_limit="很快",
            responsible_leader=personas.bureau,
        )
    errors = error.value.message_dict
    assert errors["category"] == ["请选择问题类别。"]
    assert errors["description"] == ["请填写问题描述。"]
    assert "无法识别的办理时限" in errors["time_limit"][0]
    assert "领导账号" in errors["responsible_leader"][0]
    with pytest.raises(ValidationError) as error:
        problem_of(personas.officer_a, p, raised_on=D(2099, 1, 1))
    assert error.value.message_dict["raised_on"] == ["提出日期不能晚于今天。"]
    assert Problem.objects.count() == 0


def test_an_edit_recomputes_the_deadline_and_a_stale_edit_is_refused(personas, calendar):
    from zhaoshang.core.models import StaleEditError

    problem = problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))
    version = problem.version
    problem.description = "用地指标和规划调整"
    update_problem(personas.officer_a, problem, time_limit="5 个工作日", expected_version=version)
    problem.refresh_from_db()
    assert problem.deadline == D(2025, 10, 14)  # 9, 10, 11 (Sat 调休), 13, 14
    stale = Problem.objects.get(pk=problem.pk)
    stale.description = "旧表单"
    with pytest.raises(StaleEditError):
        update_problem(personas.officer_a, stale, time_limit="5", expected_version=version)


def test_closing_needs_the_investors_verdict_and_a_note(personas, calendar):
    problem = problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))
    with pytest.raises(ValidationError) as error:
        close_problem(personas.officer_a, problem, satisfaction="", note="")
    assert set(error.value.message_dict) == {"satisfaction", "note"}
    with pytest.raises(ValidationError):
        close_problem(personas.officer_a, problem, satisfaction="satisfied", note="已解决", day=D(2025, 9, 1))
    with pytest.raises(PermissionDenied):
        close_problem(personas.officer_b, problem, satisfaction="satisfied", note="已解决")
    close_problem(personas.officer_a, problem, satisfaction="fairly", note="指标已调剂", day=D(2025, 10, 10))
    problem.refresh_from_db()
    assert (problem.status, problem.closed_on, problem.satisfaction) == ("closed", D(2025, 10, 10), "fairly")
    assert problem.notes.filter(kind="closed", text__contains="基本满意").exists()
    with pytest.raises(ValidationError):
        close_problem(personas.officer_a, problem, satisfaction="fairly", note="再次")


def test_only_the_bureau_reopens_with_a_reason_and_the_timeline_keeps_the_closing(personas, calendar):
    problem = problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))
    close_problem(personas.officer_a, problem, satisfaction="dissatisfied", note="企业仍有意见", day=D(2025, 10, 10))
    with pytest.raises(PermissionDenied):
        reopen_problem(personas.officer_a, problem, "企业不满意")
    with pytest.raises(ValidationError) as error:
        reopen_problem(personas.bureau, problem, " ")
    assert error.value.message_dict["reason"] == ["重新打开须说明原因。"]
    reopen_problem(personas.bureau, problem, "企业不满意，继续协调")
    problem.refresh_from_db()
    assert problem.status == "open" and problem.closed_on is None and problem.satisfaction == ""
    assert list(problem.notes.values_list("kind", flat=True)) == ["closed", "reopened"]


# --- Escalation ----------------------------------------------------------------------------


def test_overdue_problems_escalate_once_with_a_note_and_the_leader_sees_them(personas, calendar):
    p = project(personas.officer_a, personas.town_a)
    late = problem_of(personas.officer_a, p, responsible_leader=personas.leader)  # due 2025-10-11
    due_today = problem_of(personas.officer_a, p, time_limit="2025-10-13")
    closed = problem_of(personas.officer_a, p)
    close_problem(personas.officer_a, closed, satisfaction="satisfied", note="已解决", day=D(2025, 10, 9))

    escalated = escalate_overdue(D(2025, 10, 13))
    assert escalated == [late]
    late.refresh_from_db()
    assert late.escalated_on == D(2025, 10, 13) and late.status_badge == "red"
    note = late.notes.get(kind="escalated")
    assert "已逾期 1 个工作日" in note.text and "市领导" in note.text
    assert escalate_overdue(D(2025, 10, 14)) == [due_today]  # the late one is not escalated twice
    assert AuditLog.objects.filter(object_type="supervision.problem", object_id=str(late.pk), action="update").exists()
    assert late in open_problems_for(personas.leader)


def test_the_daily_command_escalates(personas, calendar, capsys):
    problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))
    call_command("escalate_problems", "--date", "2025-10-20")
    assert "共升级 1 个逾期问题" in capsys.readouterr().out
    assert AuditLog.objects.filter(object_type="supervision.problem", action="update", source="command").exists()


def test_overdue_problems_for_bulletins_and_for_a_user(personas, calendar):
    a = problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))
    b = problem_of(personas.officer_b, project(personas.officer_b, personas.town_b, name="河口镇物流园"))
    on = D(2025, 10, 12)
    assert set(overdue_problems(None, on)) == {a, b}
    assert list(overdue_problems(personas.officer_a, on)) == [a]
    assert list(overdue_problems(None, D(2025, 10, 11))) == []  # the deadline day is still in time


def test_open_problems_for_each_person(personas, calendar):
    mine = problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))
    other = problem_of(personas.officer_b, project(personas.officer_b, personas.town_b, name="河口镇物流园"))
    assert list(open_problems_for(personas.officer_a)) == [mine]
    assert set(open_problems_for(personas.county_officer)) == {mine, other}
    assert set(open_problems_for(personas.bureau)) == {mine, other}  # both overdue today
    assert list(open_problems_for(personas.leader)) == []  # not assigned, not escalated yet
    escalate_overdue(D(2025, 10, 20))
    assert set(open_problems_for(personas.leader)) == {mine, other}
    assert list(open_problems_for(personas.sysadmin)) == []


# --- 问题办结率 -----------------------------------------------------------------------------


def test_the_closure_rate_follows_the_definition_on_a_hand_made_set(personas, calendar):
    pa = project(personas.officer_a, personas.town_a)
    pb = project(personas.officer_b, personas.town_b, name="河口镇物流园")

    def make(p, user, raised, deadline, closed_on=None):
        problem = problem_of(user, p, raised_on=raised, time_limit=deadline.isoformat())
        if closed_on:
            close_problem(user, problem, satisfaction="satisfied", note="已解决", day=closed_on)
        return problem

    a, b = personas.officer_a, personas.officer_b
    make(pa, a, D(2025, 9, 1), D(2025, 10, 10), D(2025, 10, 9))  # due, closed in time
    make(pa, a, D(2025, 9, 1), D(2025, 10, 20))  # due, open
    make(pa, a, D(2025, 9, 1), D(2025, 9, 20), D(2025, 10, 5))  # due (late), closed in the period
    make(pa, a, D(2025, 9, 1), D(2025, 9, 15), D(2025, 9, 14))  # settled before: not due
    make(pb, b, D(2025, 9, 1), D(2025, 11, 10), D(2025, 10, 25))  # closed early: due and closed
    make(pb, b, D(2025, 9, 1), D(2025, 11, 10))  # deadline after the period: not due
    make(pb, b, D(2025, 9, 1), D(2025, 10, 15), D(2025, 11, 3))  # closed after the period: open then
    make(pb, b, D(2025, 7, 1), D(2025, 8, 1))  # long overdue, still open: due

    start, end = D(2025, 10, 1), D(2025, 10, 31)
    county = closure_rate(personas.county, start, end)
    assert (county.due, county.closed) == (6, 3)
    assert county.rate == Decimal("0.5")
    rates = closure_rates([personas.county, personas.town_a, personas.town_b, personas.bureau_unit], start, end)
    assert (rates[personas.town_a.pk].due, rates[personas.town_a.pk].closed) == (3, 2)
    assert (rates[personas.town_b.pk].due, rates[personas.town_b.pk].closed) == (3, 1)
    assert rates[personas.county.pk] == county  # the parent is its subtree, not an average
    assert rates[personas.bureau_unit.pk].rate is None  # nothing due: "—", not 0
    assert closure_rate([personas.town_a, personas.town_b], start, end) == county
    assert closure_rate(None, start, end) == county


def test_a_reopened_problem_counts_as_open_again(personas, calendar):
    problem = problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))
    close_problem(personas.officer_a, problem, satisfaction="satisfied", note="已解决", day=D(2025, 10, 10))
    period = (D(2025, 10, 1), D(2025, 10, 31))
    assert closure_rate(personas.town_a, *period).rate == 1
    reopen_problem(personas.bureau, problem, "企业反映问题复发")
    assert closure_rate(personas.town_a, *period).rate == 0


# --- Instructions --------------------------------------------------------------------------


def test_a_leader_instructs_and_the_unit_replies(personas, calendar):
    p = project(personas.officer_a, personas.town_a)
    problem = problem_of(personas.officer_a, p)
    instruction = write_instruction(
        personas.leader, Instruction(project=p, problem=problem, text="请一周内解决。", written_on=D(2025, 10, 9))
    )
    assert instruction.leader == personas.leader
    assert list(unanswered_instructions(personas.officer_a)) == [instruction]
    assert list(unanswered_instructions(personas.officer_b)) == []
    with pytest.raises(PermissionDenied):
        reply_instruction(personas.officer_b, instruction, "不是我们的")
    with pytest.raises(PermissionDenied):
        reply_instruction(personas.leader, instruction, "领导不回复自己的批示")
    with pytest.raises(ValidationError) as error:
        reply_instruction(personas.officer_a, instruction, "已落实", D(2025, 10, 1))
    assert error.value.message_dict["replied_on"] == ["回复日期不能早于批示日期。"]
    reply_instruction(personas.officer_a, instruction, "已召开协调会", D(2025, 10, 10))
    assert list(unanswered_instructions(personas.officer_a)) == []
    assert AuditLog.objects.filter(object_type="supervision.instruction", action="update").exists()


def test_officers_do_not_write_instructions_and_the_bureau_names_the_leader(personas, calendar):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(PermissionDenied):
        write_instruction(personas.officer_a, Instruction(project=p, text="自己批示"))
    with pytest.raises(ValidationError) as error:
        write_instruction(personas.bureau, Instruction(project=p, text="代录"))
    assert "批示领导" in error.value.message_dict["leader"][0]
    with pytest.raises(ValidationError) as error:
        write_instruction(personas.bureau, Instruction(project=p, text="代录", leader=personas.officer_a))
    assert error.value.message_dict["leader"] == ["批示领导须是领导账号。"]
    other = problem_of(personas.officer_b, project(personas.officer_b, personas.town_b, name="河口镇物流园"))
    with pytest.raises(ValidationError) as error:
        write_instruction(personas.bureau, Instruction(project=p, problem=other, text="x", leader_name="王市长"))
    assert "不属于该项目" in error.value.message_dict["problem"][0]
    made = write_instruction(personas.bureau, Instruction(project=p, text="代录", leader_name=" 王市长 "))
    assert made.leader_display == "王市长" and made.written_by == personas.bureau
    assert Instruction.objects.count() == 1 and ProblemNote.objects.count() == 0


def test_an_escalation_makes_an_edit_form_opened_before_it_stale(personas, calendar):
    from zhaoshang.core.models import StaleEditError

    late = problem_of(personas.officer_a, project(personas.officer_a, personas.town_a))  # due 2025-10-11
    opened = Problem.objects.get(pk=late.pk)
    escalate_overdue(D(2025, 10, 13))
    opened.description = "打开得早的表单"
    with pytest.raises(StaleEditError):
        update_problem(personas.officer_a, opened, time_limit="5", expected_version=opened.version)
    assert Problem.objects.get(pk=late.pk).escalated_on == D(2025, 10, 13)
