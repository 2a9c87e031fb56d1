"""Bonus and deduction kinds (加分项/扣分项): a registry of evaluator functions.

Each kind finds, for a scheme and a period, the things that earn or cost points — projects
or the bureau's records — and credits each to the assessed unit whose subtree holds it
(a project by its count unit, the largest credit share, as the statistics count
projects). The score of a rule line is then count × points, at most ``max_points``.

Another part of the system adds a kind by registering an evaluator::

    from zhaoshang.assessment.rules import register
    from zhaoshang.assessment.choices import RuleKind

    @register(RuleKind.MISSING_REPORT, sign=-1)
    def missing_reports(rule, context):
        return {unit_id: [Item("2024年7月调度未报送", date=...)], ...}

``MISSING_REPORT`` reads the closed scheduling rounds (scheduling app).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from zhaoshang.assessment.choices import EntryKind, RuleKind
from zhaoshang.core.numbers import round_half_up
from zhaoshang.relations.choices import CompanyFlag
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import CountingRules, Period, behind, signed_not_started, start_due

DEFAULT_BIG_THRESHOLD_WAN = Decimal(100000)  # 10亿元
DEFAULT_FLAG = CompanyFlag.GLOBAL_500


@dataclass
class Item:
    """One thing behind a bonus or deduction line: a project, or a record of the bureau."""

    label: str
    date: datetime.date | None = None
    amount: Decimal | None = None  # 协议总投资 in 万元, where a project
    project_id: int | None = None
    project_code: str = ""
    entry_id: int | None = None


@dataclass
class Context:
    """What every evaluator is given: the scheme, the period, the rules of counting, the
    units assessed, and the date things are judged at (the period's end, or today when
    the period is not over yet)."""

    scheme: object
    period: Period
    rules: CountingRules
    units: list
    as_of: datetime.date
    unit_paths: dict[int, str] = field(default_factory=dict)  # every unit id → its path

    def __post_init__(self):
        self._assessed = {unit.path: unit.pk for unit in self.units}

    def credit(self, unit_id: int | None) -> list[int]:
        """The assessed units whose subtree holds ``unit_id`` (usually one)."""
        path = self.unit_paths.get(unit_id, "")
        prefixes = [path[: index + 1] for index, char in enumerate(path) if char == "/"]
        return [self._assessed[prefix] for prefix in prefixes if prefix in self._assessed]


Evaluator = Callable[[object, Context], dict[int, list[Item]]]


@dataclass(frozen=True)
class RuleKindSpec:
    kind: str
    sign: int  # +1 bonus, −1 deduction
    evaluate: Evaluator
    wired: bool = True  # False: the data it needs does not exist yet; it counts nothing


REGISTRY: dict[str, RuleKindSpec] = {}


def register(kind: str, *, sign: int, wired: bool = True):
    """Register (or replace) the evaluator of a bonus/deduction kind."""
    if sign not in (1, -1):
        raise ValueError("sign must be +1 (加分) or -1 (扣分)")

    def decorate(function: Evaluator) -> Evaluator:
        REGISTRY[kind] = RuleKindSpec(kind, sign, function, wired)
        return function

    return decorate


def spec_for(kind: str) -> RuleKindSpec:
    return REGISTRY[kind]


def describe_rule(rule) -> str:
    """The rule in one Chinese sentence, as the scheme page and the breakdown show it."""
    points = f"{rule.points.normalize():f}"
    limit = f"，最多{rule.max_points.normalize():f}分" if rule.max_points else ""
    match rule.kind:
        case RuleKind.INVESTOR_FLAG:
            flag = CompanyFlag(rule.flag or DEFAULT_FLAG).label
            text = f"每个投资方为{flag}的签约项目加{points}分"
        case RuleKind.BIG_PROJECT:
            threshold = round_half_up((rule.threshold_wan or DEFAULT_BIG_THRESHOLD_WAN) / 10000, 2).normalize()
            text = f"每个签约金额{threshold:f}亿元以上的项目加{points}分"
        case RuleKind.NOT_STARTED:
            text = f"每个签约未开工且已过应开工日期（协议约定开工日期，未约定的签约满规定天数）的项目扣{points}分"
        case RuleKind.MISSING_REPORT:
            text = f"每缺报一次调度报告扣{points}分"
        case RuleKind.FALSIFIED:
            text = f"每查实一起弄虚作假扣{points}分"
        case _:
            text = f"{rule.kind} 每项{points}分"
    return text + limit


def _by_unit(pairs, context: Context) -> dict[int, list[Item]]:
    """[(credited unit id, item)] → {assessed unit id: [items]}."""
    found: dict[int, list[Item]] = defaultdict(list)
    for unit_id, item in pairs:
        for assessed in context.credit(unit_id):
            found[assessed].append(item)
    return dict(found)


def _signed_projects(context: Context, indicator: str, rules: CountingRules):
    """Projects signed (first verified signing) in the period below the scheme's scope,
    by the statistics engine's own drill-down, so a bonus counts exactly the projects
    the 签约项目数 counts."""
    return [row.project for row in behind(indicator, context.scheme.parent, context.period, rules)]


def _project_item(project) -> Item:
    return Item(
        label=project.name,
        date=project.signed_on,
        amount=project.total_investment,
        project_id=project.pk,
        project_code=project.code,
    )


@register(RuleKind.INVESTOR_FLAG, sign=1)
def investor_flag(rule, context: Context) -> dict[int, list[Item]]:
    from zhaoshang.relations.models import Company

    projects = _signed_projects(context, Indicator.SIGNED_COUNT, context.rules)
    flag = rule.flag or DEFAULT_FLAG
    investors = {project.investor_id for project in projects if project.investor_id}
    flagged = {
        pk
        for pk, flags in Company._base_manager.filter(pk__in=investors).values_list("pk", "flags")
        if flag in (flags or [])
    }
    return _by_unit(
        ((project.count_unit_id, _project_item(project)) for project in projects if project.investor_id in flagged),
        context,
    )


@register(RuleKind.BIG_PROJECT, sign=1)
def big_project(rule, context: Context) -> dict[int, list[Item]]:
    rules = replace(context.rules, big_threshold_wan=rule.threshold_wan or DEFAULT_BIG_THRESHOLD_WAN)
    projects = _signed_projects(context, Indicator.SIGNED_BIG_COUNT, rules)
    return _by_unit(((project.count_unit_id, _project_item(project)) for project in projects), context)


@register(RuleKind.NOT_STARTED, sign=-1)
def not_started(rule, context: Context) -> dict[int, list[Item]]:
    """The projects ``stats.signed_not_started`` names on the judging date, below the
    scheme's scope; credited to the count unit, like the project counts."""
    projects = (
        signed_not_started(context.as_of, context.rules)
        .filter(count_unit__path__startswith=context.scheme.parent.path)
        .order_by("agreed_start_on", "pk")
    )
    pairs = []
    for project in projects:
        due = start_due(project.agreed_start_on, project.first_signed_on, context.rules)
        item = _project_item(project)
        item.date = due
        agreed = "约定" if project.agreed_start_on else "应于"
        item.label = f"{project.name}（{agreed}{due:%Y-%m-%d}开工）"
        pairs.append((project.count_unit_id, item))
    return _by_unit(pairs, context)


