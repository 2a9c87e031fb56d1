"""Finding the header of a ledger and mapping its words to fields.

Ledgers put titles, a 填报单位 line and merged group headers above the real header row,
and totals and signatures below the data. The header row is the row among the first
twenty that names the most known columns; cells merged down from the row above (序号,
备注) are taken from there.
"""

import re
from dataclasses import dataclass, field

# header_key lives with the other text normalisation in core, where every app may use it.
from zhaoshang.core.parsing import header_key, normalise_text, unit_from_header

# Field → the words clerks use for it, most specific first. Matching is on the header
# text without spaces, line breaks and bracketed units.
LEDGER_SYNONYMS: dict[str, list[str]] = {
    "code": ["项目编号", "项目代码", "项目编码", "编号"],
    "name": ["项目名称", "项目名", "项目全称", "名称"],
    "investor": [
        "投资方",
        "投资主体",
        "投资企业",
        "投资商",
        "投资单位",
        "签约企业",
        "签约主体",
        "企业名称",
        "投资方名称",
    ],
    "uscc": ["统一社会信用代码", "社会信用代码", "信用代码", "统一代码"],
    "industry": ["所属行业", "行业类别", "行业分类", "国民经济行业", "行业"],
    "leading_industry": ["主导产业", "产业类别", "所属产业", "产业方向"],
    "chain_tag": ["产业链", "所属产业链"],
    "total_investment": [
        "协议总投资",
        "项目总投资",
        "总投资",
        "投资总额",
        "计划总投资",
        "计划投资",
        "协议投资额",
        "协议引资额",
        "投资额",
    ],
    "fixed_asset_investment": ["固定资产投资", "固投"],
    "foreign_investment_usd": ["外资", "利用外资", "外资金额"],
    "land_mu": ["用地面积", "用地", "占地面积", "供地面积"],
    "stage": ["项目进展", "进展情况", "当前阶段", "项目阶段", "推进情况", "项目状态", "进展", "阶段", "状态"],
    "signed_on": ["签约时间", "签约日期", "协议签订时间", "签约"],
    "registered_on": ["注册时间", "注册日期"],
    "started_on": ["开工时间", "开工日期", "实际开工时间"],
    "production_on": ["投产时间", "投产日期"],
    "agreed_start_on": ["约定开工时间", "协议开工时间", "计划开工时间"],
    "responsible_unit": [
        "责任单位",
        "所属乡镇",
        "所属单位",
        "承办单位",
        "牵头单位",
        "填报单位",
        "乡镇街道",
        "乡镇",
        "单位",
    ],
    "landing_unit": ["落地单位", "落地园区", "落户单位"],
    "site": ["落地地点", "建设地点", "项目地址", "选址"],
    "responsible_leader": ["责任领导", "包保领导", "分管领导", "联系领导", "包联领导"],
    "officer_in_charge": ["责任人", "项目负责人", "具体负责人"],
    "contact_name": ["企业联系人", "联系人"],
    "contact_phone": ["联系电话", "联系方式", "手机号码", "电话"],
    "promotion_method": ["招商方式"],
    "landing_likelihood": ["落地可能性", "落地可能", "成功可能性", "签约可能性"],
    "competitor_regions": ["竞争地区", "竞争对手", "竞争城市"],
    "headquarters_kind": ["总部类型", "总部项目类型"],
    "lost_reason": ["流失原因"],
    "construction_nature": ["建设性质"],
    "description": ["建设内容", "项目内容", "项目简介"],
    "remarks": ["备注", "说明"],
}


def match_field(text, synonyms: dict[str, list[str]]) -> str | None:
    key = header_key(text)
    if not key:
        return None
    for field_name, words in synonyms.items():
        if key in words:
            return field_name
    # A longer header that starts with a known word: 项目名称及建设内容 → name.
    best = None
    for field_name, words in synonyms.items():
        for word in words:
            if len(word) >= 2 and key.startswith(word) and (best is None or len(word) > best[1]):
                best = (field_name, len(word))
    return best[0] if best else None


@dataclass
class Column:
    index: int
    header: str  # as written in the sheet, for messages ("第12行 签约时间: …")
    money_unit: str | None = None


@dataclass
class HeaderMatch:
    header_row: int  # 0-based index into the sheet's rows
    columns: dict[str, Column] = field(default_factory=dict)
    default_money_unit: str = "万元"

    @property
    def data_start(self) -> int:
        return self.header_row + 1


SCAN_ROWS = 20
_UNIT_NOTE = re.compile(r"单位[:：]\s*(亿元|万元)")


def locate_header(
    rows: list[list], synonyms: dict[str, list[str]], required: tuple[str, ...] = ("name",)
) -> HeaderMatch | None:
    """The header of a sheet, or None if no row looks like one."""
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[:SCAN_ROWS]):
        fields = {match_field(cell, synonyms) for cell in row if cell is not None}
        fields.discard(None)
        score = len(fields)
        if score >= 2 and (best is None or score > best[1]):
            best = (index, score)
    if best is None:
        return None
    index = best[0]
    header_cells = list(rows[index])
    above = rows[index - 1] if index > 0 else []
    width = max(len(header_cells), len(above))
    header_cells += [None] * (width - len(header_cells))
    match = HeaderMatch(header_row=index)
    for column, cell in enumerate(header_cells):
        text = cell
        if text is None or not str(text).strip():
            # Merged down from the group row above (序号, 备注 spanning two rows).
            text = above[column] if column < len(above) else None
        field_name = match_field(text, synonyms) if text is not None else None
        if field_name and field_name not in match.columns:
            match.columns[field_name] = Column(column, normalise_text(text), unit_from_header(text))
    if not all(name in match.columns for name in required):
        return None
    for row in rows[:index]:
        for cell in row:
            note = _UNIT_NOTE.search(normalise_text(cell)) if cell is not None else None
            if note:
                match.default_money_unit = note.group(1)
    return match
