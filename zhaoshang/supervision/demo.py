"""Demo problems and instructions: about twenty problems on demo projects — some closed
with the investor's verdict, some open and in time, some overdue and escalated — and a
few leaders' instructions, answered and not. Deadlines are counted on the working-day
calendar back from today, so the demo always has its overdue problems."""

import datetime
import itertools
import random

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.demo import DEMO_CODE_MARK
from zhaoshang.projects.models import Project
from zhaoshang.reference.services import CalendarYearUnknown, WorkCalendar
from zhaoshang.supervision.choices import ProblemCategory, Satisfaction
from zhaoshang.supervision.models import Instruction, Problem
from zhaoshang.supervision.services import (
    add_note,
    close_problem,
    escalate_overdue,
    raise_problem,
    reply_instruction,
    write_instruction,
)

DESCRIPTIONS = {
    ProblemCategory.LAND: ["项目二期用地指标尚未落实，需调整土地利用规划", "地块内有两户未完成征迁，影响场地平整"],
    ProblemCategory.FUNDS: ["企业申请的技改贷款贴息尚未拨付", "项目贷款授信审批进度慢，需协调合作银行"],
    ProblemCategory.APPROVAL: ["环评批复办理中，需加快专家评审", "施工许可证因消防设计审查未通过而延后"],
    ProblemCategory.POLICY: ["招商协议约定的设备补助兑现标准需明确", "企业高管人才公寓政策落实不到位"],
    ProblemCategory.UTILITIES: ["厂区专用变电站接入工期无法满足投产需要", "天然气管道尚未接通至园区东片区"],
    ProblemCategory.OTHER: ["进场道路施工影响周边群众出行，需协调", "企业反映园区员工通勤公交线路不足"],
}
PROGRESS = [
    "已召开专题协调会，明确牵头部门和时间节点",
    "已与企业对接，材料补充齐全",
    "相关部门已现场踏勘，方案在编制中",
]
CLOSINGS = ["经协调已全部解决，企业表示认可", "问题已解决，后续跟踪服务", "已按协议兑现，企业基本满意"]
LEADER_NAMES = ["县委常委、副县长 李强", "副区长 周建国", "管委会副主任 孙丽"]
INSTRUCTIONS = [
    "请自然资源部门会同属地乡镇，一周内拿出解决方案，确保项目按期开工。",
    "此项目为全市重点项目，请相关部门特事特办，每周报告进展。",
    "要主动上门服务，帮助企业解决实际困难，确保项目早投产、早见效。",
    "请招商局牵头，月底前将协调情况专题报告。",
]
# (outcome, how many) in the order they are made: the demo's mix.
# Interleaved so that each demo account's own unit (the first projects) gets a mix.
PLAN = ["overdue", "closed", "due_soon", "closed", "in_time", "overdue", "closed", "due_soon", "closed", "overdue"]
PLAN += ["due_soon", "closed", "in_time", "overdue", "closed", "due_soon", "closed", "overdue", "due_soon", "in_time"]
DEMO_ACCOUNT_UNITS = {"SFX-CG": 4, "SFX-HK": 3, "SFS-JKQ": 2}  # problems for the towns' and zone's demo logins


