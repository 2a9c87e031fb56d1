"""manage.py import_targets FILE [--user NAME] [--dry-run] — a sheet of 单位, 年度, 指标, 目标值."""

from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.context import acting_as
from zhaoshang.core.parsing import ParseError, normalise_text, parse_amount_wan
from zhaoshang.imports.headers import header_key, locate_header
from zhaoshang.imports.reading import ReadError, read_workbook
from zhaoshang.stats.choices import MONEY_INDICATORS, Indicator
from zhaoshang.targets.services import set_target

SYNONYMS = {
    "unit": ["单位", "单位名称", "责任单位", "县市区", "乡镇"],
    "year": ["年度", "年份", "年"],
    "indicator": ["指标", "指标名称", "考核指标"],
    "value": ["目标值", "目标", "年计划", "目标任务", "计划"],
}
INDICATOR_WORDS = {header_key(label): value for value, label in Indicator.choices} | {
    "签约项目": Indicator.SIGNED_COUNT,
    "亿元以上项目": Indicator.SIGNED_BIG_COUNT,
    "亿元以上签约项目": Indicator.SIGNED_BIG_COUNT,
    "协议投资额": Indicator.CONTRACTED_INVESTMENT,
    "协议引资": Indicator.CONTRACTED_INVESTMENT,
    "到位资金额": Indicator.FUNDS_IN_PLACE,
    "实际利用外资": Indicator.FOREIGN_FUNDS,
    "到位外资": Indicator.FOREIGN_FUNDS,
    "外资": Indicator.FOREIGN_FUNDS,
    "开工项目": Indicator.STARTED_COUNT,
    "亿元以上开工项目": Indicator.STARTED_BIG_COUNT,
    "投产项目": Indicator.PRODUCTION_COUNT,
}


class Command(BaseCommand):
    help = "导入年度目标任务表（单位、年度、指标、目标值），单位按名称或别名匹配；全部通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="以哪个招商局用户的身份导入（默认：第一个招商局用户）")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        users = User.objects.filter(is_active=True, role=Role.BUREAU)
        user = users.filter(username=options["user"]).first() if options["user"] else users.order_by("pk").first()
        if user is None:
            raise CommandError("找不到招商局用户：目标任务由招商局下达，请用 --user 指定。")
        try:
            sheets = read_workbook(path.read_bytes(), path.name)
        except ReadError as error:
            raise CommandError(str(error)) from None
        header, sheet = None, None
        for candidate in sheets:
            header = locate_header(candidate.rows, SYNONYMS, required=("unit", "year", "indicator", "value"))
            if header:
                sheet = candidate
                break
        if header is None:
            raise CommandError("未找到表头：需要「单位」「年度」「指标」「目标值」四列。")
        units = {}
        for unit in Unit.objects.filter(active=True):
            for name in [unit.name, unit.short_name, unit.code, *unit.aliases]:
                if name:
                    units.setdefault(header_key(name), unit)
        rows, errors = [], []
        for offset, raw in enumerate(sheet.rows[header.data_start :]):
            number = header.data_start + offset + 1
            cell = {name: (raw[col.index] if col.index < len(raw) else None) for name, col in header.columns.items()}
            if not any(normalise_text(value) for value in cell.values()):
                continue
            unit = units.get(header_key(cell["unit"]))
            indicator = INDICATOR_WORDS.get(header_key(cell["indicator"]))
            year_text = normalise_text(cell["year"]).replace("年", "")
            problems = []
            if unit is None:
                problems.append(f"单位: 未知单位「{normalise_text(cell['unit'])}」")
            if indicator is None:
                problems.append(f"指标: 无法识别的指标「{normalise_text(cell['indicator'])}」")
            if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
                problems.append(f"年度: 无法识别的年度「{normalise_text(cell['year'])}」")
            try:
                unit_word = header.columns["value"].money_unit or "万元"
                value = parse_amount_wan(cell["value"], unit_word if indicator in MONEY_INDICATORS else "万元")
                if value is None:
                    problems.append("目标值: 必填")
            except ParseError as error:
                problems.append(f"目标值: {error}")
                value = None
            if problems:
                errors.extend(f"第{number}行 {problem}" for problem in problems)
            else:
                rows.append((number, unit, int(year_text), indicator, Decimal(value)))
        for message in errors:
            self.stdout.write(self.style.WARNING(message))
        if errors:
            raise CommandError(f"有 {len(errors)} 处错误，未导入任何目标。")
        if options["dry_run"]:
            self.stdout.write(f"校验通过：{len(rows)} 条目标（--dry-run，未写入）。")
            return
        with acting_as(user, source="command"), transaction.atomic():
            for number, unit, year, indicator, value in rows:
                try:
                    set_target(user, year, unit, indicator, value)
                except (ValidationError, PermissionDenied) as error:
                    raise CommandError(f"第{number}行: {'；'.join(getattr(error, 'messages', [str(error)]))}") from None
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(rows)} 条目标任务。"))
