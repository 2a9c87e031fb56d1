"""The statistics engine: every indicator as a named function of (scope, period, rules).

Counting rules (统计口径, PRODUCT.md) as code:

- A project counts as signed in P when its FIRST non-supplementary signing event is
  verified and its date (or, by setting, its verification date) falls in P.
- 协议引资额 = Σ the signing amount of projects signed in P (the event's amount: for a
  capital increase only the increase; otherwise the contracted total investment).
- 亿元以上: amount ≥ STATS_BIG_PROJECT_WAN (default 10,000 万元).
- 到位资金 = Σ verified tranches dated in P; 外资 likewise in 万美元.
- 开工/投产项目数 = projects whose first verified start/production event falls in P.
- Credit: amounts are split by credit share; a project count goes to the project's
  count unit (largest share). A parent's value is the sum over its subtree.
- Projects merged into another (duplicates) never count.

Money is summed exactly on both databases: each amount is turned into integer 元 and each
share into integer basis points inside the SQL, so SQLite's floating-point NUMERIC
storage never leaks into a total; the division happens in Python Decimal.
"""

import calendar
import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import BigIntegerField, Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round, TruncDate
from django.utils import timezone

from zhaoshang.core.numbers import YUAN_PER_WAN, as_yuan, percent, round_half_up
from zhaoshang.projects.choices import Stage, Verification
from zhaoshang.stats.choices import MONEY_INDICATORS, RELATION_INDICATORS, Indicator

BASIS_POINTS = 10000  # 100.00% = 10,000 bp


# --- Periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A closed date range with the label bulletins use ("1—7月", "2024年", "第三季度")."""

    start: datetime.date
    end: datetime.date
    label: str = ""
    # The day the figures are read on when the period is not over yet (``so_far``): what
    # "截至X月X日" says and what 序时进度 is measured to. None for a finished period.
    as_of: datetime.date | None = None

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last), f"{year}年{month}月")

    @classmethod
    def months(cls, year: int, first: int, last: int) -> "Period":
        """Months ``first``–``last`` of ``year``; 1–N is the year to date ("1—7月")."""
        if not 1 <= first <= last <= 12:
            raise ValueError("月份范围应在 1—12 月之间，且起始月不晚于结束月。")
        end = datetime.date(year, last, calendar.monthrange(year, last)[1])
        label = f"{year}年{first}月" if first == last else f"{year}年{first}—{last}月"
        return cls(datetime.date(year, first, 1), end, label)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        if quarter not in (1, 2, 3, 4):
            raise ValueError("季度应为 1—4。")
        period = cls.months(year, quarter * 3 - 2, quarter * 3)
        return replace(period, label=f"{year}年第{'一二三四'[quarter - 1]}季度")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"{year}年")

    @classmethod
    def custom(cls, start: datetime.date, end: datetime.date) -> "Period":
        if end < start:
            raise ValueError("结束日期不能早于开始日期。")
        return cls(start, end, f"{start.year}年{start.month}月{start.day}日—{end.year}年{end.month}月{end.day}日")

    def same_period_last_year(self) -> "Period":
        def back(day: datetime.date) -> datetime.date:
            last = calendar.monthrange(day.year - 1, day.month)[1]
            return day.replace(year=day.year - 1, day=min(day.day, last))

        end = back(self.end)
        # A period ending on the last day of February ends on last year's last day too.
        if self.end.month == 2 and self.end.day == calendar.monthrange(self.end.year, 2)[1]:
            end = end.replace(day=calendar.monthrange(end.year, 2)[1])
        return Period(back(self.start), end, "去年同期")

    def year_to_date(self) -> "Period":
        """1 January to the end of this period: what annual completion is measured on."""
        return Period(datetime.date(self.end.year, 1, 1), self.end, f"{self.end.year}年1—{self.end.month}月")

    @property
    def month_aligned(self) -> bool:
        """Whole months: from a 1st to a month's last day (what the roll-up can answer)."""
        last = calendar.monthrange(self.end.year, self.end.month)[1]
        return self.start.day == 1 and self.end.day == last

    def so_far(self, day: datetime.date) -> "Period":
        """This period read on ``day``: marked ``as_of`` when ``day`` falls before its end."""
        if self.start <= day < self.end:
            return replace(self, as_of=day)
        return self

    @property
    def cutoff(self) -> datetime.date:
        """The last day the figures cover: the period's end, or ``as_of`` before it."""
        return self.as_of or self.end

    @property
    def cutoff_text(self) -> str:
        """截至7月底 / 截至12月4日 (an unfinished month is never called 月底)."""
        if self.as_of is not None:
            return f"截至{self.as_of.month}月{self.as_of.day}日"
        last = calendar.monthrange(self.end.year, self.end.month)[1]
        if self.end.day == last:
            return f"截至{self.end.month}月底"
        return f"截至{self.end.month}月{self.end.day}日"

    @property
    def schedule(self) -> Decimal:
        """序时进度: whole months elapsed ÷ 12 at the end of the period (1–7月 → 7/12). A
        period read before its end (``as_of``) counts the months completed by then only
        (1—12月 read on 4 December → 11/12): an unfinished month adds nothing."""
        if self.as_of is None:
            return Decimal(self.end.month) / Decimal(12)
        day = self.as_of
        done = day.month if day.day == calendar.monthrange(day.year, day.month)[1] else day.month - 1
        return Decimal(done) / Decimal(12)