def _limit(calendar: WorkCalendar, raised_on: datetime.date, days: int) -> str:
    """「N 个工作日」 when the calendar knows the years, else a date the same distance away
    (a deployment without next year's holidays still gets its demo)."""
    try:
        calendar.add_working_days(raised_on, days)
        return f"{days} 个工作日"
    except CalendarYearUnknown:
        return (raised_on + datetime.timedelta(days=days * 7 // 5)).isoformat()


def _pick_projects(count: int) -> list[Project]:
    projects = list(
        Project.objects.filter(remarks__contains=DEMO_CODE_MARK, merged_into__isnull=True)
        .exclude(stage__in=[Stage.DROPPED, Stage.ON_HOLD, Stage.LEAD])
        .select_related("responsible_unit")
        .order_by("code")
    )
    # The demo accounts' units first, a few projects each, taking turns.
    queues = [
        [p for p in projects if p.responsible_unit.code == code][:wanted] for code, wanted in DEMO_ACCOUNT_UNITS.items()
    ]
    first = [p for turn in itertools.zip_longest(*queues) for p in turn if p is not None]
    rest = [p for p in projects if p not in first]
    step = max(1, len(rest) // max(1, count - len(first)))
    return (first + rest[::step])[:count]


@transaction.atomic
def build_problems(bureau, seed: int = 20251001) -> int:
    """The demo's problem list and instructions; nothing is added when it exists already."""
    if Problem.objects.filter(project__remarks__contains=DEMO_CODE_MARK).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    calendar = WorkCalendar()
    leader = User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk").first()
    land_unit = Unit.objects.filter(code="SFS-ZRJ").first()
    categories = list(ProblemCategory)
    created = []
    for index, (project, outcome) in enumerate(zip(_pick_projects(len(PLAN)), PLAN, strict=False)):
        category = categories[index % len(categories)]
        days = rng.choice([5, 10, 15])
        back = {"closed": rng.randint(20, 80), "overdue": rng.randint(35, 70), "due_soon": days + 3, "in_time": 2}
        raised_on = today - datetime.timedelta(days=back[outcome])
        if outcome == "due_soon":  # deadline a day or two ahead: raised days−2 working days ago
            raised_on = today
            for _ in range(days - 2):
                raised_on -= datetime.timedelta(days=1)
                while not _known_working_day(calendar, raised_on):
                    raised_on -= datetime.timedelta(days=1)
        problem = Problem(
            project=project,
            category=category,
            description=rng.choice(DESCRIPTIONS[category]),
            raised_on=raised_on,
            responsible_unit=land_unit if category == ProblemCategory.LAND and (index // 6) % 2 else None,
            responsible_leader=leader if leader and index % 3 == 0 else None,
            responsible_leader_name="" if leader and index % 3 == 0 else rng.choice(LEADER_NAMES),
        )
        if problem.responsible_unit_id is None:
            problem.responsible_unit_id = project.responsible_unit_id
        raise_problem(bureau, problem, time_limit=_limit(calendar, raised_on, days))
        if outcome != "in_time":
            note_day = min(today, raised_on + datetime.timedelta(days=rng.randint(1, 5)))
            add_note(bureau, problem, rng.choice(PROGRESS), note_day)
        if outcome == "closed":
            closed_on = min(today, raised_on + datetime.timedelta(days=rng.randint(5, 25)))
            close_problem(
                bureau,
                problem,
                satisfaction=rng.choice(
                    [Satisfaction.SATISFIED] * 3 + [Satisfaction.FAIRLY, Satisfaction.DISSATISFIED]
                ),
                note=rng.choice(CLOSINGS),
                day=closed_on,
            )
        created.append(problem)
    escalate_overdue(today)
    _build_instructions(bureau, leader, created, rng, today)
    return len(created)


def _known_working_day(calendar: WorkCalendar, day: datetime.date) -> bool:
    try:
        return calendar.is_working_day(day)
    except CalendarYearUnknown:
        return day.weekday() < 5


def _build_instructions(bureau, leader, problems: list[Problem], rng, today) -> None:
    targets = [*[p for p in problems if p.is_open][:4], None]
    for index, problem in enumerate(targets):
        project = problem.project if problem else problems[-1].project
        written_on = max(
            problem.raised_on if problem else today - datetime.timedelta(days=10), today - datetime.timedelta(days=20)
        )
        instruction = Instruction(
            project=project,
            problem=problem,
            text=INSTRUCTIONS[index % len(INSTRUCTIONS)],
            written_on=written_on,
            leader=leader,
            leader_name="" if leader else "王市长",
        )
        write_instruction(leader or bureau, instruction)
        if index % 2 == 0:
            replier = (
                User.objects.filter(role=Role.OFFICER, unit=project.responsible_unit_id, is_active=True).first()
                or bureau
            )
            reply_instruction(
                replier,
                instruction,
                "已按批示要求召开协调会，明确责任分工，正在加快推进。",
                min(today, written_on + datetime.timedelta(days=2)),
            )


# core.demo.build_city runs this after the demo modules of these apps: problems are raised on the demo projects.
DEMO_AFTER = ("projects",)


def build(city) -> int:
    return build_problems(city.bureau)
