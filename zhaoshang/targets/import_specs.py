"""The targets sheet (目标任务表): parse, match units, preview, commit all-or-nothing.

Two layouts are read:

- long — one target a row: 单位, 年度, 指标, 目标值 (the bureau's usual list);
- wide — one unit a row, one indicator a column (签约项目数, 协议引资额 …), as the
  targets grid exports it; the year comes from a 年度 column or from the upload form;
- one indicator — 单位 and 年度目标（万元） only, the indicator (and often the year) named
  in the sheet's title: 「2026年各乡镇协议引资额目标任务分解表」, as bureaus send them out.

Units are matched by name, short name, code or alias. The spec (``TargetsImport``) runs on
the generic pipeline (imports.pipeline): any row with an error refuses the whole file.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.jobs import JobKind
from zhaoshang.core.parsing import ParseError, header_key, normalise_text, parse_amount_wan
from zhaoshang.imports.choices import ImportKind, RowAction
from zhaoshang.imports.headers import locate_header
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.pipeline import commit_import, preview_import
from zhaoshang.imports.reading import Sheet
from zhaoshang.imports.services import unit_index
from zhaoshang.imports.spec import Cell, ImportSpec, Parsed, Preview, own_url_names, register, shown
from zhaoshang.stats.choices import MONEY_INDICATORS, Indicator
from zhaoshang.targets.forms import TargetsUploadForm
from zhaoshang.targets.models import Target
from zhaoshang.targets.services import clean_value, set_target

TARGET_SYNONYMS = {
    "unit": ["单位", "单位名称", "责任单位", "县市区", "乡镇", "单位编码"],
    "year": ["年度", "年份", "年"],
    "indicator": ["指标", "指标名称", "考核指标"],
    # The words bureaus write over the value column. 「年度目标」 must be listed whole: by its
    # first two characters alone it would be read as the 年度 column.
    "value": [
        "目标值",
        "年度目标",
        "年度目标任务",
        "全年目标",
        "年度任务",
        "目标任务",
        "任务目标",
        "年度计划",
        "年计划",
        "计划数",
        "任务数",
        "目标数",
        "目标",
        "计划",
        "任务",
    ],
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
# The wide layout: each indicator is a column of its own.
WIDE_SYNONYMS = {
    "unit": TARGET_SYNONYMS["unit"],
    "year": TARGET_SYNONYMS["year"],
    **{
        indicator: [word for word, value in INDICATOR_WORDS.items() if value == indicator]
        for indicator in Indicator.values
    },
}
TOTAL_WORDS = {"合计", "总计", "小计"}
LABELS = {"unit": "单位", "year": "年度", "indicator": "指标", "value": "目标值"}


class TargetsNotFound(ValueError):
    pass


@dataclass
class TargetRow:
    number: int  # the sheet's row number
    unit_text: str = ""
    unit: Unit | None = None
    year: int | None = None
    indicator: str = ""
    value: Decimal | None = None
    old: Decimal | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field name → reason
    action: str = ""
    value_label: str = "目标值"  # the value's column as the sheet names it

    @property
    def indicator_label(self) -> str:
        return Indicator(self.indicator).label if self.indicator in Indicator.values else ""

    def messages(self) -> list[str]:
        labels = LABELS | {"value": self.value_label}
        return [f"第{self.number}行 {labels.get(name, name)}：{reason}" for name, reason in self.errors.items()]


def _year(text) -> int | None:
    text = normalise_text(text).replace("年度", "").replace("年", "")
    if text.endswith(".0"):  # 2026 typed into a number cell
        text = text[:-2]
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


def _value(indicator: str, cell, money_unit: str | None) -> Decimal | None:
    """A target in 万元 (money) or 个 (counts); blank → None. Raises ParseError or ValidationError."""
    value = parse_amount_wan(cell, (money_unit or "万元") if indicator in MONEY_INDICATORS else "万元")
    return None if value is None else clean_value(indicator, value)


def _fill(row: TargetRow, indicator: str | None, indicator_text: str, cell, money_unit: str | None) -> None:
    if indicator is None:
        row.errors["indicator"] = f"无法识别的指标「{indicator_text}」"
        return
    row.indicator = indicator
    try:
        row.value = _value(indicator, cell, money_unit)
        if row.value is None:
            row.errors["value"] = "必填"
    except ParseError as error:
        row.errors["value"] = str(error)
    except ValidationError as error:
        row.errors["value"] = "；".join(error.messages).rstrip("。")


def parse_targets(sheets: list[Sheet], units: dict[str, Unit], default_year: int | None = None) -> Parsed:
    """Every target of the sheet, each with its unit, year, indicator, value or its errors."""
    for sheet in sheets:
        header = locate_header(sheet.rows, TARGET_SYNONYMS, required=("unit", "indicator", "value"))
        if header is not None:
            return Parsed(sheet.name, header, _parse_long(sheet, header, units, default_year), by_field=True)
    for sheet in sheets:
        header = locate_header(sheet.rows, WIDE_SYNONYMS, required=("unit",))
        if header is not None and any(name in Indicator.values for name in header.columns):
            return Parsed(sheet.name, header, _parse_wide(sheet, header, units, default_year), by_field=True)
    for sheet in sheets:
        header = locate_header(sheet.rows, TARGET_SYNONYMS, required=("unit", "value"))
        if header is not None:
            title = " ".join(normalise_text(cell) for row in sheet.rows[: header.header_row] for cell in row if cell)
            indicator = indicator_in_title(title)
            if indicator is None:
                raise TargetsNotFound(
                    f"表头「{header.columns['value'].header}」没有说明是哪项指标：请增加「指标」列，"
                    "或在表格标题中写明指标（如「2026年协议引资额目标任务分解表」）。"
                )
            year = default_year if "year" in header.columns else (default_year or year_in_title(title))
            return Parsed(sheet.name, header, _parse_single(sheet, header, units, year, indicator), by_field=True)
    raise TargetsNotFound(
        "未找到目标任务表头：需要「单位」「年度」「指标」「目标值」四列，"
        "或「单位」列加各指标列（如「签约项目数」「协议引资额（万元）」），"
        "或「单位」「年度目标」两列并在标题中写明指标。"
    )


_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")


def indicator_in_title(title: str) -> str | None:
    """The indicator a sheet's title names, the longest word first: 亿元以上签约项目 before 签约项目."""
    key = header_key(title)
    for word in sorted(INDICATOR_WORDS, key=len, reverse=True):
        if word and word in key:
            return INDICATOR_WORDS[word]
    return None


