"""The all-units statistics table on the command line, for scripts that check the numbers.

manage.py stats --year 2024 --months 1-7 [--unit CODE] [--indicators a,b] [--format csv|json]
"""

import csv
import json
import re

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.models import Unit
from zhaoshang.core.context import acting_as
from zhaoshang.core.export import safe_cell
from zhaoshang.stats import tables
from zhaoshang.stats.choices import TABLE_INDICATORS, Indicator
from zhaoshang.stats.ratios import Ratio

CELL_FIELDS = ("value", "target", "completion", "schedule_gap", "last_year", "yoy", "rank")


class Command(BaseCommand):
    help = "输出各单位主要指标完成情况表（与统计报表页面、接口同一算法）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，例如 2024")
        parser.add_argument("--months", default="1-12", help="月份范围，例如 1-7 或 3")
        parser.add_argument("--unit", default="", help="单位编码：列出其下级单位（默认从最上级单位开始）")
        parser.add_argument("--indicators", default="", help="指标，逗号分隔：" + ",".join(Indicator.values))
        parser.add_argument(
            "--ratios",
            default="all",
            help="比率指标，逗号分隔，all（默认，全部输出）或 none（不输出）：" + ",".join(Ratio.values),
        )
        parser.add_argument("--format", default="json", help="csv 或 json")

    def handle(self, *args, year, months, unit, indicators, ratios, format, **options):
        if format not in ("csv", "json"):
            raise CommandError(f"输出格式应为 csv 或 json，而不是「{format}」。")
        match = re.fullmatch(r"\s*(\d{1,2})\s*(?:-\s*(\d{1,2}))?\s*", months)
        if not match:
            raise CommandError(f"月份范围写法有误：「{months}」，应为 1-7 或 3 这样的写法。")
        first, last = int(match[1]), int(match[2] or match[1])
        if not 1 <= first <= last <= 12:
            raise CommandError(f"月份范围应在 1—12 月之间，且起始月不晚于截止月：「{months}」。")
        # The roll-up's indicators unless asked (as the table's page): the relationship
        # network's by --indicators interactions,….
        chosen = [part.strip() for part in indicators.split(",") if part.strip()] or [i.value for i in TABLE_INDICATORS]
        unknown = [part for part in chosen if part not in Indicator.values]
        if unknown:
            raise CommandError(f"未知指标：{'、'.join(unknown)}。可用指标：{', '.join(Indicator.values)}。")
        chosen_ratios = [part.strip() for part in ratios.split(",") if part.strip() and part.strip() != "none"]
        if "all" in chosen_ratios:
            chosen_ratios = list(Ratio.values)
        unknown = [part for part in chosen_ratios if part not in Ratio.values]
        if unknown:
            raise CommandError(f"未知比率指标：{'、'.join(unknown)}。可用：{', '.join(Ratio.values)}。")
        parent = None
        if unit:
            parent = Unit.objects.filter(code=unit).first()
            if parent is None:
                raise CommandError(f"没有编码为「{unit}」的单位。")
        with acting_as(None, source="command"):
            result = tables.build(
                _CommandReader(),
                year=year,
                first=first,
                last=last,
                parent=parent,
                indicators=chosen,
                ratios=chosen_ratios,
            )
            data = tables.as_data(result)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        writer = csv.writer(self.stdout)
        writer.writerow(["unit", "unit_name", "total", "indicator", *CELL_FIELDS])
        for row in data["rows"]:
            for indicator, cell in row["cells"].items():
                writer.writerow(
                    [safe_cell(row["unit"]), safe_cell(row["unit_name"]), int(row["total"]), indicator]
                    + ["" if cell[name] is None else cell[name] for name in CELL_FIELDS]
                )
        # Ratios: value, last year, change (as yoy) and rank; no target or completion.
        for row in data["ratio_rows"]:
            for code, cell in row["cells"].items():
                by_field = {
                    "value": cell["value"],
                    "last_year": cell["last_year"],
                    "yoy": cell["change"],
                    "rank": cell["rank"],
                }
                writer.writerow(
                    [safe_cell(row["unit"]), safe_cell(row["unit_name"]), int(row["total"]), code]
                    + ["" if by_field.get(name) is None else by_field[name] for name in CELL_FIELDS]
                )


class _CommandReader:
    """Whoever runs manage.py on the server reads as the bureau does (the whole tree)."""

    role = "bureau"
    unit = None
    unit_id = None
    is_authenticated = True
    is_active = True
    pk = None
