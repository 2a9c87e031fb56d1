"""Turning a ledger sheet into project rows: each cell parsed, each error explained.

The result of ``parse_ledger`` is what the preview shows and what the commit saves; the
commit re-runs it on the stored file so that nothing changes between what was seen and
what is written, except what other users changed in the meantime.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.core.limits import field_limit_problems
from zhaoshang.core.parsing import ParseError, normalise_text, parse_amount_wan, parse_date
from zhaoshang.core.validators import uscc_problem
from zhaoshang.imports.headers import HeaderMatch, locate_header
from zhaoshang.imports.ledger_columns import ledger_extensions, ledger_synonyms
from zhaoshang.imports.reading import Sheet
from zhaoshang.imports.spec import Parsed
from zhaoshang.projects.choices import (
    ConstructionNature,
    HeadquartersKind,
    Likelihood,
    LossReason,
    PromotionMethod,
    Stage,
)
from zhaoshang.projects.models import Project
from zhaoshang.relations.models import Company, Contact

# Stage words as clerks write them. Longest match wins, so 签约未开工 is "signed".
STAGE_WORDS: dict[str, str] = {
    "线索": Stage.LEAD,
    "信息线索": Stage.LEAD,
    "意向": Stage.LEAD,
    "在谈": Stage.NEGOTIATING,
    "洽谈": Stage.NEGOTIATING,
    "洽谈中": Stage.NEGOTIATING,
    "正在洽谈": Stage.NEGOTIATING,
    "在谈项目": Stage.NEGOTIATING,
    "对接中": Stage.NEGOTIATING,
    "签约": Stage.SIGNED,
    "已签约": Stage.SIGNED,
    "签约未开工": Stage.SIGNED,
    "已签订协议": Stage.SIGNED,
    "签订协议": Stage.SIGNED,
    "已签协议": Stage.SIGNED,
    "注册": Stage.REGISTERED,
    "已注册": Stage.REGISTERED,
    "已注册公司": Stage.REGISTERED,
    "注册落地": Stage.REGISTERED,
    "开工": Stage.STARTED,
    "已开工": Stage.STARTED,
    "开工建设": Stage.STARTED,
    "在建": Stage.STARTED,
    "正在建设": Stage.STARTED,
    "建设中": Stage.STARTED,
    "投产": Stage.PRODUCTION,
    "已投产": Stage.PRODUCTION,
    "建成投产": Stage.PRODUCTION,
    "竣工投产": Stage.PRODUCTION,
    "试生产": Stage.PRODUCTION,
    "投产运营": Stage.PRODUCTION,
    "暂缓": Stage.ON_HOLD,
    "暂停": Stage.ON_HOLD,
    "退库": Stage.DROPPED,
    "终止": Stage.DROPPED,
    "已终止": Stage.DROPPED,
}


def parse_stage(value) -> str | None:
    text = normalise_text(value).replace(" ", "")  # normalise_text leaves single spaces only
    if not text:
        return None
    if text in STAGE_WORDS:
        return STAGE_WORDS[text]
    for label_value, label in Stage.choices:
        if text == label:
            return label_value
    raise ParseError(f"无法识别的项目阶段「{normalise_text(value)}」")


# Words clerks write for a choice whose label they do not copy: the first choice whose word
# the cell contains (落地可能性「较大」, 流失原因「用地指标不足」).
CHOICE_WORDS = {
    "落地可能性": [
        ("较低", Likelihood.LOW),
        ("较小", Likelihood.LOW),
        ("低", Likelihood.LOW),
        ("小", Likelihood.LOW),
        ("一般", Likelihood.MEDIUM),
        ("中", Likelihood.MEDIUM),
        ("高", Likelihood.HIGH),
        ("大", Likelihood.HIGH),
    ],
    "总部类型": [
        ("区域", HeadquartersKind.REGIONAL),
        ("功能", HeadquartersKind.FUNCTIONAL),
        ("结算", HeadquartersKind.FUNCTIONAL),
        ("研发", HeadquartersKind.FUNCTIONAL),
        ("采购", HeadquartersKind.FUNCTIONAL),
        ("销售", HeadquartersKind.FUNCTIONAL),
        ("营销", HeadquartersKind.FUNCTIONAL),
        ("总部", HeadquartersKind.CORPORATE),
    ],
    "流失原因": [
        ("政策", LossReason.POLICY),
        ("优惠", LossReason.POLICY),
        ("补贴", LossReason.POLICY),
        ("用地", LossReason.FACTORS),
        ("土地", LossReason.FACTORS),
        ("能耗", LossReason.FACTORS),
        ("要素", LossReason.FACTORS),
        ("配套", LossReason.CHAIN),
        ("产业链", LossReason.CHAIN),
        ("营商", LossReason.ENVIRONMENT),
        ("服务", LossReason.ENVIRONMENT),
        ("审批", LossReason.ENVIRONMENT),
        ("企业", LossReason.INVESTOR),
        ("资金", LossReason.INVESTOR),
        ("战略", LossReason.INVESTOR),
        ("其他", LossReason.OTHER),
    ],
}


def parse_choice(value, choices, what: str, words=()) -> str:
    """The choice a cell names: its label, its code or one part of a label written 甲/乙,
    else the first of ``words`` (word, choice) the cell contains; ParseError if none. Every
    spreadsheet import reads its choice columns with this."""
    text = normalise_text(value)
    for choice_value, label in choices:
        if text in (label, choice_value) or text in label.split("/"):
            return choice_value
    for word, choice_value in words:
        if word in text:
            return choice_value
    raise ParseError(f"无法识别的{what}「{text}」")


def _choice(choices, value, what: str) -> str:
    return parse_choice(value, choices, what, CHOICE_WORDS.get(what, ()))


SKIP_ROW = re.compile(
    r"^(合计|总计|小计|累计|填报人|审核人|制表人|制表|负责人|联系人[:：]|说明|注[:：]|备注[:：]|单位负责人)"
)
AMOUNT_FIELDS = ("total_investment", "fixed_asset_investment")
DATE_FIELDS = ("signed_on", "registered_on", "started_on", "production_on", "agreed_start_on")
TEXT_FIELDS = (
    "code",
    "name",
    "investor",
    "industry",
    "leading_industry",
    "chain_tag",
    "site",
    "responsible_leader",
    "officer_in_charge",
    "contact_name",
    "contact_phone",
    "description",
    "competitor_regions",
    "remarks",
)
DATE_ORDER = ("signed_on", "registered_on", "started_on", "production_on")
# (field, choices, what the message calls it); the choices are built once, not per row.
CHOICE_FIELDS = (
    ("promotion_method", PromotionMethod.choices, "招商方式"),
    ("construction_nature", ConstructionNature.choices, "建设性质"),
    ("landing_likelihood", Likelihood.choices, "落地可能性"),
    ("headquarters_kind", HeadquartersKind.choices, "总部类型"),
    ("lost_reason", LossReason.choices, "流失原因"),
)


@dataclass
class LedgerRow:
    number: int  # the row number in the sheet, as the clerk sees it (1-based)
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # column label → reason
    action: str = ""  # create, update, unchanged, error
    project_id: int | None = None
    changes: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def stage_label(self) -> str:
        stage = self.values.get("stage")
        return Stage(stage).label if stage in Stage.values else ""

    def messages(self) -> list[str]:
        return [f"第{self.number}行 {label}：{reason}" for label, reason in self.errors.items()]


# The ledger parsed: its sheet, header and rows (the generic shape of a parsed sheet).
ParsedLedger = Parsed


class LedgerNotFound(ValueError):
    pass


def find_ledger_sheet(sheets: list[Sheet]) -> tuple[Sheet, HeaderMatch]:
    """The sheet that looks most like a project ledger (the one with the best header)."""
    best = None
    for sheet in sheets:
        match = locate_header(sheet.rows, ledger_synonyms(), required=("name",))
        if match and (best is None or len(match.columns) > len(best[1].columns)):
            best = (sheet, match)
    if best is None:
        raise LedgerNotFound(
            "未找到项目台账表头：至少需要「项目名称」列及其他可识别的列（如投资方、总投资、项目进展）。"
        )
    return best


# 「城关镇小计」 in the name column, 「一、在建项目」 heading a group of rows: not projects.
NAMED_TOTAL = re.compile(r"^.{0,15}(小计|合计|总计)$")
SECTION_HEADING = re.compile(r"^(（?[一二三四五六七八九十]+[、.．）)]|第[一二三四五六七八九十]+[部类])")


def _skippable(texts: list[str], header: HeaderMatch) -> bool:
    """A blank row, a total, a signature line or a heading: not a project."""
    filled = [text.replace(" ", "") for text in texts if text]
    if not filled:
        return True
    if SKIP_ROW.match(filled[0]):
        return True
    name = _text(texts, header, "name").replace(" ", "")
    if NAMED_TOTAL.match(name):
        return True
    return len(filled) == 1 and bool(SECTION_HEADING.match(filled[0]))


def parse_ledger(sheets: list[Sheet]) -> ParsedLedger:
    sheet, header = find_ledger_sheet(sheets)
    parsed = ParsedLedger(sheet.name, header, [])
    for offset, row in enumerate(sheet.rows[header.data_start :]):
        number = header.data_start + offset + 1
        # Each cell's text once: the skip test and the text fields both read it.
        texts = [normalise_text(cell) for cell in row]
        if _skippable(texts, header):
            continue
        parsed.rows.append(_parse_row(number, row, texts, header, parsed))
    return parsed


def _cell(row: list, header: HeaderMatch, field_name: str):
    column = header.columns.get(field_name)
    if column is None or column.index >= len(row):
        return None
    return row[column.index]


def _text(texts: list[str], header: HeaderMatch, field_name: str) -> str:
    """The field's cell as normalised text ("" without one)."""
    return _cell(texts, header, field_name) or ""


