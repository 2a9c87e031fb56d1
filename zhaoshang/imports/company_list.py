"""The import of a unit's company list (重点企业、客商企业名单) and intermediary list (商会、
协会、中介机构名单) on the one import pipeline, from the spreadsheets units keep.

A company row is matched as the project ledger matches investors (credit code, normalised
name, former name): a new firm is created owned by the unit chosen on the upload form; a
stored one the importing user maintains takes the values the sheet fills (an empty cell
clears nothing); one another unit maintains is only reported, never changed — the shared
registry's rule (relations.services). Intermediaries the same way, by name."""

import re

from zhaoshang.core.choices import Action
from zhaoshang.core.limits import field_limit_problems
from zhaoshang.core.parsing import ParseError, normalise_text, parse_amount_wan
from zhaoshang.core.validators import uscc_problem
from zhaoshang.imports.choices import RowAction
from zhaoshang.imports.ledger import parse_choice
from zhaoshang.imports.spec import ImportSpec, register
from zhaoshang.relations.choices import CompanyFlag, CompanyNature, Exchange, IntermediaryKind, LocalStatus
from zhaoshang.relations.models import Company, Intermediary
from zhaoshang.relations.normalise import normalise_company_name
from zhaoshang.relations.services import (
    company_key,
    import_companies,
    import_intermediaries,
    maintained_company_ids,
    match_companies,
    match_intermediaries,
)

SEPARATORS = re.compile(r"[,，、;；/\s]+")
OTHERS_NOTE = "该企业由其他单位维护，本表只核对、不修改其信息"

# What clerks write for a choice, beside its label: the first word the cell contains.
NATURE_WORDS = [
    ("央企", CompanyNature.CENTRAL_SOE),
    ("中央企业", CompanyNature.CENTRAL_SOE),
    ("国企", CompanyNature.LOCAL_SOE),
    ("国有", CompanyNature.LOCAL_SOE),
    ("民营", CompanyNature.PRIVATE),
    ("民企", CompanyNature.PRIVATE),
    ("私营", CompanyNature.PRIVATE),
    ("合资", CompanyNature.JOINT),
    ("外资", CompanyNature.FOREIGN),
    ("外商", CompanyNature.FOREIGN),
    ("港澳台", CompanyNature.FOREIGN),
    ("其他", CompanyNature.OTHER),
]
FLAG_WORDS = [
    ("世界500强", CompanyFlag.GLOBAL_500),
    ("世界五百强", CompanyFlag.GLOBAL_500),
    ("中国500强", CompanyFlag.CHINA_500),
    ("中国五百强", CompanyFlag.CHINA_500),
    ("民营500强", CompanyFlag.PRIVATE_500),
    ("民营企业500强", CompanyFlag.PRIVATE_500),
    ("上市", CompanyFlag.LISTED),
    ("专精特新", CompanyFlag.SPECIALISED),
    ("小巨人", CompanyFlag.SPECIALISED),
    ("高新", CompanyFlag.HIGH_TECH),
    ("链主", CompanyFlag.CHAIN_LEADER),
]
LOCAL_WORDS = [("外地", LocalStatus.EXTERNAL), ("本地", LocalStatus.LOCAL), ("存量", LocalStatus.LOCAL)]
EXCHANGE_WORDS = [
    ("上交所", Exchange.SSE),
    ("上海", Exchange.SSE),
    ("深交所", Exchange.SZSE),
    ("深圳", Exchange.SZSE),
    ("北交所", Exchange.BSE),
    ("北京", Exchange.BSE),
    ("港交所", Exchange.HKEX),
    ("香港", Exchange.HKEX),
    ("纽交所", Exchange.NYSE),
    ("纽约", Exchange.NYSE),
    ("纳斯达克", Exchange.NASDAQ),
    ("NASDAQ", Exchange.NASDAQ),
]
KIND_WORDS = [
    ("异地商会", IntermediaryKind.REGIONAL_CHAMBER),
    ("商会", IntermediaryKind.CHAMBER),
    ("协会", IntermediaryKind.ASSOCIATION),
    ("联合会", IntermediaryKind.ASSOCIATION),
    ("代理", IntermediaryKind.AGENCY),
    ("招商", IntermediaryKind.AGENCY),
    ("咨询", IntermediaryKind.CONSULTANCY),
    ("银行", IntermediaryKind.BANK),
    ("证券", IntermediaryKind.BANK),
    ("投资", IntermediaryKind.BANK),
    ("律师", IntermediaryKind.LAW_FIRM),
    ("律所", IntermediaryKind.LAW_FIRM),
    ("会计", IntermediaryKind.ACCOUNTING),
    ("会所", IntermediaryKind.ACCOUNTING),
]