def today() -> datetime.date:
    """The clock the statistics read "today" from (tests set it)."""
    return timezone.localdate()


def default_period(day: datetime.date | None = None) -> "Period":
    """What the dashboard and the statistics table show when nothing is chosen: this year,
    January to the current month so far (1—12月 on 4 December, read as of that day)."""
    day = day or today()
    return Period.months(day.year, 1, day.month).so_far(day)


# --- Counting rules (口径) -------------------------------------------------------------------


@dataclass(frozen=True)
class CountingRules:
    signing_date: str = "event"  # or "verification"
    big_threshold_wan: Decimal = Decimal(10000)
    include_submitted: bool = False
    start_due_days: int = 180  # 签约未开工: days after signing to start when no date was agreed

    @classmethod
    def from_settings(cls) -> "CountingRules":
        return cls(
            signing_date=settings.STATS_SIGNING_DATE,
            big_threshold_wan=Decimal(settings.STATS_BIG_PROJECT_WAN),
            include_submitted=settings.STATS_INCLUDE_SUBMITTED,
            start_due_days=settings.STATS_START_DUE_DAYS,
        )

    @property
    def statuses(self) -> list[str]:
        if self.include_submitted:
            return [Verification.VERIFIED, Verification.SUBMITTED]
        return [Verification.VERIFIED]

    def describe(self) -> str:
        parts = ["仅计已审核数据" if not self.include_submitted else "含待审核数据"]
        parts.append("签约以签约日期计" if self.signing_date == "event" else "签约以审核通过日期计")
        parts.append(
            f"亿元以上项目指协议总投资≥{round_half_up(self.big_threshold_wan / YUAN_PER_WAN, 2).normalize():f}亿元"
        )
        return "；".join(parts)


INDICATOR_RULES = {
    Indicator.SIGNED_COUNT: "签约项目数：首次签约事件审核通过、且签约日期在统计期内的项目个数；补充协议不重复计数；个数计入业绩比例最大的单位。",
    Indicator.SIGNED_BIG_COUNT: "亿元以上签约项目数：签约项目中签约金额达到亿元以上标准的项目个数。",
    Indicator.CONTRACTED_INVESTMENT: "协议引资额：统计期内签约项目的签约金额之和（增资项目只计增资部分），按业绩比例分摊。",
    Indicator.FUNDS_IN_PLACE: "到位资金：统计期内审核通过的到位资金之和，新建与续建项目均计，按业绩比例分摊。",
    Indicator.FOREIGN_FUNDS: "实际到位外资：统计期内审核通过的外资到位金额（万美元）之和，按业绩比例分摊。",
    Indicator.STARTED_COUNT: "开工项目数：开工事件审核通过、且开工日期在统计期内的项目个数。",
    Indicator.STARTED_BIG_COUNT: "亿元以上开工项目数：开工项目中协议总投资达到亿元以上标准的项目个数。",
    Indicator.PRODUCTION_COUNT: "投产项目数：投产事件审核通过、且投产日期在统计期内的项目个数。",
    Indicator.TRIPS: "外出招商次数：出发日期在统计期内、未取消的外出招商中，本单位或下级单位组织或随行的次数；"
    "同一次外出只计一次。",
    Indicator.TRIPS_SENIOR_LED: "县级及以上领导带队次数：外出招商次数中由县级及以上领导带队的次数。",
    Indicator.TRIPS_INDEPENDENT: "独立外出次数：本单位或下级单位组织、且带队领导在县级以下的外出次数（不是跟随县领导外出）。",
    Indicator.INTERACTIONS: "走访接待次数：日期在统计期内、由本单位或下级单位记录的走访、接待、洽谈（外出拜访、来访接待、电话/视频、座谈会、考察）次数，每条记录计一次。",
    Indicator.NEW_KEY_INVESTORS: "新增重点客商：录入时间在统计期内、现标为重点联系、由本单位或下级单位维护的客商人数。",
    Indicator.XIANGXIAN_NETWORK: "乡贤人数：截至统计期末，由本单位或下级单位维护的乡贤人数（存量，不是期内新增数）。",
}


# --- The rules every app counts by --------------------------------------------------------------
# Dashboard, bulletins, assessment and warnings call these; none restates one.