@register(RuleKind.MISSING_REPORT, sign=-1)
def missing_reports(rule, context: Context) -> dict[int, list[Item]]:
    """Scheduling reports not filed: each report of a CLOSED round of the assessed year,
    whose period ended by the judging date, that did not stand submitted at closing
    (scheduling.services.missing_reports counts the same rows). Credited to the unit the
    report was owed by."""
    from zhaoshang.scheduling.choices import ReportStatus, RoundStatus
    from zhaoshang.scheduling.models import RoundItem

    items = (
        RoundItem.objects.filter(
            round__status=RoundStatus.CLOSED,
            round__year=context.period.end.year,
            round__period_end__lte=context.as_of,
        )
        .exclude(status=ReportStatus.SUBMITTED)
        .select_related("round", "project")
        .order_by("round__period_start", "pk")
    )
    return _by_unit(
        (
            (
                item.unit_id,
                Item(
                    label=f"{item.round.title}：{item.project.name} 未报送",
                    date=item.round.deadline,
                    project_id=item.project_id,
                    project_code=item.project.code,
                ),
            )
            for item in items
        ),
        context,
    )


@register(RuleKind.FALSIFIED, sign=-1)
def falsified(rule, context: Context) -> dict[int, list[Item]]:
    return _by_unit(
        ((entry.unit_id, _entry_item(entry)) for entry in entries_in(context, EntryKind.FALSIFIED)), context
    )


def entries_in(context: Context, kind: str):
    """The bureau's entries of ``kind`` dated from 1 January of the scheme's year to the
    end of the period."""
    from zhaoshang.assessment.models import ManualEntry

    start = datetime.date(context.scheme.year, 1, 1)
    return (
        ManualEntry._base_manager.filter(scheme=context.scheme, kind=kind, date__range=(start, context.period.end))
        .select_related("project")
        .order_by("date", "pk")
    )


def _entry_item(entry) -> Item:
    return Item(
        label=entry.reason,
        date=entry.date,
        project_id=entry.project_id,
        project_code=entry.project.code if entry.project_id else "",
        entry_id=entry.pk,
    )