class CompanyListImport(ImportSpec):
    kind = "companies"
    title = "企业名单"
    noun = "家"
    model = Company
    action = Action.ADD
    synonyms = {
        "name": ["企业名称", "公司名称", "单位名称", "企业"],
        "uscc": ["统一社会信用代码", "信用代码", "社会信用代码"],
        "nature": ["企业性质", "经济类型", "所有制"],
        "flags": ["企业标签", "企业类别", "荣誉资质", "企业类型"],
        "registered_capital": ["注册资本（万元）", "注册资本"],
        "local_status": ["本地/外地", "是否本地企业", "企业属地"],
        "listed_exchange": ["上市地", "上市交易所"],
        "stock_code": ["股票代码", "证券代码"],
        "former_names": ["曾用名"],
        "address": ["地址", "注册地址", "企业地址"],
        "website": ["网站", "官网"],
        "remarks": ["备注"],
    }
    required = ("name",)
    columns = (
        ("name", "企业名称"),
        ("uscc", "统一社会信用代码"),
        ("nature", "企业性质"),
        ("flags", "企业标签"),
        ("registered_capital", "注册资本（万元）"),
        ("local_status", "本地/外地"),
    )
    intro = (
        "上传本单位掌握的企业名单（Excel/WPS/CSV）。按统一社会信用代码、企业名称和曾用名与已有企业核对："
        "新企业由所选单位录入；本单位维护的企业按表中填写的内容补充更新（空格不清除已有信息）；"
        "其他单位维护的企业只核对、不修改。确认无误后一次性全部导入，重复导入不会重复登记。"
    )
    preview_note = "注册资本已换算为万元。"

    def parse_row(self, row, cells, label):
        values = row.values
        values["name"] = normalise_text(cells.get("name"))
        if not values["name"]:
            row.errors[label("name")] = "必填"
        uscc = normalise_text(cells.get("uscc")).upper().replace(" ", "")
        values["uscc"] = uscc or None
        if uscc and (problem := uscc_problem(uscc)):
            row.errors[label("uscc")] = problem
        for name, choices, words, what in (
            ("nature", CompanyNature.choices, NATURE_WORDS, "企业性质"),
            ("local_status", LocalStatus.choices, LOCAL_WORDS, "本地/外地"),
            ("listed_exchange", Exchange.choices, EXCHANGE_WORDS, "上市交易所"),
        ):
            text = normalise_text(cells.get(name))
            values[name] = ""
            if text:
                try:
                    values[name] = parse_choice(text, choices, what, words)
                except ParseError as error:
                    row.errors[label(name)] = str(error)
        flags = []
        for part in SEPARATORS.split(normalise_text(cells.get("flags"))):
            if not part:
                continue
            try:
                flag = parse_choice(part, CompanyFlag.choices, "企业标签", FLAG_WORDS)
            except ParseError as error:
                row.errors[label("flags")] = str(error)
                break
            if flag not in flags:
                flags.append(flag)
        if values.get("listed_exchange") and CompanyFlag.LISTED not in flags:
            flags.append(CompanyFlag.LISTED)
        values["flags"] = flags
        try:
            values["registered_capital"] = parse_amount_wan(cells.get("registered_capital"))
        except ParseError as error:
            row.errors[label("registered_capital")] = str(error)
        values["former_names"] = [part for part in SEPARATORS.split(normalise_text(cells.get("former_names"))) if part]
        for name in ("stock_code", "address", "website", "remarks"):
            values[name] = normalise_text(cells.get(name))
        texts = {name: values[name] for name in ("name", "stock_code", "address", "website")}
        for name, reason in field_limit_problems(Company, texts).items():
            row.errors.setdefault(label(name), reason)

    def resolve(self, user, unit, parsed):
        live = [row for row in parsed.rows if not row.errors]
        stored = match_companies([(row.values["name"], row.values["uscc"] or "") for row in live])
        mine = maintained_company_ids(user, [company.pk for company in stored.values()])
        seen = {}
        for row in live:
            key = company_key(row.values["name"], row.values["uscc"] or "")
            if key in seen:
                row.errors[parsed.column_label("name")] = f"与第{seen[key]}行是同一家企业"
                continue
            seen[key] = row.number
            company = stored.get(key)
            row.company_id = company.pk if company else None
            if company is None:
                row.action = RowAction.CREATE
            elif company.pk not in mine:
                row.action = RowAction.UNCHANGED
                row.notes.append(OTHERS_NOTE)
            elif any(self._differs(company, name, value) for name, value in self._fields(row).items()):
                row.action = RowAction.UPDATE
            else:
                row.action = RowAction.UNCHANGED

    @staticmethod
    def _fields(row) -> dict:
        values = dict(row.values)
        if not values.get("uscc"):
            values.pop("uscc", None)
        return values

    @staticmethod
    def _differs(company, name, value) -> bool:
        if value in (None, "", []):
            return False
        if name in ("flags", "former_names"):
            return not set(value) <= set(getattr(company, name) or [])
        return getattr(company, name) != value

    def cell(self, row, name):
        values = row.values
        labels = {
            "nature": dict(CompanyNature.choices),
            "local_status": dict(LocalStatus.choices),
        }
        if name in labels:
            return labels[name].get(values.get(name), "")
        if name == "flags":
            shown = dict(CompanyFlag.choices)
            return "、".join(shown[flag] for flag in values.get("flags", []))
        return super().cell(row, name)

    def save(self, user, batch, rows):
        stored = Company.objects.in_bulk([row.company_id for row in rows if getattr(row, "company_id", None)])
        pairs = []
        for row in rows:
            company = stored.get(getattr(row, "company_id", None))
            values = self._fields(row)
            if company is not None:
                values["flags"] = list(dict.fromkeys([*(company.flags or []), *values["flags"]]))
                values["former_names"] = list(dict.fromkeys([*(company.former_names or []), *values["former_names"]]))
            pairs.append((company, values))
        return {"created_ids": import_companies(user, batch.unit, pairs)}


