"""Ratio indicators (开工率, 投产率, 资金到位率, 平均项目规模, 投资强度) for any unit subtree.

A ratio of a subtree is Σ numerator ÷ Σ denominator over the subtree, never an average of
the children's ratios; so each ratio is computed as two direct-value dicts (numerator and
denominator per unit, from the same querysets and rules as the counted indicators in
``stats.services``), rolled up over the tree, then divided in Decimal.

Cohorts (PRODUCT.md): 开工率, 投产率, 资金到位率 and 投资强度 are taken over the projects
SIGNED in a cohort period C (first verified signing, the engine's signing rule); the state
"by" a date (the end of the period asked about) is what counts: a project of the cohort
started by that date, the funds in place up to that date. The statistics table uses the
table's own period as the cohort and its end as the date ("本期签约项目中截至期末已开工的比例").

Where the roll-up answers (whole months of one year, the deployment's rules) every part is
read from it: the numerators from the cohort facts (``stats.models.CohortFact``: one
query gives all four), the denominators from the indicator facts. ``parts_from_rows``
computes the same from the projects, events and tranches: the reference the tests hold
the roll-up to, and what answers any other period or rule.
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import BigIntegerField, Count, DecimalField, F, Sum, TextChoices, Value
from django.db.models.functions import Cast, Round

from zhaoshang.projects.choices import Stage
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import (
    CountingRules,
    Period,
    _as_yuan,
    _first_events,
    _shared_total,
    _wan_from_yuan_bp,
    _within,
    computed_values,
    direct_values,
    rank_desc,
    subtrees,
)

SINCE_EVER = datetime.date(1900, 1, 1)


class Ratio(TextChoices):
    START_RATE = "start_rate", "开工率"
    PRODUCTION_RATE = "production_rate", "投产率"
    FUNDS_RATE = "funds_rate", "资金到位率"
    AVERAGE_SIZE = "average_size", "平均项目规模"
    INVESTMENT_INTENSITY = "investment_intensity", "投资强度"


RATIO_UNITS = {
    Ratio.START_RATE: "%",
    Ratio.PRODUCTION_RATE: "%",
    Ratio.FUNDS_RATE: "%",
    Ratio.AVERAGE_SIZE: "万元/个",
    Ratio.INVESTMENT_INTENSITY: "万元/亩",
}
PERCENT_RATIOS = {Ratio.START_RATE, Ratio.PRODUCTION_RATE, Ratio.FUNDS_RATE}

RATIO_RULES = {
    Ratio.START_RATE: "开工率：统计期内签约的项目中，截至期末开工事件已审核通过的项目个数 ÷ 签约项目数（个数计入业绩比例最大的单位）。",
    Ratio.PRODUCTION_RATE: "投产率：统计期内签约的项目中，截至期末投产事件已审核通过的项目个数 ÷ 签约项目数。",
    Ratio.FUNDS_RATE: "资金到位率：统计期内签约的项目截至期末累计审核通过的到位资金 ÷ 其协议引资额，均按业绩比例分摊。",
    Ratio.AVERAGE_SIZE: "平均项目规模：协议引资额 ÷ 签约项目数。",
    Ratio.INVESTMENT_INTENSITY: "投资强度：统计期内签约且填报用地的项目，固定资产投资之和 ÷ 用地亩数之和（万元/亩）。",
}


def _cohort(cohort: Period, rules: CountingRules, within=None, path: str = "project__count_unit"):
    """Ids of the projects whose first signing falls in ``cohort`` (those counted or
    credited in ``within``'s subtree when given)."""
    return _within(_first_events(Stage.SIGNED, cohort, rules), within, path).values("project_id")


def _reached_count(stage: str, cohort: Period, by: datetime.date, rules: CountingRules, within) -> dict:
    """Cohort projects with a qualifying ``stage`` event dated by ``by``. Any such event will
    do: if one is dated by then, so is the first one, so no "first event" test is needed."""
    from zhaoshang.projects.models import StageEvent

    events = StageEvent.objects.filter(
        stage=stage,
        status__in=rules.statuses,
        is_supplementary=False,
        date__lte=by,
        project_id__in=_cohort(cohort, rules, within),
    )
    rows = events.values("project__count_unit").annotate(n=Count("project", distinct=True))
    return {row["project__count_unit"]: Decimal(row["n"]) for row in rows}


def _cohort_funds(cohort: Period, by: datetime.date, rules: CountingRules, within) -> dict:
    from zhaoshang.funds.models import FundsTranche

    tranches = FundsTranche.objects.filter(
        status__in=rules.statuses,
        date__lte=by,
        project_id__in=_cohort(cohort, rules, within, "project__credits__unit"),
    )
    rows = (
        _within(tranches, within, "project__credits__unit")
        .values("project__credits__unit")
        .annotate(total=_shared_total(F("amount"), "project__credits__percent"))
    )
    return {row["project__credits__unit"]: _wan_from_yuan_bp(row["total"]) for row in rows}


def _land_and_fixed_assets(cohort: Period, rules: CountingRules, within) -> tuple[dict, dict]:
    """(Σ fixed-asset investment 万元, Σ 亩) per count unit, for cohort projects with land."""
    from zhaoshang.projects.models import Project

    projects = Project._base_manager.filter(
        pk__in=_cohort(cohort, rules, within), land_mu__gt=0, fixed_asset_investment__isnull=False
    )
    hundredths = Cast(
        Round(F("land_mu") * Value(100), 0, output_field=DecimalField(max_digits=16, decimal_places=0)),
        BigIntegerField(),
    )
    rows = (
        _within(projects, within, "count_unit")
        .values("count_unit")
        .annotate(
            assets=Sum(_as_yuan(F("fixed_asset_investment")), output_field=BigIntegerField()),
            land=Sum(hundredths, output_field=BigIntegerField()),
        )
    )
    assets, land = {}, {}
    for row in rows:
        assets[row["count_unit"]] = Decimal(row["assets"] or 0) / Decimal(10000)
        land[row["count_unit"]] = Decimal(row["land"] or 0) / Decimal(100)
    return assets, land


def parts(ratio: str, period: Period, rules: CountingRules | None = None, within=None) -> tuple[dict, dict]:
    """(numerator, denominator) direct values per unit for ``ratio`` over ``period``'s
    cohort, as of the period's end: from the monthly roll-up where it answers, else from
    the rows (``parts_from_rows``)."""
    rules = rules or CountingRules.from_settings()
    if not _from_facts(period, rules):
        return parts_from_rows(ratio, period, rules, within)

    def counted(indicator):
        return _memo(
            ("direct", indicator, period, _unit_key(within)), lambda: direct_values(indicator, period, rules, within)
        )

    cohort = _memo(("cohort", period, _unit_key(within)), lambda: _cohort_facts(period, within))
    match ratio:
        case Ratio.START_RATE:
            return cohort["started"], counted(Indicator.SIGNED_COUNT)
        case Ratio.PRODUCTION_RATE:
            return cohort["produced"], counted(Indicator.SIGNED_COUNT)
        case Ratio.FUNDS_RATE:
            return cohort["funds"], counted(Indicator.CONTRACTED_INVESTMENT)
        case Ratio.AVERAGE_SIZE:
            return counted(Indicator.CONTRACTED_INVESTMENT), counted(Indicator.SIGNED_COUNT)
        case Ratio.INVESTMENT_INTENSITY:
            return cohort["fixed_assets"], cohort["land"]
    raise ValueError(f"未知比率指标：{ratio}")


def parts_from_rows(ratio: str, period: Period, rules: CountingRules | None = None, within=None) -> tuple[dict, dict]:
    """``parts`` computed from the projects, events and tranches themselves."""
    rules = rules or CountingRules.from_settings()

    def counted(indicator):
        return computed_values(indicator, period, rules, within)

    match ratio:
        case Ratio.START_RATE:
            return _reached_count(Stage.STARTED, period, period.end, rules, within), counted(Indicator.SIGNED_COUNT)
        case Ratio.PRODUCTION_RATE:
            return (
                _reached_count(Stage.PRODUCTION, period, period.end, rules, within),
                counted(Indicator.SIGNED_COUNT),
            )
        case Ratio.FUNDS_RATE:
            return _cohort_funds(period, period.end, rules, within), counted(Indicator.CONTRACTED_INVESTMENT)
        case Ratio.AVERAGE_SIZE:
            return counted(Indicator.CONTRACTED_INVESTMENT), counted(Indicator.SIGNED_COUNT)
        case Ratio.INVESTMENT_INTENSITY:
            return _land_and_fixed_assets(period, rules, within)
    raise ValueError(f"未知比率指标：{ratio}")


def _from_facts(period: Period, rules: CountingRules) -> bool:
    """The cohort facts hold each signing month's cohort as of the end of every later month
    of the same year: they answer whole months within one year, under the deployment's rules."""
    return (
        settings.STATS_ROLLUPS
        and period.month_aligned
        and period.start.year == period.end.year
        and rules == CountingRules.from_settings()
    )


def _cohort_facts(period: Period, within) -> dict[str, dict]:
    """The four cohort numerators per unit, in one query: the cohort signed in the period
    as it stood at the end of the period's last month."""
    from zhaoshang.accounts.models import Unit
    from zhaoshang.stats.models import CohortFact

    facts = CohortFact.objects.filter(
        month=period.end.replace(day=1), signed_month__range=(period.start.replace(day=1), period.end)
    )
    if within is not None:
        facts = facts.filter(unit__in=Unit._base_manager.filter(path__startswith=within.path).values("pk"))
    rows = (
        facts.order_by()
        .values_list("unit")
        .annotate(Sum("started"), Sum("produced"), Sum("funds"), Sum("fixed_assets"), Sum("land"))
    )
    result = {"started": {}, "produced": {}, "funds": {}, "fixed_assets": {}, "land": {}}
    for unit, started, produced, funds, assets, land in rows:
        if started:
            result["started"][unit] = Decimal(started)
        if produced:
            result["produced"][unit] = Decimal(produced)
        if funds:
            result["funds"][unit] = _wan_from_yuan_bp(funds)
        if assets or land:
            result["fixed_assets"][unit] = Decimal(assets) / Decimal(10000)
            result["land"][unit] = Decimal(land) / Decimal(100)
    return result


_read: ContextVar[dict | None] = ContextVar("stats_ratio_reads", default=None)


@contextmanager
def read_once():
    """Inside, each roll-up query the ratios need is made once (five ratios share three
    queries a period: the cohort facts, the signed count, 协议引资额)."""
    if _read.get() is not None:
        yield
        return
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def _memo(key, compute):
    cache = _read.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _unit_key(unit):
    return None if unit is None else (unit.pk, unit.path)


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return numerator / denominator if denominator else None


def ratio_value(ratio: str, unit, period: Period, rules: CountingRules | None = None) -> Decimal | None:
    """The ratio for ``unit``'s whole subtree; None when its denominator is zero."""
    numerator, denominator = parts(ratio, period, rules, within=unit)
    return _divide(sum(numerator.values(), Decimal(0)), sum(denominator.values(), Decimal(0)))


@dataclass
class RatioCell:
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    last_year: Decimal | None = None
    change: Decimal | None = None  # percentage ratios: the difference; others: growth
    rank: int | None = None


def ratio_cells(units, ratios: list[str], period: Period, rules: CountingRules | None = None, within=None) -> dict:
    """{unit id: {ratio: RatioCell}} for each unit's subtree, ranked among ``units``;
    ``within``, a unit above all of them, limits the queries to its subtree."""
    with read_once():
        return _ratio_cells(units, ratios, period, rules, within)


def _ratio_cells(units, ratios: list[str], period: Period, rules: CountingRules | None, within) -> dict:
    rules = rules or CountingRules.from_settings()
    units = list(units)
    if not units:
        return {}
    tree = subtrees(units)
    last_period = period.same_period_last_year()
    pks = [unit.pk for unit in units]
    result = {pk: {} for pk in pks}
    zero = Decimal(0)
    rolled: dict[int, tuple[dict, dict]] = {}
    # ``services.rollup`` over the same tree ten times a table: its order (deepest first)
    # sorted once, and only the units with a value carried up (a sparse dict; read with .get).
    order = [(pk, parent_id) for _, pk, parent_id in sorted(((n.depth, n.pk, n.parent_id) for n in tree), reverse=True)]
    present = {pk for pk, _ in order}

    def rollup_sparse(direct: dict) -> dict:
        totals = {}
        for pk, parent_id in order:  # deepest first: children are summed before parents
            value, own = totals.get(pk), direct.get(pk)
            if own is not None:
                value = own if value is None else value + own
            if value is not None:
                totals[pk] = value
                if parent_id in present:
                    above = totals.get(parent_id)
                    totals[parent_id] = value if above is None else above + value
        return totals

    def rolled_up(part: dict) -> dict:
        # The ratios share parts (the signed count is three ratios' denominator): each is
        # summed over the tree once. The part is kept with its sums so its id stays its own.
        if id(part) not in rolled:
            rolled[id(part)] = (part, rollup_sparse(part))
        return rolled[id(part)][1]

    for ratio in ratios:
        numerator, denominator = (rolled_up(part) for part in parts(ratio, period, rules, within))
        before_num, before_den = (rolled_up(part) for part in parts(ratio, last_period, rules, within))
        percent = ratio in PERCENT_RATIOS
        for pk in pks:
            num, den = numerator.get(pk, zero), denominator.get(pk, zero)
            now = num / den if den else None
            then_den = before_den.get(pk, zero)
            then = before_num.get(pk, zero) / then_den if then_den else None
            change = None
            if now is not None and then is not None:
                change = now - then if percent else (now / then - 1 if then else None)
            result[pk][ratio] = RatioCell(now, num, den, then, change)
        ranks = rank_desc({pk: cells[ratio].value for pk, cells in result.items()})
        for pk, cells in result.items():
            cells[ratio].rank = ranks.get(pk)
    return result
