"""The leaders' dashboard (驾驶舱): every figure of one scope and period from a small, fixed
number of grouped queries.

The numbers are the engine's (``stats.services``), gathered for a page at once. The
periods the dashboard offers are whole months, so every KPI, last year's value, the year
to date and the monthly trend are sums of monthly buckets read in ONE grouped query for
the two years the page shows: from the monthly roll-up ``stats.UnitMonthFact`` under the
deployment's own 口径, or — for other rules — from the rows, each family (signings,
starts, production, tranches) read once with the engine's first-event rule
(``_first_events``) and exact sums in integer 元 × basis points. Either way the figures
equal the engine's ``value()`` (tested). No query is issued per unit or per month, so the
number of queries does not grow with the data. The figures drill down to the statistics
drill-down (``stats:behind``), which lists exactly the rows that add up to them.

Scope: the viewer's top unit (an officer's own unit; the root for leader and bureau) or
a unit below it chosen by the viewer. Amounts count through credit shares of units in
the scope's subtree and project counts through the project's count unit, as the engine
does. Both are credit units, and credits are one of the fields that put a project in an
officer's scope, so every row an officer's totals add up is a row ``restrict()`` lets
that officer read (tested: their totals equal the sum of the rows they can see). The
lists (stage funnel, key projects) are read through ``restrict()`` with the project
list's own unit filter (responsible unit in the subtree), so their drill-downs show
exactly the rows counted.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from zhaoshang.accounts.choices import Role
from zhaoshang.core.numbers import percent, round_half_up, wan_to_yi
from zhaoshang.dashboard.choices import KPI_INDICATORS, PROVINCE_MAP_NAMES, PROVINCE_NAMES
from zhaoshang.projects.choices import LIFECYCLE, STAGE_BADGES, STAGE_ORDER, Stage
from zhaoshang.stats import figures
from zhaoshang.stats import services as stats
from zhaoshang.stats.choices import INDICATOR_UNITS, MONEY_INDICATORS, Indicator
from zhaoshang.stats.services import (
    INDICATOR_RULES,
    CountingRules,
    Period,
    _as_basis_points,
    _as_yuan,
    _first_events,
    _wan_from_yuan_bp,
    big_signing,
    gap_standing,
    gap_text,
    growth_text,
    rank_desc,
    ratio,
    rollup,
    signing_day,
    signing_in,
    year_on_year,
)

YI_INDICATORS = {Indicator.CONTRACTED_INVESTMENT, Indicator.FUNDS_IN_PLACE}  # 万元, shown in 亿元
BIG_BAND_WAN = Decimal(10000)  # the project list's "ge1yi" amount band
KEY_PROJECTS_SHOWN = 10
MIX_ROWS_SHOWN = 10


# --- Scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """A unit as the dashboard needs it (read as plain values: a province has 3,000)."""

    pk: int
    parent_id: int | None
    depth: int
    path: str
    code: str
    name: str
    short_name: str
    sort_order: int
    active: bool

    @property
    def label(self) -> str:
        return self.short_name or self.name


UNIT_FIELDS = ("pk", "parent_id", "depth", "path", "code", "name", "short_name", "sort_order", "active")


@dataclass
class Scope:
    unit: UnitRow | None  # whose figures; None when the deployment has several root units
    unit_ids: list[int] | None  # the subtree's units; None when it is every unit (no filter)
    tree: list[UnitRow]  # every unit of the subtree (values roll up through inactive ones too)
    children: list[UnitRow]  # the units ranked: the active children of ``unit``
    ancestors: list[UnitRow]  # the viewer's units above ``unit``, top first (the breadcrumb)

    @property
    def list_filter(self) -> dict:
        """The project/funds list parameter that shows this scope's rows."""
        return {"unit": self.unit.pk} if self.unit is not None and self.unit_ids is not None else {}


def resolve_scope(user, unit=None) -> Scope:
    """The scope for ``user``: ``unit`` (already checked to be within their reach) or their
    top unit — an officer's own unit, the root for leader and bureau."""
    from zhaoshang.accounts.models import Unit

    sees_all = user.role in (Role.LEADER, Role.BUREAU)
    if unit is None and not sees_all:
        unit = user.unit
    rows = [UnitRow(*values) for values in Unit.objects.restrict(user).order_by().values_list(*UNIT_FIELDS)]
    by_pk = {row.pk: row for row in rows}
    if unit is not None:
        top = by_pk[unit.pk]
    else:
        roots = [row for row in rows if row.parent_id not in by_pk]
        top = roots[0] if len(roots) == 1 else None
    tree = rows if top is None else [row for row in rows if row.path.startswith(top.path)]
    every_unit = sees_all and len(tree) == len(rows)
    if top is None:
        children = [row for row in rows if row.parent_id not in by_pk]
        ancestors = []
    else:
        children = [row for row in tree if row.parent_id == top.pk]
        by_code = {row.code: row for row in rows}
        ancestors = [by_code[code] for code in top.path.strip("/").split("/")[:-1] if code in by_code]
    children = sorted((row for row in children if row.active), key=lambda row: (row.sort_order, row.code))
    return Scope(top, None if every_unit else [row.pk for row in tree], tree, children, ancestors)


