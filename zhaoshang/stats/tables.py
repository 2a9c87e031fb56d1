"""The all-units statistics table as the monthly scheduling meeting reads it: one function
serves the page, the .xlsx export, the JSON API and the ``stats`` command, so the four can
never disagree."""

import copy
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.numbers import format_percent, round_half_up
from zhaoshang.stats import services
from zhaoshang.stats.choices import INDICATOR_UNITS, MONEY_INDICATORS, Indicator
from zhaoshang.stats.models import UnitMonthFact
from zhaoshang.stats.ratios import PERCENT_RATIOS, RATIO_RULES, RATIO_UNITS, Ratio, RatioCell, ratio_cells, read_once
from zhaoshang.stats.services import Period, UnitTable, rank_desc, unit_table


@dataclass
class StatsTable:
    parent: Unit | None
    table: UnitTable  # the child units' rows, ranked among themselves
    total: UnitTable  # the parent (or the top units together) as the 合计 row
    ratios: list[str] = field(default_factory=list)
    ratio_cells: dict[int, dict[str, RatioCell]] = field(default_factory=dict)  # children and 合计 rows

    def ratio_rows(self):
        """(row, is_total, {ratio: RatioCell}) in the table's order, 合计 last."""
        if not self.ratios:
            return []
        return [(row, False, self.ratio_cells[row.unit.pk]) for row in self.table.rows] + [
            (row, True, self.ratio_cells[row.unit.pk]) for row in self.total.rows
        ]

    def rule_texts(self) -> list[str]:
        return (
            self.table.rule_texts()[:-1] + [RATIO_RULES[Ratio(r)] for r in self.ratios] + self.table.rule_texts()[-1:]
        )

    @property
    def title(self) -> str:
        name = self.parent.name if self.parent else "全市"
        return f"{name}招商引资主要指标完成情况表（{self.table.period.label}）"


def top_units(user):
    """The units a user's table starts from: an officer's own unit, else the roots."""
    if user.role == "officer":
        return [user.unit]
    return list(Unit.objects.restrict(user).filter(parent__isnull=True, active=True).order_by("path"))


def build(
    user, *, year: int, first: int, last: int, parent: Unit | None, indicators: list[str], ratios=()
) -> StatsTable:
    """The table of ``parent``'s children (or of the top units' children when none is
    given), for months ``first``–``last`` of ``year``. Raises PermissionDenied for a user
    who may not read statistics or a unit outside an officer's subtree."""
    if not UnitMonthFact.access.allows(user, Action.VIEW):
        raise PermissionDenied("无权查看统计数据。")
    if parent is not None and user.role == "officer" and not parent.is_within(user.unit):
        raise PermissionDenied("只能查看本单位及下级单位的统计数据。")
    tops = [parent] if parent is not None else top_units(user)
    if len(tops) == 1:
        parent = tops[0]
    children = list(
        Unit.objects.restrict(user).filter(parent__in=tops, active=True).order_by("sort_order", "path")
    ) or list(tops)
    # A period not over yet is read as of today: 序时进度 counts its completed months only.
    period = Period.months(year, first, last).so_far(services.today())
    # One table over the children and the 合计 units together (the same queries serve both),
    # limited to the parent's subtree when there is one parent.
    both = unit_table(list(dict.fromkeys([*children, *tops])), indicators, period, within=parent)
    by_pk = {row.unit.pk: row for row in both.rows}
    table = replace(both, rows=[by_pk[unit.pk] for unit in children])
    total = replace(both, rows=[copy.deepcopy(by_pk[unit.pk]) for unit in tops])
    for indicator in indicators:  # 合计 is not ranked; the children are ranked among themselves
        ranks = rank_desc({row.unit.pk: row.cells[indicator].value for row in table.rows})
        for row in table.rows:
            row.cells[indicator].rank = ranks.get(row.unit.pk)
        for row in total.rows:
            row.cells[indicator].rank = None
    cells = {}
    if ratios:
        with read_once():  # the children and the 合计 rows read the same roll-up rows
            cells = ratio_cells(children, list(ratios), period, within=parent)
            tops_cells = ratio_cells(tops, list(ratios), period, within=parent)
        for pk, by_ratio in tops_cells.items():
            cells[pk] = by_ratio
            for cell in by_ratio.values():
                cell.rank = None
    return StatsTable(parent, table, total, list(ratios), cells)


