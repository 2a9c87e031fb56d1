"""The bulletin's 逾期未办结问题 section (plugged into bulletins.sections by this module's name)."""

from django.db.models import Q

from zhaoshang.bulletins.sections import Section, paragraph, table
from zhaoshang.reference.services import CalendarYearUnknown, WorkCalendar
from zhaoshang.supervision.models import Problem

SHOWN = 20  # the oldest first; the count covers them all


def overdue_at(user, scope, cutoff):
    """Problems past their deadline and not closed at the end of ``cutoff`` (a bulletin of
    an earlier month reads the list as it stood then), of the scope's units or projects."""
    return (
        Problem.objects.restrict(user)
        .filter(raised_on__lte=cutoff, deadline__lt=cutoff)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=cutoff))
        .filter(
            Q(responsible_unit__path__startswith=scope.path) | Q(project__responsible_unit__path__startswith=scope.path)
        )
        .select_related("project", "responsible_unit", "responsible_leader")
        .order_by("deadline", "pk")
    )


def bulletin_section(ctx):
    problems = list(overdue_at(ctx.user, ctx.scope, ctx.cutoff))
    if not problems:
        return None
    calendar = WorkCalendar()

    def late(problem) -> str:
        try:
            return str(calendar.working_days_between(problem.deadline, ctx.cutoff))
        except CalendarYearUnknown:
            return f"{(ctx.cutoff - problem.deadline).days}天"

    ctx.record(
        "overdue_problems",
        [
            {
                "key": str(problem.pk),
                "label": problem.project.name,
                "unit": problem.responsible_unit.name,
                "value": f"{problem.deadline:%Y-%m-%d}",
            }
            for problem in problems
        ],
    )
    units = sorted({problem.responsible_unit.name for problem in problems})
    escalated = sum(1 for problem in problems if problem.escalated_on and problem.escalated_on <= ctx.cutoff)
    text = (
        f"截至{ctx.cutoff.month}月{ctx.cutoff.day}日，{ctx.scope_word}逾期未办结问题{len(problems)}个"
        f"（其中已升级督办{escalated}个），涉及{'、'.join(units[:8])}{'等' if len(units) > 8 else ''}{len(units)}个责任单位。"
    )
    rows = [
        [
            problem.project.name,
            problem.get_category_display(),
            problem.responsible_unit.name,
            problem.leader_display or "—",
            f"{problem.deadline:%Y-%m-%d}",
            late(problem),
        ]
        for problem in problems[:SHOWN]
    ]
    header = [
        [
            ("项目名称", 1, 1),
            ("问题类别", 1, 1),
            ("责任单位", 1, 1),
            ("责任领导", 1, 1),
            ("办结期限", 1, 1),
            ("逾期工作日", 1, 1),
        ]
    ]
    blocks = [paragraph(text), table("逾期未办结问题", header, rows, sheet="逾期问题")]
    if len(problems) > SHOWN:
        blocks.append(paragraph(f"（表中列出逾期最久的{SHOWN}个，全部{len(problems)}个见问题清单。）"))
    return Section("", "", blocks)