# --- Exact sums within a scope ---------------------------------------------------------------------


def _both(*conditions: Q | None) -> Q | None:
    present = [condition for condition in conditions if condition is not None]
    if not present:
        return None
    combined = present[0]
    for condition in present[1:]:
        combined &= condition
    return combined


def _credited_in(scope: Scope, queryset):
    """Rows of projects with a credit share in the scope: an id subquery, so no row repeats."""
    from zhaoshang.projects.models import ProjectCredit

    if scope.unit_ids is None:
        return queryset
    return queryset.filter(project_id__in=ProjectCredit.objects.filter(unit_id__in=scope.unit_ids).values("project_id"))


def _counted(scope: Scope) -> Q | None:
    """A project counts for the scope when its count unit (largest share) is in it."""
    return None if scope.unit_ids is None else Q(project__count_unit_id__in=scope.unit_ids)


def _shared_sum(amount, scope: Scope, condition: Q | None = None):
    """Σ amount × share over the scope's credit shares, in 元·bp (an integer)."""
    in_scope = None if scope.unit_ids is None else Q(project__credits__unit_id__in=scope.unit_ids)
    return Sum(
        _as_yuan(amount) * _as_basis_points(F("project__credits__percent")),
        filter=_both(in_scope, condition),
        output_field=BigIntegerField(),
    )


SIGNED_AMOUNT = Coalesce("amount", "project__total_investment")


# --- Monthly values ------------------------------------------------------------------------------


@dataclass
class Monthly:
    """{indicator: {(year, month): value}} for the two years the dashboard shows."""

    values: dict[str, dict[tuple[int, int], Decimal]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, indicator: str, day: datetime.date, amount: Decimal) -> None:
        bucket = self.values[indicator]
        key = (day.year, day.month)
        bucket[key] = bucket.get(key, Decimal(0)) + amount

    def month(self, indicator: str, year: int, month: int) -> Decimal:
        return self.values[indicator].get((year, month), Decimal(0))

    def total(self, indicator: str, period: Period) -> Decimal:
        """The value over ``period``, which must be whole months."""
        first = (period.start.year, period.start.month)
        last = (period.end.year, period.end.month)
        return sum(
            (value for key, value in self.values[indicator].items() if first <= key <= last),
            Decimal(0),
        )


def uses_rollup(rules: CountingRules) -> bool:
    """Whether the monthly roll-up (stats.UnitMonthFact) answers for these rules: it is kept
    for the deployment's own 口径 only; any other rules are computed from the rows."""
    return settings.STATS_ROLLUPS and rules == CountingRules.from_settings()


def _facts(scope: Scope, start: datetime.date, end: datetime.date, indicators):
    from zhaoshang.stats.models import UnitMonthFact

    facts = UnitMonthFact.objects.filter(indicator__in=list(indicators), month__range=(start, end))
    if scope.unit_ids is not None:
        facts = facts.filter(unit_id__in=scope.unit_ids)
    return facts.order_by()


def _fact_value(indicator: str, total) -> Decimal:
    """A roll-up integer as the indicator's value: 元 × basis points for money, else a count."""
    return _wan_from_yuan_bp(total) if indicator in MONEY_INDICATORS else Decimal(total or 0)


def monthly_values(scope: Scope, year: int, rules: CountingRules) -> Monthly:
    """Every KPI indicator by month, for ``year`` and the year before. From the monthly
    roll-up in one query when it applies; otherwise four grouped queries over the rows
    (signings, starts, production, tranches), each grouped by day."""
    if uses_rollup(rules):
        from zhaoshang.stats.models import UnitMonthFact

        # The scope's own pre-rolled values (``tree``: its whole subtree), not every unit's.
        roots = [scope.unit.pk] if scope.unit is not None else [row.pk for row in scope.children]
        monthly = Monthly()
        rows = (
            UnitMonthFact.objects.filter(
                unit_id__in=roots,
                indicator__in=list(KPI_INDICATORS),
                month__range=(datetime.date(year - 1, 1, 1), datetime.date(year, 12, 1)),
            )
            .order_by()
            .values("indicator", "month")
            .annotate(total=Sum("tree"))
        )
        for row in rows:
            if row["total"]:
                monthly.add(row["indicator"], row["month"], _fact_value(row["indicator"], row["total"]))
        return monthly
    return _monthly_from_rows(scope, year, rules)