def year_in_title(title: str) -> int | None:
    found = _TITLE_YEAR.search(title)
    return int(found.group(1)) if found else None


def _cells(raw: list, header) -> dict:
    return {name: (raw[col.index] if col.index < len(raw) else None) for name, col in header.columns.items()}


def _start(number: int, cell: dict, units: dict[str, Unit], default_year: int | None) -> TargetRow:
    row = TargetRow(number, unit_text=normalise_text(cell.get("unit")))
    row.unit = units.get(header_key(cell.get("unit")))
    if row.unit is None:
        row.errors["unit"] = f"未知单位「{row.unit_text}」" if row.unit_text else "必填"
    if "year" in cell and normalise_text(cell["year"]):
        row.year = _year(cell["year"])
        if row.year is None:
            row.errors["year"] = f"无法识别的年度「{normalise_text(cell['year'])}」"
    elif default_year is not None:
        row.year = default_year
    else:
        row.errors["year"] = "必填（或在上传时选择年度）"
    return row


def _data_rows(sheet: Sheet, header):
    for offset, raw in enumerate(sheet.rows[header.data_start :]):
        cell = _cells(raw, header)
        if header_key(cell.get("unit")) in TOTAL_WORDS:
            continue  # the total line under the units is the sum of theirs, not a target of its own
        if any(normalise_text(value) for value in cell.values()):
            yield header.data_start + offset + 1, cell


def _parse_long(sheet, header, units, default_year) -> list[TargetRow]:
    rows = []
    money_unit = header.columns["value"].money_unit or header.default_money_unit
    for number, cell in _data_rows(sheet, header):
        row = _start(number, cell, units, default_year)
        text = normalise_text(cell["indicator"])
        _fill(row, INDICATOR_WORDS.get(header_key(text)), text, cell["value"], money_unit)
        rows.append(row)
    return rows


def _parse_single(sheet, header, units, default_year, indicator: str) -> list[TargetRow]:
    rows = []
    column = header.columns["value"]
    money_unit = column.money_unit or header.default_money_unit
    for number, cell in _data_rows(sheet, header):
        row = _start(number, cell, units, default_year)
        row.value_label = column.header
        _fill(row, indicator, "", cell["value"], money_unit)
        rows.append(row)
    return rows