def big_signing(rules: CountingRules, prefix: str = "") -> Q:
    """亿元以上 for a signing event (``prefix`` leads to the event): its signing amount —
    the project's 协议总投资 when the event has none — is at least the threshold."""
    threshold = rules.big_threshold_wan
    return Q(**{f"{prefix}amount__gte": threshold}) | Q(
        **{f"{prefix}amount__isnull": True, f"{prefix}project__total_investment__gte": threshold}
    )


def big_project(rules: CountingRules, prefix: str = "") -> Q:
    """亿元以上 for a project (``prefix`` leads to the project): 协议总投资 ≥ the threshold."""
    return Q(**{f"{prefix}total_investment__gte": rules.big_threshold_wan})


def is_big(project, rules: CountingRules | None = None) -> bool:
    """``big_project`` for one project in memory."""
    rules = rules or CountingRules.from_settings()
    return project.total_investment is not None and project.total_investment >= rules.big_threshold_wan


def signing_day(rules: CountingRules, prefix: str = ""):
    """The day a signing event counts on: its own date or, by setting, the day it was
    verified (an expression over the event)."""
    if rules.signing_date == "verification":
        return TruncDate(f"{prefix}verified_at")
    return F(f"{prefix}date")


def signing_field(rules: CountingRules) -> str:
    """The event's field that ``signing_day`` reads (for month buckets)."""
    return "verified_at" if rules.signing_date == "verification" else "date"


def signing_in(period: "Period", rules: CountingRules, prefix: str = "") -> Q:
    """A signing event counts in ``period`` (by ``signing_day``)."""
    if rules.signing_date == "verification":
        return Q(**{f"{prefix}verified_at__date__range": (period.start, period.end)})
    return Q(**{f"{prefix}date__range": (period.start, period.end)})


def start_due(agreed_start_on: datetime.date | None, signed_on: datetime.date | None, rules: CountingRules):
    """The last day a signed project may start on: the agreed start date (协议约定开工日期),
    or with none agreed the signing date + ``start_due_days``. None when neither is known."""
    if agreed_start_on is not None:
        return agreed_start_on
    if signed_on is not None:
        return signed_on + datetime.timedelta(days=rules.start_due_days)
    return None


def signed_not_started(as_of: datetime.date, rules: CountingRules | None = None, first_signed_on: bool = True):
    """签约未开工 on ``as_of``: projects (not merged, not 退库 — reported or verified) with a
    counted (non-supplementary) signing dated on or before ``as_of``, no counted start or
    production event dated on or before it, and whose ``start_due`` day is before it (the
    due day itself is still in time). A queryset of the base manager, annotated with
    ``first_signed_on`` (unless ``first_signed_on=False``: a count needs no join of every
    event, which at province scale costs more than the rule itself): callers read it
    through ``restrict()`` or narrow it themselves."""
    from django.db.models import Min

    from zhaoshang.projects.models import Project, StageEvent

    rules = rules or CountingRules.from_settings()
    statuses = rules.statuses
    signing = Q(stage=Stage.SIGNED, status__in=statuses, is_supplementary=False)
    signed = StageEvent.objects.filter(signing, project=OuterRef("pk"), date__lte=as_of)
    signed_long_ago = StageEvent.objects.filter(
        signing, project=OuterRef("pk"), date__lt=as_of - datetime.timedelta(days=rules.start_due_days)
    )
    started = StageEvent.objects.filter(
        project=OuterRef("pk"), stage__in=[Stage.STARTED, Stage.PRODUCTION], status__in=statuses, date__lte=as_of
    )
    projects = (
        Project._base_manager.filter(merged_into__isnull=True)
        .exclude(stage=Stage.DROPPED)
        .exclude(verified_stage=Stage.DROPPED)
        .filter(Exists(signed))
        .exclude(Exists(started))
        .filter(Q(agreed_start_on__lt=as_of) | Q(agreed_start_on__isnull=True) & Exists(signed_long_ago))
    )
    if not first_signed_on:
        return projects
    return projects.annotate(
        first_signed_on=Min(
            "events__date",
            filter=Q(
                events__stage=Stage.SIGNED,
                events__status__in=statuses,
                events__is_supplementary=False,
                events__date__lte=as_of,
            ),
        )
    )


def _worded(ratio: Decimal | None, up: str, down: str, level: str) -> str:
    """A signed ratio in words by its value as rounded for display (one decimal), so the
    words never say 超0.0: ``up``/``down`` take the points; "—" when undefined."""
    points = percent(ratio)
    if points is None:
        return "—"
    if points == 0:
        return level
    return (up if points > 0 else down).format(abs(points))


def gap_text(gap: Decimal | None) -> str:
    """A gap to 序时进度 as every page writes it: 超序时进度5.0个百分点 / 欠序时进度3.3个百分点 /
    与序时进度持平 (0.04 points is level); "—" when there is no target."""
    return _worded(gap, "超序时进度{}个百分点", "欠序时进度{}个百分点", "与序时进度持平")


