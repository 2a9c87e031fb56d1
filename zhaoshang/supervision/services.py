"""Supervision workflows: raise a problem with a deadline in working days, note its
progress, escalate it when overdue, close it with the investor's satisfaction, reopen it;
leaders' instructions and their replies; and 问题办结率.

Each write is one transaction through the audited models; permissions are decided by the
models' access rules (``restrict``), never by comparing units here.

Other parts call: ``overdue_problems`` (bulletins, warnings), ``closure_rate`` /
``closure_rates`` (assessment), ``escalate_overdue`` (the daily command),
``open_problems_for`` (home pages).
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.choices import Action
from zhaoshang.core.events import EventType, emit
from zhaoshang.core.limits import date_problem
from zhaoshang.core.parsing import ParseError, parse_date
from zhaoshang.notifications.choices import NotificationKind
from zhaoshang.projects.models import Project
from zhaoshang.reference.services import CalendarYearUnknown, WorkCalendar
from zhaoshang.supervision.choices import NoteKind, ProblemCategory, ProblemStatus, Satisfaction
from zhaoshang.supervision.models import Instruction, Problem, ProblemNote

MAX_WORKING_DAYS = 250  # about a working year; a longer 限时 is not a deadline

# --- Deadlines --------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLimit:
    """What the clerk typed as 办理时限: N working days, or a date."""

    deadline: datetime.date
    working_days: int | None


_WORKING_DAYS = re.compile(r"^(\d{1,4})\s*(?:个)?\s*(?:工作日|工作天)?$")


def parse_time_limit(text: str, start: datetime.date) -> TimeLimit:
    """「3 个工作日」, 「3」 or a date (2025-10-10, 2025年10月10日) → the deadline.

    N working days are counted on the holiday calendar after ``start`` (the day it was
    raised does not count), 调休 Saturdays included. Raises ValidationError in Chinese."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写办理时限：工作日数（如「5 个工作日」）或截止日期。")
    if date_problem(start):  # a typed 提出日期 of 9999-12-31 overflowed the calendar
        raise ValidationError(f"提出{date_problem(start)}。")
    match = _WORKING_DAYS.match(text)
    if match:
        days = int(match.group(1))
        if not 1 <= days <= MAX_WORKING_DAYS:
            raise ValidationError(f"办理时限应为 1—{MAX_WORKING_DAYS} 个工作日。")
        try:
            return TimeLimit(WorkCalendar().add_working_days(start, days), days)
        except CalendarYearUnknown as error:
            raise ValidationError(f"{error} 也可以直接填写截止日期。") from None
    if "天" in text and "工作" not in text:
        raise ValidationError("办理时限按工作日计算，请写「N 个工作日」，或直接填写截止日期。")
    try:
        parsed = parse_date(text)
    except ParseError:
        parsed = None
    if parsed is None or parsed.precision != "day":
        raise ValidationError(f"无法识别的办理时限「{text}」：请写「5 个工作日」或截止日期（如 2025-10-10）。")
    if parsed.date < start:
        raise ValidationError("截止日期不能早于问题提出日期。")
    if date_problem(parsed.date):
        raise ValidationError(f"截止{date_problem(parsed.date)}。")
    return TimeLimit(parsed.date, None)


def describe_time_limit(limit: TimeLimit) -> str:
    weekday = "一二三四五六日"[limit.deadline.weekday()]
    day = f"{limit.deadline.year}年{limit.deadline.month}月{limit.deadline.day}日（周{weekday}）"
    return f"{limit.working_days} 个工作日，截止 {day}" if limit.working_days else f"截止 {day}"


# --- Problems ---------------------------------------------------------------------------


def _tell_about_problem(problem: Problem, kind: str, title: str, body: str = "") -> None:
    """The responsible unit (its officers and robots) and the responsible leader's account."""
    from django.urls import reverse

    from zhaoshang.notifications.services import notify, notify_unit

    url = reverse("supervision:detail", args=[problem.pk])
    notify_unit(problem.responsible_unit, kind, title, url=url, body=body)
    if problem.responsible_leader_id:
        notify([problem.responsible_leader], kind, title, url=url, body=body)