def _parse_row(number: int, row: list, texts: list[str], header: HeaderMatch, parsed: ParsedLedger) -> LedgerRow:
    """``row``: the cells as read; ``texts``: each cell through ``normalise_text``."""
    result = LedgerRow(number)
    values = result.values
    label = parsed.column_label

    for name in TEXT_FIELDS:
        if name in header.columns:
            values[name] = _text(texts, header, name)
    if not values.get("name"):
        result.errors[label("name")] = "必填"

    uscc = _text(texts, header, "uscc").upper().replace(" ", "")
    values["uscc"] = uscc
    if uscc:
        problem = uscc_problem(uscc)
        if problem:
            result.errors[label("uscc")] = f"{problem}「{uscc}」"

    for name in AMOUNT_FIELDS:
        if name in header.columns:
            column = header.columns[name]
            try:
                values[name] = parse_amount_wan(
                    _cell(row, header, name), column.money_unit or header.default_money_unit
                )
            except ParseError as error:
                result.errors[label(name)] = str(error)
    if "foreign_investment_usd" in header.columns:
        try:
            # Foreign investment is in 万美元; a 亿 in the cell still means 10,000 of them.
            values["foreign_investment_usd"] = parse_amount_wan(_cell(row, header, "foreign_investment_usd"), "万元")
        except ParseError as error:
            result.errors[label("foreign_investment_usd")] = str(error)
    if "land_mu" in header.columns:
        raw = _text(texts, header, "land_mu").replace("亩", "").replace(",", "")
        try:
            values["land_mu"] = Decimal(raw) if raw else None
        except ArithmeticError:
            result.errors[label("land_mu")] = f"无法识别的面积「{raw}」"

    for name in DATE_FIELDS:
        if name in header.columns:
            try:
                parsed_date = parse_date(_cell(row, header, name))
            except ParseError as error:
                result.errors[label(name)] = str(error)
            else:
                values[name] = parsed_date.date if parsed_date else None

    if "stage" in header.columns:
        try:
            values["stage"] = parse_stage(_cell(row, header, "stage"))
        except ParseError as error:
            result.errors[label("stage")] = str(error)
    if not values.get("stage"):
        # No stage written: the furthest date the row carries says where it stands.
        values["stage"] = (
            Stage.STARTED
            if values.get("started_on")
            else Stage.SIGNED
            if values.get("signed_on")
            else Stage.NEGOTIATING
        )

    for name, choices, what in CHOICE_FIELDS:
        if name in header.columns and _text(texts, header, name):
            try:
                values[name] = _choice(choices, _cell(row, header, name), what)
            except ParseError as error:
                result.errors[label(name)] = str(error)

    for name in ("responsible_unit", "landing_unit"):
        if name in header.columns:
            values[f"{name}_text"] = _text(texts, header, name)

    for extension in ledger_extensions():
        for name in extension.columns:
            if name in header.columns:
                try:
                    values[name] = extension.parse(name, _cell(row, header, name))
                except ParseError as error:
                    result.errors[label(name)] = str(error)

    _check_limits(result, label)

    # Dates in lifecycle order: 开工 before 签约 is a typing error, not a fact.
    for later_index, later in enumerate(DATE_ORDER):
        for earlier in DATE_ORDER[:later_index]:
            if (earlier, later) == ("signed_on", "registered_on"):
                continue
            if values.get(later) and values.get(earlier) and values[later] < values[earlier]:
                if label(later) not in result.errors:
                    result.errors[label(later)] = (
                        f"「{values[later]:%Y-%m-%d}」早于{label(earlier)}「{values[earlier]:%Y-%m-%d}」"
                    )
    return result


# Values a row gives the investor and the contact, by the model field that keeps them.
RELATED_LIMITS = (
    ("investor", Company, "name"),
    ("industry", Project, "industry_text"),
    ("contact_name", Contact, "name"),
    ("contact_phone", Contact, "phone"),
)


def _check_limits(result: LedgerRow, label) -> None:
    """The project form's limits (digits, decimal places, lengths, plausible dates) on
    every value of the row: the commit saves in bulk without ``full_clean``, and a single
    amount beyond the column once made every page listing the project fail."""
    values = result.values
    for name, reason in field_limit_problems(Project, values).items():
        result.errors.setdefault(label(name), reason)
    for name, model, field_name in RELATED_LIMITS:
        if values.get(name):
            for reason in field_limit_problems(model, {field_name: values[name]}).values():
                result.errors.setdefault(label(name), reason)