def _exact(value) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


def as_data(result: StatsTable) -> dict:
    """Exact decimal strings (never floats): what the API and the command print."""

    def row_data(row, is_total=False):
        return {
            "unit": row.unit.code,
            "unit_name": row.unit.name,
            "total": is_total,
            "cells": {
                indicator: {
                    "value": _exact(cell.value),
                    "target": _exact(cell.target),
                    "completion": _exact(cell.completion),
                    "schedule_gap": _exact(cell.schedule_gap),
                    "last_year": _exact(cell.last_year),
                    "yoy": _exact(cell.yoy),
                    "rank": cell.rank,
                }
                for indicator, cell in row.cells.items()
            },
        }

    table = result.table
    return {
        "title": result.title,
        "period": {
            "start": table.period.start.isoformat(),
            "end": table.period.end.isoformat(),
            "label": table.period.label,
        },
        "schedule": _exact(table.schedule),
        "indicators": [
            {"code": code, "name": Indicator(code).label, "unit": INDICATOR_UNITS[Indicator(code)]}
            for code in table.indicators
        ],
        "rows": [row_data(row) for row in table.rows] + [row_data(row, True) for row in result.total.rows],
        "ratios": [
            {"code": code, "name": Ratio(code).label, "unit": RATIO_UNITS[Ratio(code)]} for code in result.ratios
        ],
        "ratio_rows": [
            {
                "unit": row.unit.code,
                "unit_name": row.unit.name,
                "total": is_total,
                "cells": {
                    code: {
                        "value": _exact(cell.value),
                        "numerator": _exact(cell.numerator),
                        "denominator": _exact(cell.denominator),
                        "last_year": _exact(cell.last_year),
                        "change": _exact(cell.change),
                        "rank": cell.rank,
                    }
                    for code, cell in cells.items()
                },
            }
            for row, is_total, cells in result.ratio_rows()
        ],
        "rules": result.rule_texts(),
    }


def shown_value(indicator: str, value) -> str:
    """万元 with two decimals (外资 万美元), counts as integers."""
    if value is None:
        return "—"
    if indicator in MONEY_INDICATORS:
        return f"{round_half_up(value, 2):,}"
    return f"{round_half_up(value, 0):,}"


def shown_ratio(code: str, value) -> str:
    """Rates as percentages with one decimal; 万元/个 and 万元/亩 with two."""
    if value is None:
        return "—"
    if code in PERCENT_RATIOS:
        return format_percent(value)
    return f"{round_half_up(value, 2):,}"


def shown_change(code: str, change) -> str:
    """A rate's change is in percentage points, a size's change is growth: 增2.5个百分点 /
    减3.0% / 持平 (by the value as rounded for display, so it never says 增0.0)."""
    if change is None:
        return "—"
    points = round_half_up(Decimal(change) * 100, 1)
    word = "个百分点" if code in PERCENT_RATIOS else "%"
    if points == 0:
        return "持平"
    return f"增{points}{word}" if points > 0 else f"减{-points}{word}"


# Excel number formats: the cells hold the exact Decimal; the format shows it as the page
# does (万元 to two decimals, counts whole, rates as percentages), so columns sum and sort.
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
EXACT_FORMAT = "#,##0.####"
PERCENT_FORMAT = "0.0%"
# A gap or change in percentage points, held as the ratio difference (0.05 = 5 points).
POINTS_FORMAT = '+0.0%"";-0.0%"";0.0%""'


def _append_numbers(sheet, values: list[tuple]) -> None:
    """One row of (value, number format): numbers as numeric cells with their format, text
    through ``safe_cell``; nothing (no target, last year zero) as "—"."""
    from zhaoshang.core.export import safe_cell

    sheet.append([safe_cell("—" if value is None else value) for value, _ in values])
    row = sheet.max_row
    for column, (value, number_format) in enumerate(values, start=1):
        if number_format and value is not None:
            sheet.cell(row, column).number_format = number_format