def _can(model, user, action, pk) -> bool:
    return model.objects.restrict(user, action).filter(pk=pk).exists()


def _validate_problem(problem: Problem, time_limit: str) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if problem.category not in ProblemCategory.values:
        errors["category"] = "请选择问题类别。"
    if not (problem.description or "").strip():
        errors["description"] = "请填写问题描述。"
    if problem.raised_on and problem.raised_on > today:
        errors["raised_on"] = "提出日期不能晚于今天。"
    if problem.responsible_unit_id is None:
        errors["responsible_unit"] = "请选择责任单位。"
    elif not Unit.objects.filter(pk=problem.responsible_unit_id, active=True).exists():
        errors["responsible_unit"] = "责任单位已停用，请另选。"
    if problem.responsible_leader_id is not None:
        leader = User.objects.filter(pk=problem.responsible_leader_id).first()
        if leader is None or leader.role != Role.LEADER or not leader.is_active:
            errors["responsible_leader"] = "责任领导须是在用的领导账号；也可以只填写领导姓名。"
    if "raised_on" not in errors and problem.raised_on:
        try:
            limit = parse_time_limit(time_limit, problem.raised_on)
        except ValidationError as error:
            errors["time_limit"] = "；".join(error.messages)
        else:
            problem.deadline, problem.working_days = limit.deadline, limit.working_days
    if errors:
        raise ValidationError(errors)
    problem.description = problem.description.strip()
    problem.responsible_leader_name = problem.responsible_leader_name.strip()
    problem.full_clean(exclude=["project", "raised_by", "responsible_unit", "responsible_leader", "closed_by"])


def _check_assignable(user, problem: Problem) -> None:
    """An officer assigns problems within their own unit's subtree (or to the project's own
    units); handing one to another department is the bureau's call, which sees every unit."""
    project = Project.objects.get(pk=problem.project_id)
    if problem.responsible_unit_id in (project.responsible_unit_id, project.landing_unit_id):
        return
    if not Unit.objects.restrict(user).filter(pk=problem.responsible_unit_id).exists():
        raise ValidationError(
            {"responsible_unit": "只能指定本单位或下级单位为责任单位；需要其他部门办理的，请招商局指定。"}
        )


@transaction.atomic
def raise_problem(user, problem: Problem, *, time_limit: str) -> Problem:
    """A unit (or the bureau) puts a problem of its project on the list. The responsible
    unit defaults to the project's; the deadline comes from ``time_limit``."""
    if not _can(Project, user, Action.CHANGE, problem.project_id):
        raise PermissionDenied("该项目不在您的管理范围内，不能为其提出问题。")
    if problem.responsible_unit_id is None:
        problem.responsible_unit_id = problem.project.responsible_unit_id
    if problem.raised_on is None:
        problem.raised_on = timezone.localdate()
    _check_assignable(user, problem)
    _validate_problem(problem, time_limit)
    problem.raised_by = user
    problem.status = ProblemStatus.OPEN
    problem.save()
    _tell_about_problem(
        problem,
        NotificationKind.ASSIGNMENT,
        f"交办问题：{problem.project.name}（{problem.get_category_display()}）",
        f"办结期限 {problem.deadline:%Y-%m-%d}。{problem.description[:200]}",
    )
    return problem