def growth_text(growth: Decimal | None) -> str:
    """同比 as every page writes it: 同比增长90.0% / 同比下降3.0% / 同比持平; "—" when last
    year was zero."""
    return _worded(growth, "同比增长{}%", "同比下降{}%", "同比持平")


def change_points_text(change: Decimal | None) -> str:
    """A share against the same period last year, in percentage points: 比去年同期提高2.5个百分点
    / 比去年同期降低1.0个百分点 / 与去年同期持平; "无同期数据" when last year had none."""
    if change is None:
        return "无同期数据"
    return _worded(change, "比去年同期提高{}个百分点", "比去年同期降低{}个百分点", "与去年同期持平")


def gap_standing(gap: Decimal | None) -> str:
    """ "ahead", "behind" or "none" (no target), by the rounded gap as ``gap_text`` words it:
    what colours a gap (green, red, neutral)."""
    points = percent(gap)
    if points is None:
        return "none"
    return "behind" if points < 0 else "ahead"


# --- Exact sums ---------------------------------------------------------------------------------


_as_yuan = as_yuan  # 万元 → integer 元 in SQL (core.numbers, shared with funds)


def _as_basis_points(expression):
    scaled = Round(expression * Value(100), 0, output_field=DecimalField(max_digits=8, decimal_places=0))
    return Cast(scaled, BigIntegerField())


def _shared_total(amount_expression, percent_path: str):
    """Σ amount × share, in 元·bp (an integer)."""
    return Sum(_as_yuan(amount_expression) * _as_basis_points(F(percent_path)), output_field=BigIntegerField())


def _wan_from_yuan_bp(value) -> Decimal:
    return Decimal(value or 0) / Decimal(YUAN_PER_WAN * BASIS_POINTS)


# --- Events that count ----------------------------------------------------------------------------


# Dates outside any period a user can ask for: a period spanning them is all of time.
ALL_TIME_START = datetime.date(1900, 1, 1)
ALL_TIME_END = datetime.date(2999, 12, 31)


def _first_events(stage: str | tuple, period: Period, rules: CountingRules):
    """The qualifying event of ``stage`` for each project whose first one falls in ``period``
    (of each of several stages, given a tuple of stages other than signing: the roll-up
    reads starts and production in one query)."""
    from zhaoshang.projects.models import StageEvent

    several = isinstance(stage, tuple)
    qualifying = Q(stage__in=stage) if several else Q(stage=stage)
    qualifying &= Q(status__in=rules.statuses, is_supplementary=False)
    earlier = StageEvent.objects.filter(qualifying, project_id=OuterRef("project_id")).filter(
        Q(date__lt=OuterRef("date")) | Q(date=OuterRef("date"), pk__lt=OuterRef("pk"))
    )
    if several:
        earlier = earlier.filter(stage=OuterRef("stage"))
    events = StageEvent.objects.filter(qualifying, project__merged_into__isnull=True).filter(~Exists(earlier))
    if period.start <= ALL_TIME_START and period.end >= ALL_TIME_END:
        # All of time (the roll-up recomputing a few projects): no date range. One from 1900
        # to 2999 led SQLite's planner to read every counted event of the stage through the
        # (stage, status, date) index, testing each against the projects' ids (0.8 s a query
        # for 2,000 projects at province scale), instead of looking their events up (0.02 s).
        if stage == Stage.SIGNED and rules.signing_date == "verification":
            return events.filter(verified_at__isnull=False)  # what the range left out
        return events
    if stage == Stage.SIGNED:
        return events.filter(signing_in(period, rules))
    return events.filter(date__range=(period.start, period.end))


def _within(queryset, unit, path: str):
    return queryset.filter(**{f"{path}__path__startswith": unit.path}) if unit is not None else queryset


# --- Indicators: each returns {unit_id: Decimal} of DIRECT values (before rollup) ---------------


def signed_count(period: Period, rules: CountingRules, within=None, big_only: bool = False) -> dict[int, Decimal]:
    events = _first_events(Stage.SIGNED, period, rules)
    if big_only:
        events = events.filter(big_signing(rules))
    rows = (
        _within(events, within, "project__count_unit")
        .values("project__count_unit")
        .annotate(n=Count("project", distinct=True))
    )
    return {row["project__count_unit"]: Decimal(row["n"]) for row in rows}


def contracted_investment(period: Period, rules: CountingRules, within=None) -> dict[int, Decimal]:
    events = _within(_first_events(Stage.SIGNED, period, rules), within, "project__credits__unit")
    rows = events.values("project__credits__unit").annotate(
        total=_shared_total(Coalesce("amount", "project__total_investment"), "project__credits__percent")
    )
    return {row["project__credits__unit"]: _wan_from_yuan_bp(row["total"]) for row in rows}