def _monthly_from_rows(scope: Scope, year: int, rules: CountingRules) -> Monthly:
    from zhaoshang.funds.choices import FundsKind
    from zhaoshang.funds.models import FundsTranche

    window = Period(datetime.date(year - 1, 1, 1), datetime.date(year, 12, 31))
    monthly = Monthly()
    counted = _counted(scope)

    signings = _credited_in(scope, _first_events(Stage.SIGNED, window, rules))
    for row in (
        signings.order_by()
        .values(day=signing_day(rules))
        .annotate(
            n=Count("project", distinct=True, filter=counted),
            n_big=Count("project", distinct=True, filter=_both(counted, big_signing(rules))),
            total=_shared_sum(SIGNED_AMOUNT, scope),
        )
    ):
        monthly.add(Indicator.SIGNED_COUNT, row["day"], Decimal(row["n"]))
        monthly.add(Indicator.SIGNED_BIG_COUNT, row["day"], Decimal(row["n_big"]))
        monthly.add(Indicator.CONTRACTED_INVESTMENT, row["day"], _wan_from_yuan_bp(row["total"]))

    for stage, indicator in ((Stage.STARTED, Indicator.STARTED_COUNT), (Stage.PRODUCTION, Indicator.PRODUCTION_COUNT)):
        events = _first_events(stage, window, rules)
        if counted is not None:
            events = events.filter(counted)
        for row in events.order_by().values("date").annotate(n=Count("project", distinct=True)):
            monthly.add(indicator, row["date"], Decimal(row["n"]))

    tranches = _credited_in(
        scope,
        FundsTranche.objects.filter(
            status__in=rules.statuses, date__range=(window.start, window.end), project__merged_into__isnull=True
        ),
    )
    foreign = Q(kind=FundsKind.FOREIGN, amount_usd__isnull=False)
    for row in (
        tranches.order_by()
        .values("date")
        .annotate(total=_shared_sum(F("amount"), scope), usd=_shared_sum(F("amount_usd"), scope, foreign))
    ):
        monthly.add(Indicator.FUNDS_IN_PLACE, row["date"], _wan_from_yuan_bp(row["total"]))
        monthly.add(Indicator.FOREIGN_FUNDS, row["date"], _wan_from_yuan_bp(row["usd"]))
    return monthly


# --- Display ------------------------------------------------------------------------------------------


def shown(indicator: str, value: Decimal | None) -> Decimal | None:
    """A value as the dashboard shows it: money in 亿元 (two decimals), 外资 in 万美元 (two
    decimals), counts as whole numbers. Rounded half-up, at the very end."""
    if value is None:
        return None
    if indicator in YI_INDICATORS:
        return wan_to_yi(value)
    if indicator == Indicator.FOREIGN_FUNDS:
        return round_half_up(value, 2)
    return round_half_up(value, 0)


def unit_word(indicator: str) -> str:
    return "亿元" if indicator in YI_INDICATORS else INDICATOR_UNITS[indicator]


def percent_text(value: Decimal | None) -> str:
    shown_value = percent(value)
    return "—" if shown_value is None else f"{shown_value}%"


def yoy_text(growth: Decimal | None) -> str:
    """同比 as the stats engine words it; the dashboard says why there is none."""
    return "去年同期为零，不计同比" if growth is None else growth_text(growth)


# --- Drill-down links -------------------------------------------------------------------------------


def link(url_name: str, **params) -> str:
    """``url_name`` with the filters that show the rows behind a figure."""
    query = {key: value for key, value in params.items() if value not in (None, "", [])}
    url = reverse(url_name)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def _verified(rules: CountingRules) -> dict:
    return {} if rules.include_submitted else {"verification": "has_verified"}


def signed_link(scope: Scope, period: Period, rules: CountingRules, **extra) -> str:
    return link(
        "projects:list",
        signed_from=period.start.isoformat(),
        signed_to=period.end.isoformat(),
        **_verified(rules),
        **scope.list_filter,
        **extra,
    )


def funds_link(scope: Scope, period: Period, rules: CountingRules, **extra) -> str:
    status = {} if rules.include_submitted else {"status": "verified"}
    return link(
        "funds:list",
        date_from=period.start.isoformat(),
        date_to=period.end.isoformat(),
        **status,
        **scope.list_filter,
        **extra,
    )