@transaction.atomic
def update_problem(user, problem: Problem, *, time_limit: str, expected_version: int) -> Problem:
    """Correct an open problem (category, text, responsibility, deadline). Raises
    StaleEditError when someone saved it since the form was opened."""
    if not _can(Problem, user, Action.CHANGE, problem.pk):
        raise PermissionDenied("该问题不在您的管理范围内。")
    stored = Problem.objects.get(pk=problem.pk)
    if stored.status != ProblemStatus.OPEN:
        raise ValidationError("已办结的问题不能修改；如需继续办理，请招商局重新打开。")
    if problem.project_id != stored.project_id:
        raise ValidationError({"project": "不能把问题改到其他项目。"})
    if problem.responsible_unit_id != stored.responsible_unit_id:
        _check_assignable(user, problem)
    _validate_problem(problem, time_limit)
    if problem.deadline != stored.deadline and problem.deadline >= timezone.localdate():
        problem.escalated_on = None  # a new deadline not yet passed: no longer escalated
    problem.save_versioned(expected_version)
    return problem


def _locked_problem(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _note_date(problem: Problem, day: datetime.date | None, label: str) -> datetime.date:
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"date": f"{label}不能晚于今天。"})
    if day < problem.raised_on:
        raise ValidationError({"date": f"{label}不能早于问题提出日期（{problem.raised_on:%Y-%m-%d}）。"})
    return day


@transaction.atomic
def add_note(user, problem: Problem, text: str, day: datetime.date | None = None) -> ProblemNote:
    """A progress note (办理进展) by the unit or the bureau."""
    if not _can(Problem, user, Action.CHANGE, problem.pk):
        raise PermissionDenied("该问题不在您的管理范围内。")
    problem = _locked_problem(problem)
    if problem.status != ProblemStatus.OPEN:
        raise ValidationError("已办结的问题不能再添加进展；如需继续办理，请招商局重新打开。")
    if not (text or "").strip():
        raise ValidationError({"text": "请填写办理进展。"})
    day = _note_date(problem, day, "进展日期")
    return ProblemNote.objects.create(problem=problem, kind=NoteKind.PROGRESS, date=day, text=text.strip(), by=user)


@transaction.atomic
def close_problem(user, problem: Problem, *, satisfaction: str, note: str, day: datetime.date | None = None) -> Problem:
    """办结: the unit (or the bureau) closes the problem with the investor's satisfaction."""
    if not _can(Problem, user, Action.CHANGE, problem.pk):
        raise PermissionDenied("该问题不在您的管理范围内。")
    problem = _locked_problem(problem)
    if problem.status != ProblemStatus.OPEN:
        raise ValidationError("该问题已办结。")
    errors = {}
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = "请选择企业满意度。"
    if not (note or "").strip():
        errors["note"] = "请填写办结情况。"
    if errors:
        raise ValidationError(errors)
    day = _note_date(problem, day, "办结日期")
    problem.status = ProblemStatus.CLOSED
    problem.closed_on = day
    problem.closed_by = user
    problem.satisfaction = satisfaction
    problem.closing_note = note.strip()
    problem.version += 1  # an edit form opened before the closing is now stale
    problem.save()
    ProblemNote.objects.create(
        problem=problem,
        kind=NoteKind.CLOSED,
        date=day,
        text=f"企业满意度：{Satisfaction(satisfaction).label}。{note.strip()}",
        by=user,
    )
    return problem