def stage_count(
    stage: str, period: Period, rules: CountingRules, within=None, big_only: bool = False
) -> dict[int, Decimal]:
    events = _first_events(stage, period, rules)
    if big_only:
        events = events.filter(big_project(rules, "project__"))
    rows = (
        _within(events, within, "project__count_unit")
        .values("project__count_unit")
        .annotate(n=Count("project", distinct=True))
    )
    return {row["project__count_unit"]: Decimal(row["n"]) for row in rows}


def funds_in_place(
    period: Period, rules: CountingRules, within=None, foreign: bool = False, signed_in: Period | None = None
) -> dict[int, Decimal]:
    """到位资金 credited to each unit; with ``signed_in``, only the tranches of projects whose
    first counted signing falls in that period (当年新引进项目: stats.figures)."""
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.models import ProjectCredit

    tranches = FundsTranche.objects.filter(
        status__in=rules.statuses, date__range=(period.start, period.end), project__merged_into__isnull=True
    )
    if signed_in is not None:
        # The cohort narrowed to the subtree first: the planner then reads the cohort's own
        # tranches by (project, date) instead of every tranche of the period.
        cohort = _first_events(Stage.SIGNED, signed_in, rules)
        if within is not None:
            credited = _within(ProjectCredit.objects.all(), within, "unit").values("project_id")
            cohort = cohort.filter(project_id__in=credited)
        tranches = tranches.filter(project_id__in=cohort.values("project_id"))
    amount = "amount"
    if foreign:
        tranches = tranches.filter(kind="foreign", amount_usd__isnull=False)
        amount = "amount_usd"
    rows = (
        _within(tranches, within, "project__credits__unit")
        .values("project__credits__unit")
        .annotate(total=_shared_total(F(amount), "project__credits__percent"))
    )
    return {row["project__credits__unit"]: _wan_from_yuan_bp(row["total"]) for row in rows}


def trip_counts(indicator: str, period: Period, within=None) -> dict[int, Decimal]:
    """外出招商 counts (docs/counting-rules.md, 外出招商) as the engine's direct values.

    A trip counts for a unit when the unit or one below it organised it or went along
    (``trips_independent``: organised it), once however many of the subtree took part, so
    a parent's count is not the sum of its children's. Each trip is counted here for
    every unit above each of its units (a set per trip), and the direct value of a unit
    is its subtree's count minus its children's subtree counts — negative for a county
    whose two towns went on the same trip. The engine's ``rollup`` (a unit's direct value
    plus its descendants') then gives exactly each subtree's count, and so do ``value``,
    the unit table, the targets grid and the assessment, with no rule of their own."""
    from zhaoshang.accounts.models import Unit
    from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus
    from zhaoshang.fieldwork.models import Trip, TripUnit

    trips = Trip.objects.filter(departure_on__range=(period.start, period.end)).exclude(status=TripStatus.CANCELLED)
    if indicator == Indicator.TRIPS_SENIOR_LED:
        trips = trips.filter(leader_level=LeaderLevel.SENIOR)
    elif indicator == Indicator.TRIPS_INDEPENDENT:
        trips = trips.exclude(leader_level=LeaderLevel.SENIOR)
    if within is not None:
        # The subtree as unit ids, and the union of two indexed id lookups (as core.access
        # does): an OR of a path LIKE and a subquery made SQLite read every trip of the period.
        ids = list(Unit._base_manager.filter(path__startswith=within.path).values_list("pk", flat=True))
        organised = trips.filter(organiser_id__in=ids)
        if indicator == Indicator.TRIPS_INDEPENDENT:
            trips = organised
        else:
            along = TripUnit.objects.filter(unit_id__in=ids).values("trip_id")
            trips = trips.filter(pk__in=organised.values("pk").order_by().union(along.order_by()))
    units_of: dict[int, set[int]] = defaultdict(set)
    for trip_id, unit_id in trips.values_list("pk", "organiser_id"):
        units_of[trip_id].add(unit_id)
    if indicator != Indicator.TRIPS_INDEPENDENT and units_of:
        for trip_id, unit_id in TripUnit.objects.filter(trip__in=trips).values_list("trip_id", "unit_id"):
            units_of[trip_id].add(unit_id)
    tree = {pk: (parent_id, path) for pk, parent_id, path in Unit._base_manager.values_list("pk", "parent_id", "path")}
    above: dict[int, tuple[int, ...]] = {}  # a unit and every unit above it, worked out once per unit

    def chain(unit_id: int) -> tuple[int, ...]:
        if unit_id not in above:
            parent_id = tree[unit_id][0]
            above[unit_id] = (unit_id, *chain(parent_id)) if parent_id is not None else (unit_id,)
        return above[unit_id]

    subtree_count: Counter = Counter()
    for unit_ids in units_of.values():
        if len(unit_ids) == 1:  # most trips: one unit, its chain is the set reached
            subtree_count.update(chain(next(iter(unit_ids))))
        else:
            subtree_count.update({reached for unit_id in unit_ids for reached in chain(unit_id)})
    direct: Counter = Counter(subtree_count)
    for unit_id, count in subtree_count.items():
        parent_id = tree[unit_id][0]
        if parent_id is not None:
            direct[parent_id] -= count
    in_scope = (lambda pk: tree[pk][1].startswith(within.path)) if within is not None else (lambda pk: True)
    return {pk: Decimal(count) for pk, count in direct.items() if count and in_scope(pk)}