def indicator_link(indicator: str, scope: Scope, period: Period, rules: CountingRules) -> str:
    """The project or tranche list behind an indicator's value."""
    match indicator:
        case Indicator.SIGNED_BIG_COUNT:
            # The list's band is 1亿元 and up; with another threshold, all signings are listed.
            band = {"amount": "ge1yi"} if rules.big_threshold_wan == BIG_BAND_WAN else {}
            return signed_link(scope, period, rules, **band)
        case Indicator.FUNDS_IN_PLACE:
            return funds_link(scope, period, rules)
        case Indicator.FOREIGN_FUNDS:
            return funds_link(scope, period, rules, kind="foreign")
        case Indicator.STARTED_COUNT:
            return link(
                "projects:list",
                started_from=period.start.isoformat(),
                started_to=period.end.isoformat(),
                **_verified(rules),
                **scope.list_filter,
            )
        case Indicator.PRODUCTION_COUNT:
            return link(
                "projects:list",
                production_from=period.start.isoformat(),
                production_to=period.end.isoformat(),
                **_verified(rules),
                **scope.list_filter,
            )
    return signed_link(scope, period, rules)


def figure_link(indicator: str, scope: Scope, period: Period, rules: CountingRules) -> str:
    """Where a figure drills down to: the statistics drill-down (``stats:behind``), which
    lists exactly the projects or tranches that add up to it under the deployment's 口径;
    the project or funds list (``indicator_link``) when there is no single unit to ask
    about or the figure was computed under other rules."""
    if scope.unit is None or rules != CountingRules.from_settings():
        return indicator_link(indicator, scope, period, rules)
    return link(
        "stats:behind",
        indicator=str(indicator),
        unit=scope.unit.pk,
        year=period.end.year,
        first=period.start.month,
        last=period.end.month,
        came_from="dashboard",  # the drill-down's back link and menu return to the dashboard
    )


def dashboard_link(unit: UnitRow, form_params: dict) -> str:
    return link("dashboard:index", **{**form_params, "unit": unit.pk})


# --- KPIs ----------------------------------------------------------------------------------------------


@dataclass
class Kpi:
    indicator: Indicator
    value: Decimal  # in the period
    last_year: Decimal  # the same period last year
    year_to_date: Decimal  # 1 January to the end of the period: what completion is measured on
    target: Decimal | None  # the annual target of the scope's unit
    schedule: Decimal  # 序时进度
    url: str
    rule: str

    @property
    def label(self) -> str:
        return self.indicator.label

    @property
    def unit_word(self) -> str:
        return unit_word(self.indicator)

    @property
    def shown_value(self) -> Decimal:
        return shown(self.indicator, self.value)

    @property
    def shown_target(self) -> Decimal | None:
        return shown(self.indicator, self.target)

    @property
    def shown_year_to_date(self) -> Decimal:
        return shown(self.indicator, self.year_to_date)

    @property
    def shown_last_year(self) -> Decimal:
        return shown(self.indicator, self.last_year)

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.year_to_date, self.target)

    @property
    def gap(self) -> Decimal | None:
        completion = self.completion
        return None if completion is None else completion - self.schedule

    @property
    def yoy(self) -> Decimal | None:
        return year_on_year(self.value, self.last_year)

    @property
    def completion_text(self) -> str:
        return percent_text(self.completion)

    @property
    def schedule_text(self) -> str:
        return percent_text(self.schedule)

    @property
    def gap_text(self) -> str:
        return gap_text(self.gap)

    @property
    def yoy_text(self) -> str:
        return yoy_text(self.yoy)

    @property
    def ahead(self) -> bool:
        """At or ahead of 序时进度 as shown (rounded), so colour and words agree."""
        return gap_standing(self.gap) == "ahead"

    @property
    def schedule_percent(self) -> Decimal:
        return percent(self.schedule)

    @property
    def bar_percent(self) -> Decimal:
        """The progress bar's width: completion, capped at 100."""
        return min(percent(self.completion) or Decimal(0), Decimal(100))


# --- The whole dashboard ---------------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    rules: CountingRules
    scope: Scope
    kpis: list[Kpi]
    ranking: list[dict]
    funnel: list[dict]
    exits: list[dict]
    key_projects: list
    key_count: int
    key_by_stage: list[dict]
    key_url: str
    mix: dict
    provinces: list[dict]
    province_unknown: dict
    charts: dict  # everything the charts draw, for json_script
    form_params: dict
    warnings: object = None  # alerts.services.WarningSummary: open warnings of the scope (one query)
    # 签约未开工 today (stats.signed_not_started) in the scope: the projects, a queryset read
    # only by whoever iterates or counts it. The page loads the number after itself from
    # ``not_started_url`` (``not_started_count``): at province scale the rule over 200,000
    # projects takes most of a second, the rest of the page some tens of milliseconds.
    not_started: object = None
    not_started_url: str = ""
    latest_bulletin: object = None  # the newest published bulletin the viewer may read
    average_size: object = None  # stats.figures.Figure: 平均项目规模 and its 同比, from the KPIs
    figures_url: str = ""  # where the block loads 当年新引进项目到位资金占比 from (``new_funds_share``)

    @property
    def ranking_has_targets(self) -> bool:
        """Whether any unit ranked has a target: else the completion chart has nothing to draw."""
        return any(row["completion"] is not None for row in self.ranking)

    @property
    def schedule_text(self) -> str:
        return percent_text(self.period.schedule)

    @property
    def title(self) -> str:
        return self.scope.unit.name if self.scope.unit is not None else "全部单位"

    @property
    def is_year_to_date(self) -> bool:
        return self.period.start == self.period.year_to_date().start

    @property
    def breadcrumb(self) -> list[dict]:
        """The viewer's units above this one, each a link to its own dashboard."""
        return [{"name": unit.name, "url": dashboard_link(unit, self.form_params)} for unit in self.scope.ancestors]

    @property
    def ranking_height(self) -> int:
        """Pixels for a ranking chart: a bar per unit."""
        return max(220, 30 * len(self.ranking) + 70)