@transaction.atomic
def reopen_problem(user, problem: Problem, reason: str, *, time_limit: str = "") -> Problem:
    """The bureau reopens a closed problem (the investor is not satisfied, the fix did
    not hold), with a reason and optionally a new time limit counted from today. The
    closing is undone in the record; the timeline keeps it."""
    if not Problem.access.allows(user, Action.VERIFY):
        raise PermissionDenied("只有招商局可以重新打开问题。")
    problem = _locked_problem(problem)
    if problem.status != ProblemStatus.CLOSED:
        raise ValidationError("该问题尚未办结，无需重新打开。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "重新打开须说明原因。"})
    today = timezone.localdate()
    text = f"重新打开：{reason.strip()}"
    if (time_limit or "").strip():
        try:
            limit = parse_time_limit(time_limit, today)
        except ValidationError as error:
            raise ValidationError({"time_limit": error.messages}) from None
        problem.deadline, problem.working_days = limit.deadline, limit.working_days
        problem.escalated_on = None
        text += f"（新的办理时限：{describe_time_limit(limit)}）"
    problem.status = ProblemStatus.OPEN
    problem.closed_on = None
    problem.closed_by = None
    problem.satisfaction = ""
    problem.closing_note = ""
    problem.version += 1
    problem.save()
    ProblemNote.objects.create(problem=problem, kind=NoteKind.REOPENED, date=today, text=text, by=user)
    return problem


def overdue_problems(user, on: datetime.date) -> QuerySet:
    """Open problems past their deadline on ``on`` (the deadline day itself is in time).
    ``user=None`` means all of them (bulletins, the warning scan); otherwise what the user
    may read."""
    problems = Problem.objects.all() if user is None else Problem.objects.restrict(user)
    return problems.filter(status=ProblemStatus.OPEN, deadline__lt=on)


@transaction.atomic
def escalate_overdue(today: datetime.date | None = None) -> list[Problem]:
    """Mark every overdue, not yet escalated problem as escalated on ``today`` (shown red,
    and on the responsible leader's list) with a note in its timeline. Run daily by
    ``manage.py escalate_problems``; running it twice a day escalates nothing twice."""
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    escalated = []
    for problem in (
        overdue_problems(None, today)
        .filter(escalated_on__isnull=True)
        .select_related("responsible_leader", "responsible_unit")
    ):
        # Locked alone: PostgreSQL cannot lock the nullable side of the leader's outer join.
        problem = (
            Problem.objects.select_for_update(of=("self",))
            .select_related("responsible_leader", "responsible_unit")
            .get(pk=problem.pk)
        )
        problem.escalated_on = today
        problem.version += 1  # an edit form opened before the escalation is now stale
        problem.save()
        try:
            late = f"已逾期 {calendar.working_days_between(problem.deadline, today)} 个工作日"
        except CalendarYearUnknown:
            late = f"已逾期 {(today - problem.deadline).days} 天"
        leader = problem.leader_display
        ProblemNote.objects.create(
            problem=problem,
            kind=NoteKind.ESCALATED,
            date=today,
            text=f"超过办结期限 {problem.deadline:%Y-%m-%d}，{late}，"
            + (f"升级由责任领导{leader}督办。" if leader else "升级督办，请明确责任领导。"),
        )
        _tell_about_problem(
            problem, NotificationKind.OVERDUE, f"问题逾期升级督办：{problem.project.name}", f"超过办结期限，{late}。"
        )
        escalated.append(problem)
    if escalated:
        emit(EventType.PROBLEM_ESCALATED, Problem, escalated)
    return escalated


def remind_due(today: datetime.date | None = None) -> list[Problem]:
    """Open problems due on the next working day: their unit and leader are reminded once
    (the daily run on the day before the deadline)."""
    today = today or timezone.localdate()
    try:
        tomorrow = WorkCalendar().add_working_days(today, 1)
    except CalendarYearUnknown:
        return []
    due = list(
        Problem.objects.filter(status=ProblemStatus.OPEN, deadline=tomorrow).select_related(
            "project", "responsible_unit", "responsible_leader"
        )
    )
    for problem in due:
        _tell_about_problem(
            problem,
            NotificationKind.DEADLINE,
            f"问题明天到期：{problem.project.name}",
            f"办结期限 {problem.deadline:%Y-%m-%d}。",
        )
    return due


def open_problems_for(user) -> QuerySet:
    """The open problems a person should act on, most urgent first (home pages):
    a leader — those assigned to them, and escalated ones with no leader's account;
    an officer — those of their unit's subtree as responsible unit;
    the bureau — the overdue and escalated ones everywhere."""
    problems = Problem.objects.restrict(user).filter(status=ProblemStatus.OPEN)
    role = getattr(user, "role", None)
    if role == Role.LEADER:
        problems = problems.filter(
            Q(responsible_leader=user) | Q(responsible_leader__isnull=True, escalated_on__isnull=False)
        )
    elif role == Role.OFFICER:
        problems = problems.filter(responsible_unit__path__startswith=user.unit.path)
    elif role == Role.BUREAU:
        problems = problems.filter(Q(escalated_on__isnull=False) | Q(deadline__lt=timezone.localdate()))
    else:
        return problems.none()
    return problems.select_related("project", "responsible_unit", "responsible_leader").order_by("deadline", "id")


# --- 问题办结率 --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureRate:
    """问题办结率 = closed ÷ due over a period; ``rate`` is None when nothing was due."""

    due: int
    closed: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.closed) / Decimal(self.due) if self.due else None

    @property
    def open(self) -> int:
        return self.due - self.closed