def _day_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as [start, end) local times, for timestamps (an index range, not a
    per-row ``__date``)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def _counted_by(queryset, path: str, within=None) -> dict[int, Decimal]:
    """{unit id: rows} of ``queryset`` grouped by the unit at ``path`` (each row credited to
    that one unit, so the engine's subtree sum counts each row once)."""
    queryset = _within(queryset.exclude(**{f"{path}__isnull": True}), within, path)
    rows = queryset.order_by().values_list(path).annotate(n=Count("pk")).values_list(path, "n")
    return {unit: Decimal(n) for unit, n in rows if n}


def relation_counts(indicator: str, period: Period, within=None) -> dict[int, Decimal]:
    """The relationship network's indicators (docs/counting-rules.md, 客商与乡贤) as direct
    values: 走访接待次数 by the recording unit, 新增重点客商 and 乡贤人数 by the keeping unit."""
    from zhaoshang.relations.choices import ContactKind
    from zhaoshang.relations.models import Contact, Interaction

    start, end = _day_bounds(period)
    match indicator:
        case Indicator.INTERACTIONS:
            interactions = Interaction.objects.filter(date__range=(period.start, period.end))
            return _counted_by(interactions, "unit", within)
        case Indicator.NEW_KEY_INVESTORS:
            contacts = Contact.objects.filter(
                kind=ContactKind.INVESTOR, is_key=True, created_at__gte=start, created_at__lt=end
            )
            return _counted_by(contacts, "keeping_unit", within)
        case Indicator.XIANGXIAN_NETWORK:
            # A stock: the 乡贤 kept at the period's end (a record with no entry time predates it).
            contacts = Contact.objects.filter(kind=ContactKind.NOTABLE).filter(
                Q(created_at__lt=end) | Q(created_at__isnull=True)
            )
            return _counted_by(contacts, "keeping_unit", within)
    raise ValueError(f"未知指标：{indicator}")


def direct_values(
    indicator: str, period: Period, rules: CountingRules | None = None, within=None
) -> dict[int, Decimal]:
    """{unit id: value credited to that unit itself} for one indicator.

    Month-aligned periods under the deployment's own rules are read from the monthly
    roll-up (stats.models.UnitMonthFact, kept exact by stats.facts); any other period or
    rule is computed from the rows themselves by the functions above."""
    rules = rules or CountingRules.from_settings()
    if indicator in RELATION_INDICATORS:  # not in the roll-up: one grouped count of the rows
        return relation_counts(indicator, period, within)
    if settings.STATS_ROLLUPS and period.month_aligned and rules == CountingRules.from_settings():
        return _from_rollup(indicator, period, within)
    return computed_values(indicator, period, rules, within)


def _from_rollup(indicator: str, period: Period, within=None) -> dict[int, Decimal]:
    from zhaoshang.stats.models import UnitMonthFact

    facts = UnitMonthFact.objects.filter(indicator=indicator, month__range=(period.start, period.end))
    if within is not None:
        facts = facts.filter(unit__path__startswith=within.path)
    rows = facts.order_by().values_list("unit").annotate(total=Sum("direct")).values_list("unit", "total")
    if indicator in MONEY_INDICATORS:
        return {unit: _wan_from_yuan_bp(total) for unit, total in rows if total}
    return {unit: Decimal(total) for unit, total in rows if total}


def computed_values(
    indicator: str, period: Period, rules: CountingRules | None = None, within=None
) -> dict[int, Decimal]:
    """``direct_values`` computed from the projects, events and tranches themselves."""
    rules = rules or CountingRules.from_settings()
    match indicator:
        case Indicator.SIGNED_COUNT:
            return signed_count(period, rules, within)
        case Indicator.SIGNED_BIG_COUNT:
            return signed_count(period, rules, within, big_only=True)
        case Indicator.CONTRACTED_INVESTMENT:
            return contracted_investment(period, rules, within)
        case Indicator.FUNDS_IN_PLACE:
            return funds_in_place(period, rules, within)
        case Indicator.FOREIGN_FUNDS:
            return funds_in_place(period, rules, within, foreign=True)
        case Indicator.STARTED_COUNT:
            return stage_count(Stage.STARTED, period, rules, within)
        case Indicator.STARTED_BIG_COUNT:
            return stage_count(Stage.STARTED, period, rules, within, big_only=True)
        case Indicator.PRODUCTION_COUNT:
            return stage_count(Stage.PRODUCTION, period, rules, within)
        case Indicator.TRIPS | Indicator.TRIPS_SENIOR_LED | Indicator.TRIPS_INDEPENDENT:
            return trip_counts(indicator, period, within)
        case Indicator.INTERACTIONS | Indicator.NEW_KEY_INVESTORS | Indicator.XIANGXIAN_NETWORK:
            return relation_counts(indicator, period, within)
    raise ValueError(f"未知指标：{indicator}")


