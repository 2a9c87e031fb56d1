"""The bulletin's sections, each written by one builder function from the statistics engine.

``SECTIONS`` is the bulletin, in order: each builder takes the ``BulletinContext`` (period,
scope, the statistics table from ``stats.tables.build``, the reader) and returns a
``Section`` — or a section with no blocks, which is rendered with its "本期无" text.
Builders never compute an indicator: every figure is a ``Cell`` of the statistics table;
the one list that is not an indicator (signed-not-started projects) is read through
``restrict()``.

Two sections come from other apps (问题清单 from supervision, 调度 from scheduling). Each is
plugged in by the app itself: a module ``zhaoshang/<app>/bulletin.py`` with a function
``bulletin_section(ctx) -> Section | None``. While the app is not installed (or has no such
module) the section says so instead of failing. See ``plugged_section``.

For example, supervision's ``zhaoshang/supervision/bulletin.py`` would be::

    from zhaoshang.bulletins.sections import Section, paragraph, table
    from zhaoshang.supervision.services import overdue_problems

    def bulletin_section(ctx):
        problems = overdue_problems(ctx.user, ctx.cutoff + datetime.timedelta(days=1)).filter(
            responsible_unit__path__startswith=ctx.scope.path)
        if not problems.exists():
            return None  # "本期无逾期未办结问题。"
        rows = [[p.project.name, p.responsible_unit.name, f"{p.deadline:%Y-%m-%d}", ...] for p in problems]
        ctx.record("overdue_problems", [{"key": str(p.pk), "label": p.project.name,
                                         "unit": p.responsible_unit.name, "value": f"{p.deadline}"} for p in problems])
        return Section("", "", [paragraph(f"{ctx.as_of_text}，逾期未办结问题{len(rows)}个。"),
                                table("逾期未办结问题", [[("项目", 1, 1), ("责任单位", 1, 1), ("办结期限", 1, 1)]],
                                      rows, sheet="逾期问题")])

``ctx.record`` puts the list into the published snapshot, so "what changed since
publication" covers it too.

Content is plain JSON (``Section.as_dict``): the preview page, the .docx, the .xlsx and the
published snapshot all render the same dicts.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import F

from zhaoshang.accounts.choices import UnitType
from zhaoshang.core.numbers import percent, round_half_up, wan_to_yi
from zhaoshang.stats import figures
from zhaoshang.stats.choices import INDICATOR_UNITS, MONEY_INDICATORS, Indicator
from zhaoshang.stats.services import (
    INDICATOR_RULES,
    CountingRules,
    Period,
    gap_standing,
    gap_text,
    growth_text,
    start_due,
    unit_table,
)

CHINESE_NUMBERS = "一二三四五六七八九十"

# The narrative's indicators, in the order bulletins read them; with the phrase that names
# each and, for counts, the 亿元以上 indicator written in brackets after it.
NARRATIVE = [
    (Indicator.CONTRACTED_INVESTMENT, "协议引资", None),
    (Indicator.FUNDS_IN_PLACE, "到位资金", None),
    (Indicator.FOREIGN_FUNDS, "实际到位外资", None),
    (Indicator.SIGNED_COUNT, "签约项目", Indicator.SIGNED_BIG_COUNT),
    (Indicator.STARTED_COUNT, "开工项目", Indicator.STARTED_BIG_COUNT),
    (Indicator.PRODUCTION_COUNT, "投产项目", None),
]
PHRASES = {indicator: phrase for indicator, phrase, _ in NARRATIVE}
# Compared with 序时进度 and ranked by name in the narrative.
HEADLINE = [Indicator.CONTRACTED_INVESTMENT, Indicator.FUNDS_IN_PLACE]
RANKED = [
    Indicator.CONTRACTED_INVESTMENT,
    Indicator.FUNDS_IN_PLACE,
    Indicator.SIGNED_COUNT,
    Indicator.STARTED_COUNT,
]
# The all-units table in the Word file (the .xlsx carries every indicator).
TABLE_INDICATORS = [
    Indicator.SIGNED_COUNT,
    Indicator.CONTRACTED_INVESTMENT,
    Indicator.FUNDS_IN_PLACE,
    Indicator.STARTED_COUNT,
]
TOP_NOT_STARTED = 10


# --- Content blocks ------------------------------------------------------------------------


def paragraph(text: str, title: str = "") -> dict:
    """A paragraph; ``title``, when given, is what the preview shows on hover (the names
    behind the counts in the text)."""
    block = {"type": "paragraph", "text": text}
    if title:
        block["title"] = title
    return block


def subheading(text: str) -> dict:
    """Second-level heading ("（一）…"), 楷体 in the Word file."""
    return {"type": "subheading", "text": text}


def note(text: str) -> dict:
    """Small print under a table (注：…)."""
    return {"type": "note", "text": text}


def table(
    title: str,
    header: list[list[tuple[str, int, int]]],
    rows: list[list[str]],
    *,
    sheet: str,
    bold_rows: tuple[int, ...] = (),
    wide: bool = False,
    widths: list[float] | None = None,
    in_word: bool = True,
) -> dict:
    """A table: ``header`` rows of (text, colspan, rowspan), body ``rows`` of strings.
    ``sheet`` names its .xlsx sheet; ``in_word=False`` keeps a list out of the Word file
    (it is in the text already) but still gives it a sheet."""
    return {
        "type": "table",
        "title": title,
        "header": [[list(cell) for cell in row] for row in header],
        "rows": [[str(value) for value in row] for row in rows],
        "sheet": sheet,
        "bold_rows": list(bold_rows),
        "wide": wide,
        "widths": widths or [],
        "in_word": in_word,
    }


@dataclass
class Section:
    key: str
    heading: str
    blocks: list[dict] = field(default_factory=list)
    empty_text: str = "本期无。"
    appendix: bool = False  # 附件: after the signature, on landscape pages

    def as_dict(self, number: str) -> dict:
        return {
            "key": self.key,
            "heading": self.heading,
            "number": number,
            "blocks": self.blocks,
            "empty_text": self.empty_text,
            "appendix": self.appendix,
        }


@dataclass
class BulletinContext:
    """What a section builder may use. ``numbers`` is what is frozen at publication: a
    builder that shows a figure not in the statistics table records it with ``record``."""

    user: object
    kind: str
    period: Period
    scope: object
    result: object  # stats.tables.StatsTable of the scope's children, 合计 = the scope
    rules: CountingRules
    numbers: dict = field(default_factory=dict)
    # (kind of unit or "" for the scope's children's kinds, indicator) of the distribution
    # sentence (Bulletin.distribution_unit_type / distribution_indicator).
    distribution: tuple[str, str] = ("", Indicator.CONTRACTED_INVESTMENT)
    # The 红黑榜 rules that apply (bulletins.honour.rules_for): none, no 红黑榜 section.
    honour_rules: list = field(default_factory=list)

    @property
    def cutoff(self):
        """The last day the bulletin covers: the period's end, or — for a month not over
        yet — the day it is generated on, so nothing due after it is called overdue."""
        return self.period.cutoff

    @property
    def as_of_text(self) -> str:
        """截至7月底, or 截至12月4日 for a month not over yet."""
        return self.period.cutoff_text

    @property
    def months_text(self) -> str:
        """The period as the narrative opens: "1—7月" (or "1月"); a month not over yet says
        how far it goes: "1—12月（截至12月4日）"."""
        text = self.period.label.split("年", 1)[1]
        return text + (f"（{self.as_of_text}）" if self.period.as_of else "")

    @property
    def scope_word(self) -> str:
        return scope_word(self.scope)

    @property
    def rows(self):
        """The ranked units (the scope's children), without the 合计 row."""
        return self.result.table.rows

    @property
    def total(self):
        return self.result.total.rows[0]

    def record(self, name: str, items: list[dict]) -> None:
        """Freeze a list: items of {"key", "label", "unit", "value"} (strings). The published
        list is compared item by item (by key) with the list made later."""
        self.numbers.setdefault("lists", {})[name] = items


def scope_word(unit) -> str:
    """全省 / 全市 / 全县 / 全区 for an administrative area (by its type, so a zone named
    "…开发区" stays itself), else the unit's own name (城关镇, 市经开区)."""
    from zhaoshang.accounts.choices import UnitType

    if unit.type == UnitType.PROVINCE:
        return "全省"
    if unit.type == UnitType.CITY:
        return "全市"
    if unit.type == UnitType.COUNTY and unit.name[-1] in "市县区旗":
        return "全" + unit.name[-1]
    return unit.name


# --- Phrases --------------------------------------------------------------------------------


def amount_text(indicator: str, value: Decimal | None) -> str:
    """How the narrative writes a value: 亿元 to two decimals, 万美元, or 个."""
    value = value or Decimal(0)
    if indicator == Indicator.FOREIGN_FUNDS:
        return f"{round_half_up(value, 2)}万美元"
    if indicator in MONEY_INDICATORS:
        return f"{wan_to_yi(value)}亿元"
    return f"{round_half_up(value, 0)}个"


def indicator_clause(indicator: str, cell, big_cell=None) -> str:
    """ "协议引资3.80亿元，同比增长375.0%，完成年计划的63.3%，超序时进度5.0个百分点".
    同比 is left out when last year was zero ("—"), completion and 序时进度 when there is no
    target."""
    text = PHRASES[indicator] + amount_text(indicator, cell.value)
    if big_cell is not None and big_cell.value:
        text += f"（其中亿元以上项目{amount_text(Indicator.SIGNED_COUNT, big_cell.value)}）"
    parts = [text]
    if cell.yoy is not None:
        parts.append(growth_text(cell.yoy))
    if cell.completion is not None:
        parts.append(f"完成年计划的{percent(cell.completion)}%")
        parts.append(gap_text(cell.schedule_gap))
    return "，".join(parts)


def _behind(rows, indicator) -> list:
    """Units behind 序时进度 (as displayed: a gap that rounds to 0.0 is on schedule)."""
    return [row for row in rows if gap_standing(row.cells[indicator].schedule_gap) == "behind"]


def _ahead(rows, indicator) -> list:
    return [row for row in rows if gap_standing(row.cells[indicator].schedule_gap) == "ahead"]


LEADERS_NAMED = 5  # tied units named before 「等N个单位」


def _leaders_text(leaders, indicator) -> str:
    """The top of a ranking, worded for ties: 「排名前三位的是A、B、C」 when three ranks are
    distinct; otherwise by rank — 「并列第一的是A、B、C、D、E等9个单位（各2个）」 — so that
    nine tied units are never called 「前三位」."""

    def described(row) -> str:
        return f"{row.unit.name}（{amount_text(indicator, row.cells[indicator].value)}）"

    if len(leaders) == 1:
        return "排名第一的是" + described(leaders[0])
    ranks = [row.cells[indicator].rank for row in leaders]
    if len(set(ranks)) == len(ranks):
        return f"排名前{CHINESE_NUMBERS[len(leaders) - 1]}位的是" + "、".join(described(row) for row in leaders)
    parts = []
    for rank in sorted(set(ranks)):
        group = [row for row in leaders if row.cells[indicator].rank == rank]
        place = CHINESE_NUMBERS[rank - 1]
        if len(group) == 1:
            parts.append(f"第{place}的是" + described(group[0]))
            continue
        each = amount_text(indicator, group[0].cells[indicator].value)
        names = "、".join(row.unit.name for row in group[:LEADERS_NAMED])
        more = f"等{len(group)}个单位" if len(group) > LEADERS_NAMED else ""
        parts.append(f"并列第{place}的是{names}{more}（各{each}）")
    return "，".join(parts)


def _names(rows) -> str:
    return "、".join(row.unit.name for row in rows)


# --- Builders ---------------------------------------------------------------------------------


def overview(ctx: BulletinContext) -> Section:
    """一、总体情况: the scope's totals, then each child, then the top units and the units
    behind 序时进度."""
    section = Section("overview", "总体情况")
    cells = ctx.total.cells
    clauses = []
    for indicator, _, big in NARRATIVE:
        cell = cells[indicator]
        optional = indicator in (Indicator.FOREIGN_FUNDS, Indicator.PRODUCTION_COUNT)
        if optional and not (cell.value or cell.last_year or cell.target):
            continue
        clauses.append(indicator_clause(indicator, cell, cells[big] if big else None))
    section.blocks.append(paragraph(f"{ctx.months_text}，{ctx.scope_word}" + "；".join(clauses) + "。"))
    section.blocks.append(paragraph(_figures_text(ctx)))
    trips = _trips_text(ctx)
    if trips:
        section.blocks.append(paragraph(trips))

    children = [row for row in ctx.rows if row.unit.pk != ctx.scope.pk]
    if children:
        parts, idle = [], []
        for row in children:
            signed = row.cells[Indicator.SIGNED_COUNT].value
            contracted = row.cells[Indicator.CONTRACTED_INVESTMENT].value
            funds = row.cells[Indicator.FUNDS_IN_PLACE].value
            if not (signed or contracted or funds):
                idle.append(row)
                continue
            parts.append(
                f"{row.unit.name}签约项目{amount_text(Indicator.SIGNED_COUNT, signed)}，"
                f"协议引资{amount_text(Indicator.CONTRACTED_INVESTMENT, contracted)}，"
                f"到位资金{amount_text(Indicator.FUNDS_IN_PLACE, funds)}"
            )
        if idle:
            parts.append(f"{_names(idle)}暂无签约项目和到位资金")
        section.blocks.append(paragraph("其中，" + "；".join(parts) + "。"))

        tops = []
        for indicator in RANKED:
            leaders = sorted(
                (row for row in children if row.cells[indicator].value and row.cells[indicator].rank <= 3),
                key=lambda row: (row.cells[indicator].rank, row.unit.path),
            )
            if leaders:
                tops.append(
                    f"从{PHRASES[indicator] + ('' if indicator in MONEY_INDICATORS else '数')}看，"
                    + _leaders_text(leaders, indicator)
                )
        if tops:
            section.blocks.append(paragraph("；".join(tops) + "。"))

        behind = []
        for indicator in HEADLINE:
            with_target = [row for row in children if row.cells[indicator].completion is not None]
            if not with_target:
                continue
            late = _behind(with_target, indicator)
            if late:
                many = f"等{len(late)}个单位" if len(late) > 1 else ""
                behind.append(f"{PHRASES[indicator]}欠序时进度的有{_names(late)}{many}")
            else:
                behind.append(f"已下达目标的单位{PHRASES[indicator]}均达到序时进度")
        if behind:
            section.blocks.append(paragraph("；".join(behind) + "。"))
    distributions = [d for d in _distributions(ctx) if d.sentence is not None]
    for distribution in distributions:
        section.blocks.append(paragraph(distribution.sentence, title=distribution.names))
    if distributions:
        header = [[(text, 1, 1) for text in ("单位类型", "完成情况", "单位", "年计划完成率")]]
        rows = [row for distribution in distributions for row in distribution.rows]
        indicator = distributions[0].indicator
        title = f"{PHRASES[indicator]}年度任务完成情况分布（{ctx.result.table.period.label}）"
        section.blocks.append(table(title, header, rows, sheet="任务完成分布", in_word=False))
    return section


def _figures_text(ctx: BulletinContext) -> str:
    """The two figures the speeches quote (stats.figures), from the 合计 row's cells."""
    cells = ctx.total.cells
    contracted, signed = cells[Indicator.CONTRACTED_INVESTMENT], cells[Indicator.SIGNED_COUNT]
    funds = cells[Indicator.FUNDS_IN_PLACE]
    size = figures.average_size_of(
        contracted.value, signed.value, contracted.last_year, signed.last_year, ctx.period, ctx.rules
    )
    share = figures.new_funds_share(ctx.scope, ctx.period, ctx.rules, funds=funds.value, last_funds=funds.last_year)
    values = ctx.numbers.setdefault("values", {})
    for figure in (size, share):
        data = figure.as_data()
        values[f"{figure.key}"] = data["value"] or ""
        values[f"{figure.key}_change"] = data["change"] or ""
    return f"{size.sentence}；{share.sentence}。"


def _trips_text(ctx: BulletinContext) -> str:
    """The county's sentence on outbound trips (docs/counting-rules.md, 外出招商): N1 the
    county's trips led by a 县级 or higher leader; N2 and N3 the sums of its towns', zones'
    and departments' own 外出招商次数 and 独立外出次数 (a trip two towns went on is each
    town's). Only for a county, and only when it has trips in the period."""
    if ctx.scope.type != UnitType.COUNTY or Indicator.TRIPS not in ctx.total.cells:
        return ""
    senior = ctx.total.cells[Indicator.TRIPS_SENIOR_LED].value
    children = [row for row in ctx.rows if row.unit.pk != ctx.scope.pk]
    total = sum((row.cells[Indicator.TRIPS].value for row in children), Decimal(0))
    independent = sum((row.cells[Indicator.TRIPS_INDEPENDENT].value for row in children), Decimal(0))
    if not (senior or total or ctx.total.cells[Indicator.TRIPS].value):
        return ""
    values = ctx.numbers.setdefault("values", {})
    values["trips_senior_led"], values["trips_units"], values["trips_units_independent"] = (
        f"{senior:f}",
        f"{total:f}",
        f"{independent:f}",
    )
    return (
        f"{ctx.months_text}，县级领导带队外出{senior:f}次，乡镇、开发区、部门合计外出{total:f}次"
        f"（{independent:f}次为独立外出）。"
    )


# --- 已完成招商任务的部门只有9个，完成一半的11个… --------------------------------------------------

# The kinds of unit in the order the sentences are written when the bulletin names none.
DISTRIBUTION_ORDER = [
    UnitType.COUNTY,
    UnitType.CITY_LEVEL,
    UnitType.TOWN,
    UnitType.DEPARTMENT,
    UnitType.ZONE,
    UnitType.INDUSTRY_TEAM,
    UnitType.STATIONED_TEAM,
    UnitType.CITY,
]
UNIT_WORDS = {
    UnitType.CITY: "市",
    UnitType.CITY_LEVEL: "市本级单位",
    UnitType.COUNTY: "县（市、区）",
    UnitType.TOWN: "乡镇（街道）",
    UnitType.DEPARTMENT: "部门",
    UnitType.ZONE: "开发区（园区）",
    UnitType.INDUSTRY_TEAM: "产业专班",
    UnitType.STATIONED_TEAM: "驻点招商小分队",
    UnitType.PROVINCE: "省",
}
BANDS = [("done", "已完成"), ("half", "完成一半以上"), ("below", "完成不到一半"), ("no_target", "未下达目标")]


@dataclass
class Distribution:
    """Units of one kind by their annual completion of one indicator (the engine's
    ``Cell.completion``), banded by the percentage as shown (one decimal, half-up, as every
    page words a figure): ≥ 100 % done, ≥ 50 % half, below 50 %, and no target."""

    unit_type: str
    indicator: str
    done: list = field(default_factory=list)
    half: list = field(default_factory=list)
    below: list = field(default_factory=list)
    no_target: list = field(default_factory=list)

    @property
    def word(self) -> str:
        return UNIT_WORDS[UnitType(self.unit_type)]

    @property
    def sentence(self) -> str | None:
        """已完成协议引资年度任务的部门9个，完成一半以上的11个，完成不到一半的3个；另有2个部门
        未下达协议引资年度目标。 A band with no unit is left out (never 「0个」); none done
        reads 「部门中尚无完成…的」, all done 「已下达…目标的N个部门均已完成任务」. None when no
        unit of the kind has a target (the speech would not speak of them)."""
        phrase, word = PHRASES[self.indicator], self.word
        with_target = len(self.done) + len(self.half) + len(self.below)
        if not with_target:
            return None
        if len(self.done) == with_target:
            text = f"已下达{phrase}年度目标的{with_target}个{word}均已完成任务"
        else:
            clauses = [
                f"已完成{phrase}年度任务的{word}{len(self.done)}个"
                if self.done
                else f"{word}中尚无完成{phrase}年度任务的"
            ]
            if self.half:
                clauses.append(f"完成一半以上的{len(self.half)}个")
            if self.below:
                clauses.append(f"完成不到一半的{len(self.below)}个")
            text = "，".join(clauses)
        if self.no_target:
            text += f"；另有{len(self.no_target)}个{word}未下达{phrase}年度目标"
        return text + "。"

    def _described(self, row) -> str:
        completion = row.cells[self.indicator].completion
        return row.unit.name if completion is None else f"{row.unit.name}（{percent(completion)}%）"

    @property
    def names(self) -> str:
        """The units behind each count, for the hover text: 已完成：甲（112.0%）、乙；…"""
        return "；".join(
            f"{label}：" + "、".join(self._described(row) for row in getattr(self, band))
            for band, label in BANDS
            if getattr(self, band)
        )

    @property
    def rows(self) -> list[list[str]]:
        """One row per unit for the .xlsx: kind, band, unit, completion."""
        return [
            [
                self.word,
                label,
                row.unit.name,
                "—"
                if row.cells[self.indicator].completion is None
                else f"{percent(row.cells[self.indicator].completion)}%",
            ]
            for band, label in BANDS
            for row in getattr(self, band)
        ]


def completion_distribution(ctx: BulletinContext, unit_type: str, indicator: str) -> Distribution | None:
    """The active units of ``unit_type`` below the scope that the reader may see, banded by
    their annual completion of ``indicator``; None when there are none."""
    from zhaoshang.accounts.models import Unit

    units = list(
        Unit.objects.restrict(ctx.user)
        .filter(path__startswith=ctx.scope.path, type=unit_type, active=True)
        .exclude(pk=ctx.scope.pk)
        .order_by("path")
    )
    if not units:
        return None
    rows = unit_table(units, [indicator], ctx.result.table.period, ctx.rules, within=ctx.scope).rows
    distribution = Distribution(unit_type, indicator)
    for row in sorted(rows, key=lambda row: (-(row.cells[indicator].completion or 0), row.unit.path)):
        shown = percent(row.cells[indicator].completion)
        band = "no_target" if shown is None else "done" if shown >= 100 else "half" if shown >= 50 else "below"
        getattr(distribution, band).append(row)
    ctx.record(
        f"distribution_{unit_type}",
        [
            {
                "key": row.unit.code,
                "label": row.unit.name,
                "unit": label,
                "value": ""
                if row.cells[indicator].completion is None
                else format(row.cells[indicator].completion, "f"),
            }
            for band, label in BANDS
            for row in getattr(distribution, band)
        ],
    )
    return distribution


def _distributions(ctx: BulletinContext) -> list[Distribution]:
    """The bulletin's kind of unit, or each kind among the scope's children."""
    from zhaoshang.accounts.models import Unit

    unit_type, indicator = ctx.distribution
    if unit_type:
        kinds = [unit_type]
    else:
        present = set(
            Unit.objects.restrict(ctx.user).filter(parent=ctx.scope, active=True).values_list("type", flat=True)
        )
        kinds = [kind for kind in DISTRIBUTION_ORDER if kind in present]
    found = (completion_distribution(ctx, kind, indicator) for kind in kinds)
    return [distribution for distribution in found if distribution is not None]


def schedule(ctx: BulletinContext) -> Section:
    """二、序时进度情况: for each indicator with targets, the units ahead of and behind
    序时进度 with their completion and gap; also as a list in the .xlsx."""
    section = Section("schedule", "序时进度情况", empty_text="本期各单位未下达年度目标任务，不作序时进度比较。")
    schedule_points = percent(ctx.result.table.schedule)
    children = [row for row in ctx.rows if row.unit.pk != ctx.scope.pk] or list(ctx.rows)
    rows = []
    number = 0
    for indicator in RANKED:
        with_target = [row for row in children if row.cells[indicator].completion is not None]
        if not with_target:
            continue
        number += 1
        section.blocks.append(subheading(f"（{CHINESE_NUMBERS[number - 1]}）{PHRASES[indicator]}"))

        def described(row, indicator=indicator):
            cell = row.cells[indicator]
            return f"{row.unit.name}（完成年计划的{percent(cell.completion)}%，{gap_text(cell.schedule_gap)}）"

        by_gap = sorted(with_target, key=lambda row, i=indicator: (-row.cells[i].schedule_gap, row.unit.path))
        ahead, late = _ahead(by_gap, indicator), _behind(by_gap, indicator)
        texts = []
        if ahead:
            texts.append(f"达到或超过序时进度的单位{len(ahead)}个：" + "、".join(described(r) for r in ahead))
        if late:
            texts.append(f"欠序时进度的单位{len(late)}个：" + "、".join(described(r) for r in late))
        missing = [row for row in children if row.cells[indicator].completion is None]
        if missing:
            texts.append(f"未下达年度目标的单位：{_names(missing)}")
        section.blocks.append(paragraph("；".join(texts) + "。"))
        for row in by_gap:
            cell = row.cells[indicator]
            points = percent(cell.schedule_gap)
            rows.append(
                [
                    PHRASES[indicator],
                    row.unit.name,
                    f"{percent(cell.completion)}%",
                    f"{schedule_points}%",
                    gap_text(cell.schedule_gap),
                    "欠序时进度" if points < 0 else "达到序时进度",
                ]
            )
    if rows:
        section.blocks.insert(0, paragraph(f"{ctx.as_of_text}，序时进度为{schedule_points}%。"))
        header = [[(text, 1, 1) for text in ("指标", "单位", "年计划完成率", "序时进度", "较序时进度", "状态")]]
        section.blocks.append(
            table(f"序时进度对照表（{ctx.result.table.period.label}）", header, rows, sheet="序时进度", in_word=False)
        )
    return section


def signed_not_started(ctx: BulletinContext) -> Section:
    """三、签约未开工项目: the scope's projects that ``stats.signed_not_started`` names on the
    cut-off (counted to the count unit, as the assessment deducts them), read through
    ``restrict()``; the ten largest listed."""
    from zhaoshang.projects.models import Project
    from zhaoshang.stats.services import signed_not_started as not_started_on

    section = Section("not_started", "签约未开工项目", empty_text="本期无已签约、超过应开工日期仍未开工的项目。")
    projects = Project.objects.restrict(ctx.user).filter(
        pk__in=not_started_on(ctx.cutoff, ctx.rules).values("pk"), count_unit__path__startswith=ctx.scope.path
    )
    amounts = list(projects.values_list("total_investment", flat=True))
    if not amounts:
        ctx.record("not_started", [])
        return section
    total = sum((amount or Decimal(0) for amount in amounts), Decimal(0))
    top = list(
        not_started_on(ctx.cutoff, ctx.rules)
        .filter(pk__in=projects.values("pk"))
        .select_related("responsible_unit")
        .order_by(F("total_investment").desc(nulls_last=True), "code")[:TOP_NOT_STARTED]
    )
    lead = "具体如下：" if len(amounts) <= TOP_NOT_STARTED else f"按协议总投资排列前{TOP_NOT_STARTED}位的项目如下："
    section.blocks.append(
        paragraph(
            f"{ctx.as_of_text}，{ctx.scope_word}已签约但超过应开工日期仍未开工的项目"
            f"{len(amounts)}个，协议总投资{wan_to_yi(total)}亿元。{lead}"
        )
    )
    rows = []
    for index, project in enumerate(top, start=1):
        due = start_due(project.agreed_start_on, project.first_signed_on, ctx.rules)
        rows.append(
            [
                str(index),
                project.name,
                project.responsible_unit.name,
                str(wan_to_yi(project.total_investment or Decimal(0))),
                f"{project.first_signed_on:%Y-%m-%d}",
                f"{due:%Y-%m-%d}" + ("" if project.agreed_start_on else "（未约定）"),
                str((ctx.cutoff - due).days),
            ]
        )
    header = [
        [
            (text, 1, 1)
            for text in ("序号", "项目名称", "责任单位", "协议总投资（亿元）", "签约日期", "应开工日期", "超期天数")
        ]
    ]
    section.blocks.append(
        table("签约未开工项目", header, rows, sheet="签约未开工项目", widths=[1, 5, 3, 2, 2.2, 2.2, 1.4])
    )
    ctx.record(
        "not_started",
        [
            {
                "key": project.code,
                "label": project.name,
                "unit": project.responsible_unit.name,
                "value": format(project.total_investment or Decimal(0), "f"),
            }
            for project in top
        ],
    )
    ctx.numbers.setdefault("values", {}).update(
        {"not_started_count": str(len(amounts)), "not_started_total": format(total, "f")}
    )
    return section


@dataclass(frozen=True)
class Plug:
    """A section another app fills: ``<app>.bulletin.bulletin_section(ctx)``."""

    key: str
    heading: str
    app: str
    absent_text: str
    empty_text: str


def plugged_section(plug: Plug) -> Callable[[BulletinContext], Section]:
    """A builder that asks ``plug.app``'s ``bulletin`` module for the section. The app's
    function returns a ``Section`` (its blocks; key and heading are set here) or None for
    "nothing this period"; while the app is not installed the section says so."""

    def build(ctx: BulletinContext) -> Section:
        section = Section(plug.key, plug.heading, empty_text=plug.empty_text)
        if not apps.is_installed(plug.app):
            section.empty_text = plug.absent_text
            return section
        try:
            module = importlib.import_module(f"{plug.app}.bulletin")
        except ModuleNotFoundError as error:
            if error.name != f"{plug.app}.bulletin":
                raise
            section.empty_text = plug.absent_text
            return section
        provided = module.bulletin_section(ctx)
        if provided is not None:
            section.blocks = list(provided.blocks)
            if provided.empty_text:
                section.empty_text = provided.empty_text
        return section

    build.__name__ = f"plugged_{plug.key}"
    return build


PROBLEMS = Plug(
    "problems",
    "逾期未办结问题",
    "zhaoshang.supervision",
    absent_text="本期无（问题清单功能未启用）。",
    empty_text="本期无逾期未办结问题。",
)
SCHEDULING = Plug(
    "scheduling",
    "调度工作情况",
    "zhaoshang.scheduling",
    absent_text="本期无（调度功能未启用）。",
    empty_text="本期无已结束的调度。",
)


def _gap_points(gap) -> str:
    if gap is None:
        return "—"
    points = percent(gap)
    return f"+{points}" if points > 0 else str(points)


def _table_value(indicator: str, value) -> str:
    if value is None:
        return "—"
    if indicator in MONEY_INDICATORS and indicator != Indicator.FOREIGN_FUNDS:
        return str(wan_to_yi(value))
    if indicator in MONEY_INDICATORS:
        return str(round_half_up(value, 2))
    return str(round_half_up(value, 0))


def _percent_text(ratio) -> str:
    return "—" if ratio is None else f"{percent(ratio)}%"


def units_table(ctx: BulletinContext) -> Section:
    """附件: the all-units table (the statistics table's rows and ranks, 合计 last)."""
    section = Section("table", "各单位主要指标完成情况表", appendix=True, empty_text="本期无下级单位数据。")
    columns = ["完成值", "同比", "完成率", "较序时进度", "排名"]
    header = [[("单位", 1, 2)], []]
    for indicator in TABLE_INDICATORS:
        word = "亿元" if indicator in MONEY_INDICATORS else INDICATOR_UNITS[indicator]
        header[0].append((f"{Indicator(indicator).label}（{word}）", len(columns), 1))
        header[1].extend((column, 1, 1) for column in columns)
    rows = []
    for row in [*ctx.rows, ctx.total]:
        is_total = row is ctx.total
        values = [("合计：" if is_total else "") + row.unit.name]
        for indicator in TABLE_INDICATORS:
            cell = row.cells[indicator]
            values += [
                _table_value(indicator, cell.value),
                _percent_text(cell.yoy),
                _percent_text(cell.completion),
                _gap_points(cell.schedule_gap),
                str(cell.rank) if cell.rank else "",
            ]
        rows.append(values)
    section.blocks.append(
        table(
            ctx.result.title,
            header,
            rows,
            sheet="附表",
            bold_rows=(len(rows) - 1,),
            wide=True,
            widths=[1.8] + [1] * (len(columns) * len(TABLE_INDICATORS)),
        )
    )
    section.blocks.append(
        note(
            f"注：序时进度{percent(ctx.result.table.schedule)}%；“较序时进度”为年计划完成率减序时进度（百分点）；"
            "同比为“—”表示去年同期为零，完成率为“—”表示未下达年度目标。"
        )
    )
    for indicator in TABLE_INDICATORS:
        section.blocks.append(note(INDICATOR_RULES[Indicator(indicator)]))
    for key in (figures.AVERAGE_SIZE, figures.NEW_FUNDS_SHARE):
        section.blocks.append(note(figures.FIGURE_RULES[key]))
    section.blocks.append(note(f"统计口径：{ctx.rules.describe()}。"))
    return section


def honour(ctx: BulletinContext) -> Section | None:
    """红黑榜 (``bulletins.honour``, which builds on this module's blocks)."""
    from zhaoshang.bulletins.honour import honour_lists

    return honour_lists(ctx)


# The bulletin, in order. A new section is one builder added here (or, for an app that is
# not this one, a ``bulletin.py`` in that app and a ``Plug`` here).
SECTIONS: list[Callable[[BulletinContext], Section]] = [
    overview,
    schedule,
    honour,
    signed_not_started,
    plugged_section(PROBLEMS),
    plugged_section(SCHEDULING),
    units_table,
]
