"""Demo scheduling rounds: last month's round closed (most units reported, mostly on time,
one unit not at all), and this month's round open with a few reports in."""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import User
from zhaoshang.projects.choices import LIFECYCLE, STAGE_ORDER
from zhaoshang.scheduling.choices import RoundKind
from zhaoshang.scheduling.models import RoundItem, SchedulingRound
from zhaoshang.scheduling.services import close_round, open_round, period_bounds, save_report

PROGRESS = [
    "已完成土地摘牌，正在办理施工许可。",
    "主体结构施工中，完成形象进度约六成。",
    "厂房封顶，设备采购合同已签订。",
    "首批设备进场安装调试。",
    "环评批复已取得，施工图审查中。",
    "项目公司已注册，正在对接规划方案。",
    "试生产顺利，产品通过客户验证。",
]
PROBLEMS = [
    "",
    "",
    "用电增容审批进度较慢，需供电公司协调。",
    "项目用地尚有两户未完成征迁。",
    "企业资金周转紧张，建议协调银行贷款。",
    "",
]
NEXT_STEPS = ["加快施工进度，确保下月封顶。", "督促设备按期进场。", "协调办理不动产权证。", "做好投产前各项准备。"]


def _previous_month(today: datetime.date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def _open(bureau, year: int, month: int) -> SchedulingRound | None:
    """Open the month's round unless it exists; a deadline a week after the period when the
    holiday calendar of the next year is not loaded."""
    if SchedulingRound.objects.filter(kind=RoundKind.MONTHLY, year=year, month=month).exists():
        return None
    deadline = None
    try:
        with transaction.atomic():
            return open_round(bureau, kind=RoundKind.MONTHLY, year=year, month=month)
    except ValidationError as error:
        if "deadline" not in getattr(error, "error_dict", {}):
            return None  # no key projects to schedule
        deadline = period_bounds(RoundKind.MONTHLY, year, month)[1] + datetime.timedelta(7)
    return open_round(bureau, kind=RoundKind.MONTHLY, year=year, month=month, deadline=deadline)


def _reporter(unit, bureau):
    return User.objects.filter(unit=unit, role=Role.OFFICER, is_active=True).order_by("pk").first() or bureau


def _fill(item: RoundItem, rng: random.Random) -> None:
    item.progress = rng.choice(PROGRESS)
    item.investment_this_period = Decimal(rng.choice([0, 50, 120, 300, 800, 1500, 2600]))
    if rng.random() < 0.5:
        item.investment_cumulative = item.investment_this_period + Decimal(rng.randint(1, 40) * 500)
    item.problems = rng.choice(PROBLEMS)
    item.next_steps = rng.choice(NEXT_STEPS)
    order = STAGE_ORDER.get(item.stage_at_open, -1)
    if 0 <= order < len(LIFECYCLE) - 1 and rng.random() < 0.25:
        item.reported_stage = LIFECYCLE[order + 1]  # the unit sees the project a stage further


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def build_rounds(bureau, seed: int = 20261001) -> int:
    """Last month's round, closed, and this month's, open. Returns the rounds created."""
    today = timezone.localdate()
    created = 0
    year, month = _previous_month(today)
    closed = _open(bureau, year, month)
    if closed is not None:
        created += 1
        items = list(closed.items.select_related("unit").order_by("unit__path", "project__code"))
        units = sorted({item.unit.path: item.unit for item in items}.values(), key=lambda unit: unit.path)
        # One unit with several projects never reports (the one the bulletin names).
        silent = max(units, key=lambda unit: sum(1 for item in items if item.unit_id == unit.pk)) if units else None
        late = units[len(units) // 2] if len(units) > 2 else None
        for item in items:
            if item.unit == silent:
                continue
            rng = random.Random(f"{seed}-{item.project_id}")
            if rng.random() < 0.05:
                continue  # an odd project forgotten
            _fill(item, rng)
            offset = rng.randint(1, 3) if item.unit == late else -rng.randint(0, 4)
            when = _at(min(closed.deadline + datetime.timedelta(offset), today), rng.randint(9, 17))
            save_report(_reporter(item.unit, bureau), item, expected_version=item.version, submit=True, when=when)
        close_round(bureau, closed)
    current = _open(bureau, today.year, today.month)
    if current is not None:
        created += 1
        for item in current.items.select_related("unit").order_by("unit__path", "project__code"):
            rng = random.Random(f"{seed}-now-{item.project_id}")
            chance = rng.random()
            if chance < 0.55:
                continue  # not yet
            _fill(item, rng)
            save_report(_reporter(item.unit, bureau), item, expected_version=item.version, submit=chance > 0.75)
    return created


# core.demo.build_city runs this after the demo modules of these apps: rounds report on the demo key projects.
DEMO_AFTER = ("projects",)


def build(city) -> int:
    return build_rounds(city.bureau)