def value(indicator: str, unit, period: Period, rules: CountingRules | None = None) -> Decimal:
    """The value of ``indicator`` for ``unit``'s whole subtree in ``period``."""
    return sum(direct_values(indicator, period, rules, within=unit).values(), Decimal(0))


def rollup(direct: dict[int, Decimal], units) -> dict[int, Decimal]:
    """Subtree sums: each unit's own value plus all its descendants'. ``units`` must be
    the whole tree below the units asked about (so that every child is present); any
    objects with ``pk``, ``parent_id`` and ``depth`` (units, or ``TreeNode``)."""
    nodes = sorted(((unit.depth, unit.pk, unit.parent_id) for unit in units), reverse=True)
    present = {pk for _, pk, _ in nodes}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    zero = Decimal(0)
    for _, pk, parent_id in nodes:  # deepest first: children are summed before parents
        totals[pk] += direct.get(pk, zero)
        if parent_id in present:
            totals[parent_id] += totals[pk]
    return dict(totals)


# --- Ratios, ranks ---------------------------------------------------------------------------------


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def year_on_year(this_year: Decimal, last_year: Decimal) -> Decimal | None:
    """同比增长 = this ÷ last − 1; undefined ("—") when last year is zero."""
    if not last_year:
        return None
    return Decimal(this_year) / Decimal(last_year) - 1


def rank_desc(values: dict) -> dict:
    """Descending ranks with ties sharing a rank (1, 2, 2, 4); None is not ranked."""
    ordered = sorted(((key, value) for key, value in values.items() if value is not None), key=lambda item: -item[1])
    ranks, previous, rank = {}, None, 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


# --- The all-units table -------------------------------------------------------------------------


@dataclass
class Cell:
    value: Decimal
    target: Decimal | None = None
    completion: Decimal | None = None  # value (1 Jan – end of period) ÷ annual target
    schedule_gap: Decimal | None = None  # completion − 序时进度
    last_year: Decimal = Decimal(0)
    yoy: Decimal | None = None
    rank: int | None = None


@dataclass
class TableRow:
    unit: object
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class UnitTable:
    period: Period
    indicators: list[str]
    rows: list[TableRow]
    rules: CountingRules
    schedule: Decimal

    def rule_texts(self) -> list[str]:
        return [INDICATOR_RULES[Indicator(indicator)] for indicator in self.indicators] + [self.rules.describe()]


class TreeNode(NamedTuple):
    pk: int
    parent_id: int | None
    depth: int
    path: str


def subtrees(units) -> list[TreeNode]:
    """Every unit at or below any of ``units``, as plain tuples. The unit table is small (a
    province has a few thousand), so it is read whole and filtered here: one OR-ed path
    condition per unit asked about overflowed SQLite's expression depth."""
    from zhaoshang.accounts.models import Unit

    roots = {unit.path for unit in units}
    return [
        TreeNode(*row)
        for row in Unit._base_manager.values_list("pk", "parent_id", "depth", "path")
        if any(row[3][: end + 1] in roots for end, char in enumerate(row[3]) if char == "/")
    ]


# The annual targets a unit table compares with. They are the targets app's, which sits
# above stats (its grid shows progress computed here) and registers its reader in its
# AppConfig.ready(): ``reader(year, unit_ids, indicators) -> {(unit_id, indicator): value}``.
TARGET_READERS: list[Callable[[int, list[int], list[str]], dict]] = []


def register_target_reader(reader: Callable[[int, list[int], list[str]], dict]) -> None:
    TARGET_READERS[:] = [reader]