def _parse_wide(sheet, header, units, default_year) -> list[TargetRow]:
    rows = []
    indicators = [name for name in Indicator.values if name in header.columns]
    for number, cell in _data_rows(sheet, header):
        filled = [name for name in indicators if normalise_text(cell[name])]
        if not filled:
            continue  # a unit without any target in this sheet: nothing to import
        first = _start(number, cell, units, default_year)
        if first.errors:  # an unknown unit or year is said once for the row
            rows.append(first)
            continue
        for indicator in filled:
            row = _start(number, cell, units, default_year)
            row.value_label = header.columns[indicator].header
            money_unit = header.columns[indicator].money_unit or header.default_money_unit
            _fill(row, indicator, "", cell[indicator], money_unit)
            rows.append(row)
    return rows


def resolve_targets(rows: list[TargetRow]) -> None:
    """Compare each target with the stored one; flag the same target given twice."""
    years = {row.year for row in rows if row.year}
    stored = {
        (unit_id, year, indicator): value
        for unit_id, year, indicator, value in Target.objects.filter(year__in=years).values_list(
            "unit_id", "year", "indicator", "value"
        )
    }
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            row.action = RowAction.ERROR
            continue
        key = (row.unit.pk, row.year, row.indicator)
        if key in seen:
            row.errors["value"] = f"与第{seen[key]}行重复（同一单位、年度、指标）"
            row.action = RowAction.ERROR
            continue
        seen[key] = row.number
        row.old = stored.get(key)
        if row.old is None:
            row.action = RowAction.CREATE
        elif row.old != row.value:
            row.action = RowAction.UPDATE
        else:
            row.action = RowAction.UNCHANGED


def _units(user) -> dict[str, Unit]:
    index: dict[str, Unit] = {}
    for root in Unit.objects.restrict(user).filter(parent__isnull=True):
        index.update(unit_index(user, root))
    return index


class TargetsImport(ImportSpec):
    """The bureau's sheet of targets for every unit it sees: any error refuses the whole file."""

    kind = ImportKind.TARGETS
    title = "目标任务"
    noun = "条"
    model = Target
    action = Action.VERIFY
    refused_message = "目标任务由招商局下达，您没有导入目标任务的权限。"
    form_class = TargetsUploadForm
    per_unit = False
    exclusions = False
    option_names = ("default_year",)
    job_kind = JobKind.TARGETS_IMPORT
    intro = (
        "上传年度目标任务表。系统逐行校验并预览，确认无误后一次性全部导入；有任何错误则不导入，"
        "修正后重新上传。已有的目标按表中数值更新。"
    )
    preview_note = "下表是每项目标将要保存的内容。金额已换算为万元。"
    columns = (("unit", "单位"), ("year", "年度"), ("indicator", "指标"), ("old", "原目标"), ("value", "新目标"))
    result_template = "targets/_import_result.html"
    url_names = own_url_names("targets:import", "targets:import")

    def check(self, user, unit, *, mark_verified=False):
        if not self.allows(user):
            raise PermissionDenied(self.refused_message)

    def parse(self, user, sheets, unit, options):
        parsed = parse_targets(sheets, _units(user), options.get("default_year"))
        resolve_targets(parsed.rows)
        return parsed

    def cell(self, row, name):
        if name == "unit":
            return row.unit.name if row.unit else row.unit_text
        if name == "year":
            return str(row.year or "")
        if name == "indicator":
            return row.indicator_label
        value = getattr(row, name)
        return Cell(shown(value) if value is not None else ("—" if name == "old" else ""), number=True)

    def save(self, user, batch, todo):
        for row in todo:
            set_target(user, row.year, row.unit, row.indicator, row.value)
        return {"years": sorted({row.year for row in todo})}

    def describe(self, batch, excluded):
        return f"已导入目标任务：{self.counts_text(batch.summary, excluded)}。"

    def grid_url(self, batch) -> str:
        years = batch.summary.get("years") or [timezone.localdate().year]
        return f"{reverse('targets:grid')}?year={years[0]}"

    def result_url(self, batch):
        # A committed targets sheet is looked at where targets live: the grid of its year.
        return self.grid_url(batch)

    def result_context(self, request, batch):
        return {"grid_url": self.grid_url(batch)}


TARGETS = register(TargetsImport())


def preview_targets(
    user, data: bytes, filename: str, *, default_year: int | None = None, store: bool = True
) -> Preview:
    return preview_import(TARGETS, user, data, filename, options={"default_year": default_year}, store=store)


def commit_targets(user, batch: ImportBatch) -> Preview:
    """All targets of the file or none: any error refuses the whole file."""
    return commit_import(TARGETS, user, batch)