def build_dashboard(user, period: Period, unit=None, rules: CountingRules | None = None, form_params=None) -> Dashboard:
    """Every figure of the dashboard for ``user`` in ``period`` (whole months of one year),
    for ``unit``'s subtree or the user's top unit. The caller has checked that the user may
    read business data and that ``unit`` is within their reach."""
    rules = rules or CountingRules.from_settings()
    # A period not over yet is read as of today, as the statistics table reads it.
    period = period.so_far(stats.today())
    form_params = form_params or {}
    scope = resolve_scope(user, unit)
    year = period.end.year
    monthly = monthly_values(scope, year, rules)
    last_period = period.same_period_last_year()
    ytd = period.year_to_date()
    targets = _targets(user, scope, year)
    top_key = scope.unit.pk if scope.unit is not None else None

    kpis = []
    for indicator in KPI_INDICATORS:
        rule_text = f"{INDICATOR_RULES[indicator]}（{rules.describe()}）"
        kpis.append(
            Kpi(
                indicator=indicator,
                value=monthly.total(indicator, period),
                last_year=monthly.total(indicator, last_period),
                year_to_date=monthly.total(indicator, ytd),
                target=targets.get((top_key, indicator)),
                schedule=period.schedule,
                url=figure_link(indicator, scope, period, rules),
                rule=rule_text,
            )
        )

    by_indicator = {kpi.indicator: kpi for kpi in kpis}
    contracted, signed = by_indicator[Indicator.CONTRACTED_INVESTMENT], by_indicator[Indicator.SIGNED_COUNT]
    average_size = figures.average_size_of(
        contracted.value, signed.value, contracted.last_year, signed.last_year, period, rules
    )

    ranking = _ranking(scope, period, rules, targets, form_params)
    projects = _scoped_projects(user, scope)
    funnel, exits, key_by_stage, key_count = _funnel(projects, scope)
    key_projects = list(
        projects.filter(is_key=True)
        .select_related("responsible_unit")
        .only("name", "total_investment", "stage", "verified_stage", "responsible_unit__name")
        .order_by(F("total_investment").desc(nulls_last=True), "-pk")[:KEY_PROJECTS_SHOWN]
    )
    marginals = _mix_marginals(scope, period, rules)
    mix = _mix(scope, period, rules, marginals)
    provinces, unknown = _provinces(scope, period, rules, marginals)

    charts = {
        "period": period.label,
        "schedule": str(percent(period.schedule)),
        "trend": _trend(monthly, scope, year, rules),
        "ranking": ranking,
        "funnel": funnel,
        "industry": mix["sections"],
        "sectors": mix["sectors"],
        "leading": mix["leading"],
        "chains": mix["chains"],
        "provinces": provinces,
    }
    # 签约未开工 today within the scope's projects: driven from them (a town's few hundred,
    # not the province's 200,000) and counted, not loaded (the page shows the number; at
    # province scale 60,000 rows were read to be counted) — the same projects either way.
    not_started = _not_started(projects, rules)
    return Dashboard(
        period=period,
        rules=rules,
        scope=scope,
        kpis=kpis,
        ranking=ranking,
        funnel=funnel,
        exits=exits,
        key_projects=key_projects,
        key_count=key_count,
        key_by_stage=key_by_stage,
        key_url=link("projects:list", is_key="true", **scope.list_filter),
        mix=mix,
        provinces=provinces,
        province_unknown=unknown,
        charts=charts,
        form_params=form_params,
        warnings=_warnings(scope),
        latest_bulletin=_latest_bulletin(user),
        average_size=average_size,
        figures_url=link("dashboard:figures", **form_params, **scope.list_filter),
        not_started=not_started,
        not_started_url=link("dashboard:not_started", **scope.list_filter),
    )


def _not_started(projects, rules: CountingRules):
    return (
        stats.signed_not_started(stats.today(), rules, first_signed_on=False)
        .filter(pk__in=projects.values("pk"))
        .only("pk", "name")
    )