class IntermediaryListImport(ImportSpec):
    kind = "intermediaries"
    title = "中介机构名单"
    noun = "家"
    model = Intermediary
    action = Action.ADD
    synonyms = {
        "name": ["机构名称", "名称", "商会名称", "协会名称", "中介机构"],
        "kind": ["类型", "机构类型", "类别"],
        "regions": ["覆盖地区", "所在地区", "地区"],
        "sectors": ["重点行业", "行业", "主要行业"],
        "address": ["地址", "办公地址"],
        "website": ["网站", "官网"],
        "remarks": ["备注"],
    }
    required = ("name",)
    columns = (("name", "机构名称"), ("kind", "类型"), ("regions", "覆盖地区"), ("sectors", "重点行业"))
    intro = (
        "上传本单位联系的商会、协会、招商代理、金融和专业服务机构名单（Excel/WPS/CSV）。按名称与已有机构核对："
        "新机构由所选单位录入；本单位维护的机构按表中内容补充更新；其他单位维护的只核对、不修改。"
    )
    preview_note = ""

    def parse_row(self, row, cells, label):
        values = row.values
        values["name"] = normalise_text(cells.get("name"))
        if not values["name"]:
            row.errors[label("name")] = "必填"
        kind = normalise_text(cells.get("kind")) or values["name"]  # 「深圳湖南商会」 says its kind
        try:
            values["kind"] = parse_choice(kind, IntermediaryKind.choices, "机构类型", KIND_WORDS)
        except ParseError as error:
            row.errors[label("kind")] = (
                f"{error}，应为商会、异地商会、行业协会、招商代理机构、咨询机构、银行、律师或会计师事务所"
            )
        for name in ("regions", "sectors", "address", "website", "remarks"):
            values[name] = normalise_text(cells.get(name))
        texts = {name: values[name] for name in ("name", "regions", "sectors", "address", "website")}
        for name, reason in field_limit_problems(Intermediary, texts).items():
            row.errors.setdefault(label(name), reason)

    def resolve(self, user, unit, parsed):
        live = [row for row in parsed.rows if not row.errors]
        stored = match_intermediaries([row.values["name"] for row in live])
        mine = set(
            Intermediary.objects.restrict(user, Action.CHANGE)
            .filter(pk__in=[item.pk for item in stored.values()])
            .values_list("pk", flat=True)
        )
        seen = {}
        for row in live:
            key = normalise_company_name(row.values["name"])
            if key in seen:
                row.errors[parsed.column_label("name")] = f"与第{seen[key]}行是同一家机构"
                continue
            seen[key] = row.number
            found = stored.get(key)
            row.intermediary_id = found.pk if found else None
            if found is None:
                row.action = RowAction.CREATE
            elif found.pk not in mine:
                row.action = RowAction.UNCHANGED
                row.notes.append("该机构由其他单位维护，本表只核对、不修改其信息")
            elif any(value and getattr(found, name) != value for name, value in row.values.items()):
                row.action = RowAction.UPDATE
            else:
                row.action = RowAction.UNCHANGED

    def cell(self, row, name):
        if name == "kind":
            return dict(IntermediaryKind.choices).get(row.values.get("kind"), "")
        return super().cell(row, name)

    def save(self, user, batch, rows):
        stored = Intermediary.objects.in_bulk(
            [row.intermediary_id for row in rows if getattr(row, "intermediary_id", None)]
        )
        pairs = [(stored.get(getattr(row, "intermediary_id", None)), dict(row.values)) for row in rows]
        return {"created_ids": import_intermediaries(user, batch.unit, pairs)}


COMPANY_LIST = register(CompanyListImport())
INTERMEDIARY_LIST = register(IntermediaryListImport())
