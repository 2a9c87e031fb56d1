"""Two figures the leaders' speeches quote, on the engine's rules (docs/counting-rules.md,
「讲话中的两个数字」):

- 平均项目规模 and its 同比 ("引进项目的平均规模提高了55.5%"): 协议引资额 ÷ 签约项目数 of the
  period — the parts of ``stats.ratios``' 平均项目规模, so the figure is the statistics
  table's column — against the same period last year; the change is growth (this ÷ last
  − 1, ``year_on_year``), worded by ``growth_text``.
- 当年新引进项目到位资金占比 and its change in percentage points ("比去年同期提高了2.5个百分
  点"): of the funds in place in the period (``funds_in_place``), the part from projects
  whose first counted signing falls between 1 January of the period's year and its end
  (``funds_in_place(signed_in=…)``); last year the same with last year's cohort; the change
  is the difference of the two shares, worded by ``change_points_text``.

Everything is Decimal and exact; rounding (half-up) happens only in the ``…_text``
properties. A figure whose last year is empty says 「无同期数据」, never divides by zero.
Each figure carries the rule it used (``rule``), as the engine's indicators do.
"""

from dataclasses import dataclass
from decimal import Decimal

from zhaoshang.core.numbers import format_percent, round_half_up
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.ratios import RATIO_RULES, RATIO_UNITS, Ratio, parts
from zhaoshang.stats.services import (
    CountingRules,
    Period,
    change_points_text,
    funds_in_place,
    growth_text,
    ratio,
    value,
    year_on_year,
)

GROWTH, POINTS = "growth", "points"

AVERAGE_SIZE = "average_size"
NEW_FUNDS_SHARE = "new_funds_share"

FIGURE_RULES = {
    AVERAGE_SIZE: RATIO_RULES[Ratio.AVERAGE_SIZE]
    + "同比：本期平均项目规模 ÷ 去年同期平均项目规模 − 1；去年同期无签约项目时不计（无同期数据）。",
    NEW_FUNDS_SHARE: "当年新引进项目到位资金占比：统计期内审核通过的到位资金中，首次签约日期在统计期所在年度"
    "1月1日至期末的项目的到位资金所占比重（均按业绩比例分摊）；去年同期以去年同一时段的到位资金和去年新引进的"
    "项目计；比去年同期的变化为两个占比之差（百分点）；去年同期无到位资金时不计（无同期数据）。",
}


@dataclass(frozen=True)
class Figure:
    """A ratio this period and the same period last year, and how it changed."""

    key: str
    label: str
    unit_word: str  # 万元/个, %
    change_kind: str  # GROWTH (this ÷ last − 1) or POINTS (this − last)
    numerator: Decimal
    denominator: Decimal
    last_numerator: Decimal
    last_denominator: Decimal
    period: Period
    rules: CountingRules
    empty_text: str  # what the sentence says when the period has nothing to divide by

    @property
    def value(self) -> Decimal | None:
        return ratio(self.numerator, self.denominator)

    @property
    def last_year(self) -> Decimal | None:
        return ratio(self.last_numerator, self.last_denominator)

    @property
    def change(self) -> Decimal | None:
        now, then = self.value, self.last_year
        if now is None or then is None:
            return None
        return now - then if self.change_kind == POINTS else year_on_year(now, then)

    @property
    def rule(self) -> str:
        return f"{FIGURE_RULES[self.key]}（{self.rules.describe()}）"

    def _shown(self, ratio_value: Decimal | None) -> str:
        if ratio_value is None:
            return "—"
        if self.unit_word == "%":
            return format_percent(ratio_value)
        return f"{round_half_up(ratio_value, 2):,}{self.unit_word}"

    @property
    def value_text(self) -> str:
        return self._shown(self.value)

    @property
    def last_year_text(self) -> str:
        return self._shown(self.last_year)

    @property
    def change_text(self) -> str:
        """同比增长55.5% / 比去年同期提高2.5个百分点 …; 无同期数据 when last year had nothing."""
        if self.last_year is None:
            return "无同期数据"
        if self.value is None:
            return "—"
        if self.change_kind == POINTS:
            return change_points_text(self.change)
        return growth_text(self.change)

    @property
    def sentence(self) -> str:
        """平均项目规模9,666.67万元/个，同比增长55.5% — as the bulletin and the dashboard say it."""
        if self.value is None:
            return self.empty_text
        return f"{self.label}{self.value_text}，{self.change_text}"

    def as_data(self) -> dict:
        """Exact strings, for the bulletin's frozen numbers."""

        def exact(number):
            return None if number is None else format(Decimal(number).normalize(), "f")

        return {
            "value": exact(self.value),
            "last_year": exact(self.last_year),
            "change": exact(self.change),
            "numerator": exact(self.numerator),
            "denominator": exact(self.denominator),
            "last_numerator": exact(self.last_numerator),
            "last_denominator": exact(self.last_denominator),
        }


def _summed(values: dict) -> Decimal:
    return sum(values.values(), Decimal(0))


def average_size_of(
    contracted: Decimal, signed: Decimal, last_contracted: Decimal, last_signed: Decimal, period: Period, rules
) -> Figure:
    """平均项目规模 from 协议引资额 and 签约项目数 already read (the dashboard's KPIs, the
    bulletin's table cells: the engine's values), this period and the same period last year."""
    return Figure(
        AVERAGE_SIZE,
        "签约项目平均规模",
        RATIO_UNITS[Ratio.AVERAGE_SIZE],
        GROWTH,
        Decimal(contracted),
        Decimal(signed),
        Decimal(last_contracted),
        Decimal(last_signed),
        period,
        rules,
        "本期无签约项目，不计平均项目规模",
    )


def average_size(unit, period: Period, rules: CountingRules | None = None) -> Figure:
    """平均项目规模 of ``unit``'s subtree (None: every unit) and its 同比."""
    rules = rules or CountingRules.from_settings()
    last = period.same_period_last_year()
    numerator, denominator = parts(Ratio.AVERAGE_SIZE, period, rules, within=unit)
    last_numerator, last_denominator = parts(Ratio.AVERAGE_SIZE, last, rules, within=unit)
    return average_size_of(
        _summed(numerator), _summed(denominator), _summed(last_numerator), _summed(last_denominator), period, rules
    )


def new_funds_share(
    unit,
    period: Period,
    rules: CountingRules | None = None,
    funds: Decimal | None = None,
    last_funds: Decimal | None = None,
) -> Figure:
    """当年新引进项目到位资金占比 of ``unit``'s subtree (None: every unit) and its change in
    points. ``funds``/``last_funds``, the period's and last year's 到位资金 when the caller has
    them (the dashboard's KPIs, the bulletin's cells), spare reading them again."""
    rules = rules or CountingRules.from_settings()
    last = period.same_period_last_year()
    if funds is None:
        funds = value(Indicator.FUNDS_IN_PLACE, unit, period, rules)
    if last_funds is None:
        last_funds = value(Indicator.FUNDS_IN_PLACE, unit, last, rules)
    new = _summed(funds_in_place(period, rules, within=unit, signed_in=period.year_to_date()))
    last_new = _summed(funds_in_place(last, rules, within=unit, signed_in=last.year_to_date()))
    return Figure(
        NEW_FUNDS_SHARE,
        "当年新引进项目到位资金占比",
        "%",
        POINTS,
        new,
        Decimal(funds),
        last_new,
        Decimal(last_funds),
        period,
        rules,
        "本期无到位资金，不计当年新引进项目到位资金占比",
    )