def workbook(result: StatsTable) -> bytes:
    """The bulletin layout: a title row, a grouped header per indicator, 合计 last."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from zhaoshang.core.export import safe_cell

    table = result.table
    columns = ["完成值", "目标", "完成率", "较序时进度", "去年同期", "同比", "排名"]
    book = Workbook()
    sheet = book.active
    sheet.title = "主要指标"
    width = 1 + len(columns) * len(table.indicators)
    sheet.append([safe_cell(result.title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    group, header = ["单位"], [""]
    for indicator in table.indicators:
        group += [f"{Indicator(indicator).label}（{INDICATOR_UNITS[Indicator(indicator)]}）"] + [""] * (
            len(columns) - 1
        )
        header += columns
    sheet.append(group)
    sheet.append(header)
    for index in range(len(table.indicators)):
        start = 2 + index * len(columns)
        sheet.merge_cells(start_row=2, start_column=start, end_row=2, end_column=start + len(columns) - 1)
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    for row in [*table.rows, *result.total.rows]:
        is_total = row in result.total.rows
        values = [(("合计：" if is_total else "") + row.unit.name, None)]
        for indicator in table.indicators:
            cell = row.cells[indicator]
            amount = MONEY_FORMAT if indicator in MONEY_INDICATORS else COUNT_FORMAT
            values += [
                (cell.value, amount),
                (cell.target, amount),
                (cell.completion, PERCENT_FORMAT),
                (cell.schedule_gap, POINTS_FORMAT),
                (cell.last_year, amount),
                (cell.yoy, PERCENT_FORMAT),
                (cell.rank or "", COUNT_FORMAT),
            ]
        _append_numbers(sheet, values)
    sheet.append([])
    if result.ratios:
        sheet.append(
            [
                safe_cell(
                    "注：比率指标（" + "、".join(Ratio(r).label for r in result.ratios) + "）见「比率指标」工作表。"
                )
            ]
        )
    for text in result.rule_texts():
        sheet.append([safe_cell(f"注：{text}")])
    sheet.column_dimensions["A"].width = 22
    if result.ratios:
        _ratio_sheet(book.create_sheet("比率指标"), result)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ratio_sheet(sheet, result: StatsTable) -> None:
    from openpyxl.styles import Alignment, Font

    from zhaoshang.core.export import safe_cell

    columns = ["比率", "分子", "分母", "去年同期", "同比增减", "排名"]
    width = 1 + len(columns) * len(result.ratios)
    sheet.append([safe_cell(result.title.replace("主要指标完成情况表", "比率指标表"))])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    group, header = ["单位"], [""]
    for code in result.ratios:
        group += [f"{Ratio(code).label}（{RATIO_UNITS[Ratio(code)]}）"] + [""] * (len(columns) - 1)
        header += columns
    sheet.append(group)
    sheet.append(header)
    for index in range(len(result.ratios)):
        start = 2 + index * len(columns)
        sheet.merge_cells(start_row=2, start_column=start, end_row=2, end_column=start + len(columns) - 1)
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    for row, is_total, cells in result.ratio_rows():
        values = [(("合计：" if is_total else "") + row.unit.name, None)]
        for code in result.ratios:
            cell = cells[code]
            shown = PERCENT_FORMAT if code in PERCENT_RATIOS else MONEY_FORMAT
            values += [
                (cell.value, shown),
                (cell.numerator, EXACT_FORMAT),
                (cell.denominator, EXACT_FORMAT),
                (cell.last_year, shown),
                (cell.change, POINTS_FORMAT if code in PERCENT_RATIOS else PERCENT_FORMAT),
                (cell.rank or "", COUNT_FORMAT),
            ]
        _append_numbers(sheet, values)
    sheet.append([])
    sheet.append(
        [
            safe_cell(
                "注：统计期内签约的项目，截至期末。同比增减：开工率、投产率、资金到位率为百分点之差，"
                "平均项目规模、投资强度为增长率。"
            )
        ]
    )
    for code in result.ratios:
        sheet.append([safe_cell(f"注：{RATIO_RULES[Ratio(code)]}")])
    sheet.column_dimensions["A"].width = 22
