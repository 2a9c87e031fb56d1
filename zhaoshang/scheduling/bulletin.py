"""The bulletin's 调度工作情况 section (plugged into bulletins.sections by this module's name):
the closed scheduling rounds of the bulletin's last month (a quarterly bulletin: its
quarter), quoted from their frozen summaries."""

import datetime
from decimal import Decimal

from zhaoshang.bulletins.choices import BulletinKind
from zhaoshang.bulletins.sections import Section, paragraph, table
from zhaoshang.core.numbers import wan_to_yi
from zhaoshang.scheduling.choices import RoundStatus
from zhaoshang.scheduling.models import SchedulingRound
from zhaoshang.scheduling.services import summary


def rounds_for(ctx):
    months = 3 if ctx.kind == BulletinKind.QUARTERLY else 1
    first_month = ctx.cutoff.month - months + 1
    start = datetime.date(ctx.cutoff.year, max(first_month, 1), 1)
    return SchedulingRound.objects.filter(status=RoundStatus.CLOSED, period_end__range=(start, ctx.cutoff)).order_by(
        "period_start", "pk"
    )


def bulletin_section(ctx):
    blocks, recorded = [], []
    for round_ in rounds_for(ctx):
        data = summary(round_)
        units = [row for row in data["units"] if row["unit_path"].startswith(ctx.scope.path)]
        if not units:
            continue
        projects = sum(row["projects"] for row in units)
        on_time = sum(row["on_time"] for row in units)
        late = sum(row["late"] for row in units)
        missing = sum(row["missing"] for row in units)
        investment = sum((Decimal(row["investment_this_period"] or "0") for row in units), Decimal(0))
        silent = [f"{row['unit_name']}（{row['missing']}个）" for row in units if row["missing"]]
        text = (
            f"{round_.title}共纳入项目{projects}个，按时报送{on_time}个、逾期报送{late}个、未报送{missing}个，"
            f"本期完成投资{wan_to_yi(investment)}亿元。"
        )
        if silent:
            text += f"未按要求报送的单位：{'、'.join(silent)}。"
        blocks.append(paragraph(text))
        problems = [entry for entry in data["problems"] if any(entry["unit_name"] == row["unit_name"] for row in units)]
        if problems:
            blocks.append(paragraph(f"各单位共反映问题{len(problems)}个，已纳入问题清单跟踪督办。"))
        blocks.append(
            table(
                f"{round_.title}报送情况",
                [
                    [
                        ("单位", 1, 1),
                        ("项目数", 1, 1),
                        ("按时报送", 1, 1),
                        ("逾期报送", 1, 1),
                        ("未报送", 1, 1),
                        ("本期投资（万元）", 1, 1),
                    ]
                ],
                [
                    [
                        row["unit_name"],
                        str(row["projects"]),
                        str(row["on_time"]),
                        str(row["late"]),
                        str(row["missing"]),
                        f"{Decimal(row['investment_this_period'] or '0'):,.2f}",
                    ]
                    for row in units
                ],
                sheet=f"调度{round_.month}月"[:31],
            )
        )
        recorded += [
            {
                "key": f"{round_.pk}:{row['unit_code']}",
                "label": round_.title,
                "unit": row["unit_name"],
                "value": f"{row['on_time'] + row['late']}/{row['projects']}",
            }
            for row in units
        ]
    if not blocks:
        return None
    ctx.record("scheduling", recorded)
    return Section("", "", blocks)


def reports_on_time(units, start: datetime.date, end: datetime.date) -> dict[int, tuple[int, int]]:
    """{unit id: (reports submitted on time, reports due)} for the basic-work 红黑榜
    (bulletins.honour): the reports of every round whose deadline falls in start–end, of the
    unit and the units below it. On time as the round's summary says (``RoundItem.outcome``:
    first submitted on or before the deadline); a report not submitted is not on time."""
    from zhaoshang.scheduling.choices import Outcome
    from zhaoshang.scheduling.models import RoundItem

    items = list(
        RoundItem.objects.filter(round__deadline__range=(start, end))
        .select_related("round", "unit")
        .only("status", "first_submitted_at", "submitted_at", "round__deadline", "unit__path")
    )
    counts = {}
    for unit in units:
        mine = [item for item in items if item.unit.path.startswith(unit.path)]
        on_time = sum(1 for item in mine if item.outcome(item.round.deadline) == Outcome.ON_TIME)
        counts[unit.pk] = (on_time, len(mine))
    return counts
