"""Who is told what: the events of supervision and scheduling reach the right people."""

import datetime

import pytest

from zhaoshang.notifications.models import Notification
from zhaoshang.projects.tests.factories import project
from zhaoshang.supervision.models import Instruction
from zhaoshang.supervision.services import escalate_overdue, remind_due, reply_instruction, write_instruction
from zhaoshang.supervision.tests.factories import problem_of

pytestmark = pytest.mark.django_db


def inbox(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list((rows.filter(kind=kind) if kind else rows).values_list("title", flat=True))


def test_a_problem_is_assigned_reminded_and_escalated_to_its_unit_and_leader(personas, calendar):
    p = project(personas.officer_a, personas.town_a, name="电容器项目")
    problem = problem_of(personas.bureau, p, responsible_leader=personas.leader)
    assert inbox(personas.officer_a, "assignment") == ["交办问题：电容器项目（用地）"]
    assert inbox(personas.leader, "assignment") and not inbox(personas.officer_b)
    assert problem.deadline == datetime.date(2025, 10, 11)  # the 调休 Saturday after 国庆
    assert [pr.pk for pr in remind_due(datetime.date(2025, 10, 10))] == [problem.pk]
    assert inbox(personas.officer_a, "deadline") == ["问题明天到期：电容器项目"]
    escalate_overdue(datetime.date(2025, 10, 13))
    assert inbox(personas.leader, "overdue") == ["问题逾期升级督办：电容器项目"]
    escalate_overdue(datetime.date(2025, 10, 14))  # escalated once, told once
    assert len(inbox(personas.officer_a, "overdue")) == 1


def test_an_instruction_reaches_the_unit_and_the_reply_the_leader(personas):
    p = project(personas.officer_a, personas.town_a, name="电容器项目")
    instruction = write_instruction(personas.leader, Instruction(project=p, text="请加快用地报批。"))
    assert inbox(personas.officer_a, "instruction") == ["领导批示：电容器项目"]
    reply_instruction(personas.officer_a, instruction, "已上报自规局，本月完成。")
    assert inbox(personas.leader, "instruction") == ["批示已回复：电容器项目"]


def test_opening_a_round_and_reminding_tell_the_units_with_projects_in_it(personas, calendar):
    from zhaoshang.scheduling.services import open_round, remind_missing

    project(personas.officer_a, personas.town_a, name="电容器项目", is_key=True)
    round_ = open_round(personas.bureau, kind="monthly", year=2025, month=10)
    assert inbox(personas.officer_a, "round_opened") == [f"请报送{round_.title}"]
    assert not inbox(personas.officer_b)
    remind_missing(personas.bureau, round_)
    assert inbox(personas.officer_a, "deadline") == [f"催报：{round_.title}还有 1 个项目未报送"]