def not_started_count(user, unit=None, rules: CountingRules | None = None) -> int:
    """How many projects of the dashboard's scope are 签约未开工 today (the bulletin's and the
    assessment's rule, stats.signed_not_started), for the block that loads it after the page."""
    rules = rules or CountingRules.from_settings()
    return _not_started(_scoped_projects(user, resolve_scope(user, unit)), rules).count()


def new_funds_share(user, period: Period, unit=None, rules: CountingRules | None = None):
    """当年新引进项目到位资金占比 (stats.figures) for the dashboard's scope and period. Read
    from the tranches themselves (the roll-up does not know a tranche's project's signing
    year), so the block asks for it after the page has loaded: a town's takes tens of
    milliseconds, the whole province's seconds (bench/README.md)."""
    rules = rules or CountingRules.from_settings()
    period = period.so_far(stats.today())
    scope = resolve_scope(user, unit)
    monthly = monthly_values(scope, period.end.year, rules)
    last_period = period.same_period_last_year()
    return figures.new_funds_share(
        scope.unit,
        period,
        rules,
        funds=monthly.total(Indicator.FUNDS_IN_PLACE, period),
        last_funds=monthly.total(Indicator.FUNDS_IN_PLACE, last_period),
    )


def _latest_bulletin(user):
    """The newest published bulletin the viewer may read (one query), for the ranking's note."""
    from zhaoshang.bulletins.choices import BulletinStatus
    from zhaoshang.bulletins.models import Bulletin

    return (
        Bulletin.objects.restrict(user)
        .filter(status=BulletinStatus.PUBLISHED)
        .only("pk", "title")
        .order_by("-year", "-month", "-published_at", "-pk")
        .first()
    )


def _warnings(scope: Scope):
    """Open yellow/red warnings by kind for the scope's units, in one grouped query."""
    from zhaoshang.alerts.services import warning_summary

    return warning_summary(scope.unit_ids)


def _targets(user, scope: Scope, year: int) -> dict[tuple[int | None, str], Decimal]:
    """{(unit id, indicator): annual target} for the scope's unit (key None when the scope is
    several roots: their targets summed) and the units ranked. One query."""
    from zhaoshang.targets.models import Target

    units = [row.pk for row in scope.children]
    if scope.unit is not None:
        units.append(scope.unit.pk)
    found: dict[tuple[int | None, str], Decimal] = {}
    for unit_id, indicator, value in (
        Target.objects.restrict(user)
        .filter(year=year, unit_id__in=units, indicator__in=Indicator.values)
        .order_by()
        .values_list("unit_id", "indicator", "value")
    ):
        found[(unit_id, indicator)] = value
        if scope.unit is None:  # several roots: the whole's target is the sum of theirs
            found[(None, indicator)] = found.get((None, indicator), Decimal(0)) + value
    return found


def _trend(monthly: Monthly, scope: Scope, year: int, rules: CountingRules) -> dict:
    """协议引资额 and 到位资金 by month, this year against last year, in 亿元."""
    today = stats.today()
    series = {}
    for key, indicator in (("contracted", Indicator.CONTRACTED_INVESTMENT), ("funds", Indicator.FUNDS_IN_PLACE)):
        rows = {"this": [], "last": []}
        for month in range(1, 13):
            for which, in_year in (("this", year), ("last", year - 1)):
                future = datetime.date(in_year, month, 1) > today
                month_period = Period.month(in_year, month)
                url = figure_link(indicator, scope, month_period, rules)
                value = None if future else str(wan_to_yi(monthly.month(indicator, in_year, month)))
                rows[which].append({"value": value, "url": url})
        series[key] = rows
    return {
        "months": [f"{month}月" for month in range(1, 13)],
        "year": f"{year}年",
        "last_year": f"{year - 1}年",
        "series": series,
    }


def _ranking(scope: Scope, period: Period, rules: CountingRules, targets: dict, form_params: dict) -> list[dict]:
    """The scope's children by 协议引资额 in the period, and by annual completion (year to
    date ÷ target), each with shared ranks. One grouped query, rolled up over the tree."""
    if not scope.children:
        return []
    ytd = period.year_to_date()
    now_direct, ytd_direct = _contracted_by_unit(scope, period, ytd, rules)
    now = rollup(now_direct, scope.tree)
    so_far = rollup(ytd_direct, scope.tree)
    indicator = Indicator.CONTRACTED_INVESTMENT
    values = {row.pk: now.get(row.pk, Decimal(0)) for row in scope.children}
    completions = {
        row.pk: ratio(so_far.get(row.pk, Decimal(0)), targets.get((row.pk, indicator))) for row in scope.children
    }
    value_ranks = rank_desc(values)
    completion_ranks = rank_desc(completions)
    rows = []
    for unit in scope.children:
        unit_scope = Scope(unit, [unit.pk], [], [], [])  # only its unit is used, for links
        target = targets.get((unit.pk, indicator))
        completion = completions[unit.pk]
        rows.append(
            {
                "name": unit.label,
                "full_name": unit.name,
                "value": str(wan_to_yi(values[unit.pk])),
                "rank": value_ranks[unit.pk],
                "target": None if target is None else str(wan_to_yi(target)),
                "year_to_date": str(wan_to_yi(so_far.get(unit.pk, Decimal(0)))),
                "completion": None if completion is None else str(percent(completion)),
                "completion_rank": completion_ranks.get(unit.pk),
                "gap": gap_text(None if completion is None else completion - period.schedule),
                "ahead": completion is not None and gap_standing(completion - period.schedule) == "ahead",
                "url": figure_link(indicator, unit_scope, period, rules),
                "ytd_url": figure_link(indicator, unit_scope, ytd, rules),
                "dashboard_url": dashboard_link(unit, form_params),
            }
        )
    rows.sort(key=lambda row: (row["rank"], row["name"]))
    return rows