CLOSURE_RULE = (
    "问题办结率 = 已办结 ÷ 应办结。应办结：统计期末前提出、期初时尚未办结，且办结期限不晚于期末"
    "（或在统计期内已提前办结）的问题；已办结：其中在期末前办结的。按责任单位统计，上级单位含下级。"
    "重新打开的问题按未办结计。"
)


def _due_condition(start: datetime.date, end: datetime.date) -> tuple[Q, Q]:
    """(due, closed-of-due) as conditions on Problem rows.

    Due in [start, end]: raised by ``end``, not already closed before ``start`` (settled
    in an earlier period), and either its deadline falls by ``end`` (in the period or
    earlier, still open at the start) or it was closed within the period ahead of a later
    deadline — so an early closure counts on both sides and the rate never exceeds 100%.
    Closed: of those, closed by ``end``. A reopened problem has no closing date, so it
    counts as open until it is closed again. Reproducible from the rows at any time:
    a problem closed after ``end`` counts as open in that period."""
    in_time = Q(raised_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    due = in_time & (Q(deadline__lte=end) | Q(closed_on__range=(start, end)))
    closed = due & Q(closed_on__isnull=False, closed_on__lte=end)
    return due, closed


def _counts_by_unit(start, end, problems=None) -> dict[int, tuple[int, int]]:
    due, closed = _due_condition(start, end)
    problems = Problem.objects.all() if problems is None else problems
    rows = (
        problems.filter(due)
        .order_by()
        .values("responsible_unit")
        .annotate(due=Count("pk"), closed=Count("pk", filter=closed))
    )
    return {row["responsible_unit"]: (row["due"], row["closed"]) for row in rows}


def closure_rate(
    units_or_subtree: Unit | Iterable[Unit] | None, period_start: datetime.date, period_end: datetime.date
) -> ClosureRate:
    """问题办结率 of a unit's subtree (a Unit), of several units' subtrees together (an
    iterable of Units, each problem once), or of everything (None), over
    [period_start, period_end] by the problems' responsible unit. See CLOSURE_RULE."""
    if period_end < period_start:
        raise ValueError("统计期末不能早于期初。")
    due, closed = _due_condition(period_start, period_end)
    problems = Problem.objects.filter(due)
    if units_or_subtree is not None:
        from zhaoshang.stats.services import subtrees

        units = [units_or_subtree] if isinstance(units_or_subtree, Unit) else list(units_or_subtree)
        problems = problems.filter(responsible_unit_id__in=[node.pk for node in subtrees(units)])
    row = problems.aggregate(due=Count("pk"), closed=Count("pk", filter=closed))
    return ClosureRate(row["due"], row["closed"])


def closure_rates(
    units: Iterable[Unit], period_start: datetime.date, period_end: datetime.date
) -> dict[int, ClosureRate]:
    """问题办结率 of each unit's subtree, by unit id, in one grouped query: the per-unit
    table and the assessment. A parent's rate is its subtree's closed ÷ due (never an
    average of its children's rates)."""
    if period_end < period_start:
        raise ValueError("统计期末不能早于期初。")
    units = list(units)
    counts = _counts_by_unit(period_start, period_end)
    paths = dict(Unit._base_manager.filter(pk__in=counts).values_list("pk", "path"))
    # Each row's counts go to every ancestor's path prefix ("SFS/", "SFS/SFX/", …).
    buckets: dict[str, list[int]] = {}
    for unit_id, (due, closed) in counts.items():
        path = paths.get(unit_id, "")
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            bucket = buckets.setdefault("/".join(parts[:depth]) + "/", [0, 0])
            bucket[0] += due
            bucket[1] += closed
    return {unit.pk: ClosureRate(*buckets.get(unit.path, (0, 0))) for unit in units}


# --- Instructions -----------------------------------------------------------------------


@transaction.atomic
def write_instruction(user, instruction: Instruction) -> Instruction:
    """A leader writes an instruction (批示) on a project or one of its problems; the
    bureau may record it on a leader's behalf, naming the leader."""
    if not Instruction.access.allows(user, Action.ADD) or user.role not in (Role.LEADER, Role.BUREAU):
        raise PermissionDenied("只有领导或招商局可以录入批示。")
    if not _can(Project, user, Action.VIEW, instruction.project_id):
        raise PermissionDenied("该项目不在您的查看范围内。")
    errors = {}
    if instruction.problem_id is not None:
        problem = Problem.objects.restrict(user).filter(pk=instruction.problem_id).first()
        if problem is None or problem.project_id != instruction.project_id:
            errors["problem"] = "所选问题不属于该项目。"
    if user.role == Role.LEADER:
        instruction.leader = user
        instruction.leader_name = ""
    elif instruction.leader_id is not None:
        leader = User.objects.filter(pk=instruction.leader_id).first()
        if leader is None or leader.role != Role.LEADER:
            errors["leader"] = "批示领导须是领导账号。"
    elif not instruction.leader_name.strip():
        errors["leader"] = "请选择批示领导，或填写领导姓名。"
    if not (instruction.text or "").strip():
        errors["text"] = "请填写批示内容。"
    if instruction.written_on and instruction.written_on > timezone.localdate():
        errors["written_on"] = "批示日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    instruction.text = instruction.text.strip()
    instruction.leader_name = instruction.leader_name.strip()
    instruction.written_by = user
    instruction.full_clean(exclude=["project", "problem", "leader", "written_by", "replied_by"])
    instruction.save()
    from django.urls import reverse

    from zhaoshang.notifications.services import notify_unit

    project = Project.objects.select_related("responsible_unit").get(pk=instruction.project_id)
    notify_unit(
        project.responsible_unit,
        NotificationKind.INSTRUCTION,
        f"领导批示：{project.name}",
        url=reverse("supervision:instruction_list"),
        body=instruction.text[:300],
    )
    return instruction


@transaction.atomic
def reply_instruction(user, instruction: Instruction, text: str, day: datetime.date | None = None) -> Instruction:
    """The responsible unit (or the bureau) reports how the instruction was carried out.
    A later reply replaces the earlier one; the audit log keeps both."""
    if not _can(Instruction, user, Action.CHANGE, instruction.pk):
        raise PermissionDenied("该批示不在您的办理范围内。")
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    errors = {}
    if not (text or "").strip():
        errors["reply_text"] = "请填写落实情况。"
    day = day or timezone.localdate()
    if day > timezone.localdate():
        errors["replied_on"] = "回复日期不能晚于今天。"
    elif day < instruction.written_on:
        errors["replied_on"] = "回复日期不能早于批示日期。"
    if errors:
        raise ValidationError(errors)
    instruction.reply_text = text.strip()
    instruction.replied_on = day
    instruction.replied_by = user
    instruction.save()
    from django.urls import reverse

    from zhaoshang.notifications.services import notify

    notify(
        [person for person in (instruction.leader, instruction.written_by) if person is not None],
        NotificationKind.INSTRUCTION,
        f"批示已回复：{instruction.project.name}",
        url=reverse("supervision:instruction_list"),
        body=instruction.reply_text[:300],
    )
    return instruction


def unanswered_instructions(user) -> QuerySet:
    return Instruction.objects.restrict(user).filter(replied_on__isnull=True)