def unit_table(
    units, indicators: list[str], period: Period, rules: CountingRules | None = None, within=None
) -> UnitTable:
    """For each unit (its subtree) and indicator: value, target, completion, gap to
    序时进度, last year's value and 同比, and rank among ``units``.

    One grouped query per indicator and year, rolled up over the tree in Python: the cost
    does not grow with the number of units asked about. ``within``, a unit at or above all
    of ``units``, limits the queries to its subtree (a town officer's table reads its town).
    """
    rules = rules or CountingRules.from_settings()
    units = list(units)
    if not units:
        return UnitTable(period, indicators, [], rules, period.schedule)
    tree = subtrees(units)
    last_period = period.same_period_last_year()
    ytd = period.year_to_date()
    ids = [unit.pk for unit in units]
    targets = TARGET_READERS[0](period.end.year, ids, indicators) if TARGET_READERS else {}
    rows = {unit.pk: TableRow(unit) for unit in units}
    zero, schedule = Decimal(0), period.schedule
    for indicator in indicators:
        now = rollup(direct_values(indicator, period, rules, within), tree)
        before = rollup(direct_values(indicator, last_period, rules, within), tree)
        same_span = (ytd.start, ytd.end) == (period.start, period.end)
        year_so_far = now if same_span else rollup(direct_values(indicator, ytd, rules, within), tree)
        for pk in ids:
            target = targets.get((pk, indicator))
            completion = ratio(year_so_far.get(pk, zero), target)
            current, previous = now.get(pk, zero), before.get(pk, zero)
            rows[pk].cells[indicator] = Cell(
                value=current,
                target=target,
                completion=completion,
                schedule_gap=None if completion is None else completion - schedule,
                last_year=previous,
                yoy=year_on_year(current, previous),
            )
        ranks = rank_desc({pk: rows[pk].cells[indicator].value for pk in ids})
        for pk in ids:
            rows[pk].cells[indicator].rank = ranks.get(pk)
    return UnitTable(period, indicators, [rows[pk] for pk in ids], rules, schedule)


# --- Behind a number (drill-down) ------------------------------------------------------------


@dataclass
class Contribution:
    """One project (or tranche) behind a figure, with what it adds to the figure."""

    project: object
    date: datetime.date
    amount: Decimal  # its contribution: 1 for a count, or the credited share in 万元 / 万美元
    tranche: object = None


def behind(indicator: str, unit, period: Period, rules: CountingRules | None = None) -> list[Contribution]:
    """The rows that make ``indicator`` for ``unit``'s subtree in ``period``, by the same
    querysets as the figure itself; their amounts add up to ``value(...)`` exactly."""
    from zhaoshang.funds.models import FundsTranche

    rules = rules or CountingRules.from_settings()
    money = indicator in MONEY_INDICATORS
    credits_in = {"credits__unit__path__startswith": unit.path}

    def share(project) -> Decimal:
        in_scope = [c for c in project.credits.all() if c.unit.path.startswith(unit.path)]
        return sum((credit.percent for credit in in_scope), Decimal(0)) / 100

    if indicator in (Indicator.FUNDS_IN_PLACE, Indicator.FOREIGN_FUNDS):
        tranches = FundsTranche.objects.filter(
            status__in=rules.statuses, date__range=(period.start, period.end), project__merged_into__isnull=True
        ).filter(project__in=_projects_matching(credits_in))
        if indicator == Indicator.FOREIGN_FUNDS:
            tranches = tranches.filter(kind="foreign", amount_usd__isnull=False)
        tranches = (
            tranches.select_related("project__responsible_unit", "project__investor")
            .prefetch_related("project__credits__unit")
            .order_by("date", "pk")
        )
        field_name = "amount_usd" if indicator == Indicator.FOREIGN_FUNDS else "amount"
        return [Contribution(t.project, t.date, getattr(t, field_name) * share(t.project), tranche=t) for t in tranches]
    stage = {
        Indicator.SIGNED_COUNT: Stage.SIGNED,
        Indicator.SIGNED_BIG_COUNT: Stage.SIGNED,
        Indicator.CONTRACTED_INVESTMENT: Stage.SIGNED,
        Indicator.STARTED_COUNT: Stage.STARTED,
        Indicator.STARTED_BIG_COUNT: Stage.STARTED,
        Indicator.PRODUCTION_COUNT: Stage.PRODUCTION,
    }[Indicator(indicator)]
    events = _first_events(stage, period, rules)
    if indicator == Indicator.SIGNED_BIG_COUNT:
        events = events.filter(big_signing(rules))
    if indicator == Indicator.STARTED_BIG_COUNT:
        events = events.filter(big_project(rules, "project__"))
    if money:
        events = events.filter(project__in=_projects_matching(credits_in))
    else:
        events = _within(events, unit, "project__count_unit")
    events = (
        events.select_related("project__responsible_unit", "project__investor")
        .prefetch_related("project__credits__unit")
        .order_by("date", "pk")
    )
    result = []
    for event in events:
        if money:
            amount = (event.amount if event.amount is not None else event.project.total_investment) * share(
                event.project
            )
        else:
            amount = Decimal(1)
        result.append(Contribution(event.project, event.date, amount))
    return result


def _projects_matching(condition: dict):
    from zhaoshang.projects.models import Project

    return Project._base_manager.filter(**condition).values("pk")