def _contracted_by_unit(scope: Scope, period: Period, ytd: Period, rules: CountingRules) -> tuple[dict, dict]:
    """协议引资额 credited directly to each unit, in the period and in the year to date. One
    grouped query, on the roll-up when it applies."""
    indicator = Indicator.CONTRACTED_INVESTMENT
    if uses_rollup(rules):
        rows = (
            _facts(scope, ytd.start, ytd.end, [indicator])
            .values("unit_id")
            .annotate(ytd=Sum("direct"), now=Sum("direct", filter=Q(month__range=(period.start, period.end))))
        )
        key = "unit_id"
    else:
        events = _credited_in(scope, _first_events(Stage.SIGNED, ytd, rules))
        rows = (
            events.order_by()
            .values("project__credits__unit_id")
            .annotate(
                ytd=_shared_sum(SIGNED_AMOUNT, scope),
                now=_shared_sum(SIGNED_AMOUNT, scope, signing_in(period, rules)),
            )
        )
        key = "project__credits__unit_id"
    now, so_far = {}, {}
    for row in rows:
        now[row[key]] = _fact_value(indicator, row["now"])
        so_far[row[key]] = _fact_value(indicator, row["ytd"])
    return now, so_far


def _scoped_projects(user, scope: Scope):
    """Live projects the user may read, in the scope as the project list's unit filter
    has it (responsible unit in the subtree)."""
    from zhaoshang.projects.models import Project

    projects = Project.objects.restrict(user).filter(merged_into__isnull=True)
    if scope.unit_ids is not None:
        projects = projects.filter(responsible_unit_id__in=scope.unit_ids)
    return projects


def _funnel(projects, scope: Scope) -> tuple[list[dict], list[dict], list[dict], int]:
    """The lifecycle as a funnel: for each stage, live projects that have reached it (their
    current stage is it or a later one), with how many are at it now; exits (暂缓, 退库)
    apart; key projects by stage. One grouped query."""
    counts, keys = {}, {}
    for row in projects.order_by().values("stage").annotate(n=Count("*"), key=Count("is_key", filter=Q(is_key=True))):
        counts[row["stage"]] = row["n"]
        keys[row["stage"]] = row["key"]
    funnel = []
    for stage in LIFECYCLE:
        reached = [later for later in LIFECYCLE if STAGE_ORDER[later] >= STAGE_ORDER[stage]]
        funnel.append(
            {
                "name": f"{stage.label}及以后" if stage != Stage.PRODUCTION else stage.label,
                "stage": stage.label,
                "value": sum(counts.get(later, 0) for later in reached),
                "current": counts.get(stage, 0),
                "url": link("projects:list", stage=[str(later) for later in reached], **scope.list_filter),
                "current_url": link("projects:list", stage=str(stage), **scope.list_filter),
            }
        )
    exits = [
        {
            "label": stage.label,
            "count": counts.get(stage, 0),
            "url": link("projects:list", stage=str(stage), **scope.list_filter),
        }
        for stage in (Stage.ON_HOLD, Stage.DROPPED)
    ]
    key_by_stage = [
        {
            "label": stage.label,
            "count": keys.get(stage, 0),
            "badge": STAGE_BADGES[stage],
            "url": link("projects:list", stage=str(stage), is_key="true", **scope.list_filter),
        }
        for stage in [*LIFECYCLE, Stage.ON_HOLD, Stage.DROPPED]
        if keys.get(stage)
    ]
    return funnel, exits, key_by_stage, sum(keys.values())


def _mix_marginals(scope: Scope, period: Period, rules: CountingRules) -> dict:
    """{dimension: {key: [count, 协议引资额 万元]}} of the projects signed in the period, for
    the signing mixes (industry section "sec", 三次产业 "sector", leading industry "lead",
    chain "chain", investors' province "prov"; an empty key where none is recorded).

    Under the deployment's 口径 this reads the scope's own pre-rolled rows of the monthly
    roll-up (stats.facts: a few hundred rows for a year); otherwise one grouped query over
    the period's signings."""
    from zhaoshang.stats import facts

    marginals: dict = {name: defaultdict(lambda: [0, Decimal(0)]) for name in facts.MIX_DIMENSIONS}
    if uses_rollup(rules):
        from zhaoshang.stats.models import MixFact

        roots = [scope.unit.pk] if scope.unit is not None else [row.pk for row in scope.children]
        rows = (
            MixFact.objects.filter(unit_id__in=roots, month__range=(period.start, period.end))
            .order_by()
            .values_list("dimension", "key")
            .annotate(count=Sum("count"), amount=Sum("amount"))
        )
        for name, key, count, amount in rows:
            if name in marginals and (count or amount):
                marginals[name][key][0] += count
                marginals[name][key][1] += _wan_from_yuan_bp(amount)
        return marginals
    events = _credited_in(scope, _first_events(Stage.SIGNED, period, rules))
    dimensions = {f"mix_{name}": F(path) for name, path in facts.MIX_DIMENSIONS.items()}
    for row in (
        events.order_by()
        .values(**dimensions)
        .annotate(n=Count("project", distinct=True, filter=_counted(scope)), total=_shared_sum(SIGNED_AMOUNT, scope))
    ):
        for name in facts.MIX_DIMENSIONS:
            key = row[f"mix_{name}"]
            if name in facts.OPTIONAL_DIMENSIONS and not key:
                continue
            entry = marginals[name]["" if key is None else str(key)]
            entry[0] += row["n"]
            entry[1] += _wan_from_yuan_bp(row["total"])
    return marginals


def _mix(scope: Scope, period: Period, rules: CountingRules, marginals: dict) -> dict:
    """Projects signed in the period by industry (GB/T 4754 section, 三次产业), leading
    industry and chain: count and 协议引资额."""
    from zhaoshang.reference.choices import Sector
    from zhaoshang.reference.models import Industry

    section_names = dict(Industry.objects.filter(level=1).values_list("code", "name"))

    def entry(label: str, values, url: str | None) -> dict:
        return {"name": label, "count": values[0], "total": values[1], "url": url}

    def ordered(entries: list[dict], limit: int | None = None) -> list[dict]:
        rows = sorted(
            (e for e in entries if e["count"] or e["total"]), key=lambda e: (-e["total"], -e["count"], e["name"])
        )
        if limit is not None:
            rows = rows[:limit]
        return [{**e, "total": str(wan_to_yi(e["total"]))} for e in rows]

    sections = [
        entry(f"{code} {section_names.get(code, '')}".strip(), values, signed_link(scope, period, rules, industry=code))
        if code
        else entry("未填行业", values, None)
        for code, values in marginals["sec"].items()
    ]
    sectors = {
        int(key or 0): entry(Sector(int(key)).label if key else "未填行业", values, None)
        for key, values in marginals["sector"].items()
        if values[0] or values[1]
    }
    leading = [
        entry(key, values, signed_link(scope, period, rules, leading_industry=key))
        for key, values in marginals["lead"].items()
    ]
    chains = [
        entry(key, values, signed_link(scope, period, rules, chain_tag=key))
        for key, values in marginals["chain"].items()
    ]
    return {
        "sections": ordered(sections),
        "sectors": [
            {**sectors[key], "total": str(wan_to_yi(sectors[key]["total"]))}
            for key in sorted(sectors, key=lambda key: (key == 0, key))  # 第一、二、三产业, then 未填
        ],
        "leading": ordered(leading, MIX_ROWS_SHOWN),
        "chains": ordered(chains, MIX_ROWS_SHOWN),
    }


def _provinces(scope: Scope, period: Period, rules: CountingRules, marginals: dict) -> tuple[list[dict], dict]:
    """Where the investors of the projects signed in the period come from: by the province
    of the investor's home division."""
    rows = []
    unknown = {"count": 0, "total": Decimal(0)}
    for code, (count, total) in marginals["prov"].items():
        if not count and not total:
            continue
        if code not in PROVINCE_MAP_NAMES:
            unknown["count"] += count
            unknown["total"] += total
            continue
        rows.append(
            {
                "name": PROVINCE_MAP_NAMES[code],
                "full_name": PROVINCE_NAMES[code],
                "count": count,
                "total_wan": total,
                "value": str(wan_to_yi(total)),
                "url": signed_link(scope, period, rules, investor_province=code),
            }
        )
    rows.sort(key=lambda entry: (-entry["total_wan"], -entry["count"], entry["name"]))
    for entry in rows:
        del entry["total_wan"]
    unknown["total"] = wan_to_yi(unknown["total"])
    return rows, unknown
