"""The funds-in-place ledger (到位资金明细) import: parse, match each tranche to its project
and to the tranches already stored; the spec (``FundsImport``) saves them on the generic
pipeline (imports.pipeline), whose pages are imports.generic."""

import re
from dataclasses import dataclass
from decimal import Decimal

from zhaoshang.core.choices import Action
from zhaoshang.core.jobs import JobKind
from zhaoshang.core.limits import field_limit_problems
from zhaoshang.core.parsing import ParseError, header_key, normalise_text, parse_amount_wan, parse_date
from zhaoshang.funds.choices import FundsKind, FundsSource
from zhaoshang.funds.forms import FundsUploadForm
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import validate_tranche, verify_tranche
from zhaoshang.imports.choices import ImportKind, RowAction
from zhaoshang.imports.headers import locate_header
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.pipeline import commit_import, preview_import
from zhaoshang.imports.reading import Sheet
from zhaoshang.imports.spec import Cell, ImportSpec, Parsed, Preview, Row, own_url_names, register
from zhaoshang.projects.duplicates import normalise_project_name
from zhaoshang.projects.models import Project
from zhaoshang.relations.normalise import normalise_company_name

FUNDS_SYNONYMS: dict[str, list[str]] = {
    "code": ["项目编号", "项目代码"],
    "name": ["项目名称", "项目名", "项目"],
    "investor": ["投资方", "投资主体", "投资企业", "出资方", "企业名称"],
    "date": ["到位时间", "到位日期", "资金到位时间", "入账时间", "日期"],
    "amount": ["到位金额", "到位资金", "金额", "资金额", "本次到位"],
    "amount_usd": ["外资金额", "到位外资", "美元金额"],
    "source": ["资金来源地", "资金来源", "来源地", "来源"],
    "kind": ["资金类型", "资金性质", "内外资"],
    "voucher_no": ["凭证编号", "凭证号", "银行凭证号", "凭证"],
    "note": ["备注", "说明"],
}
SOURCE_WORDS = {
    "市外": FundsSource.OUTSIDE_CITY,
    "省外": FundsSource.OUTSIDE_PROVINCE,
    "境外": FundsSource.ABROAD,
    "国外": FundsSource.ABROAD,
}
KIND_WORDS = {"内资": FundsKind.DOMESTIC, "外资": FundsKind.FOREIGN, "港澳台资": FundsKind.FOREIGN}
_SKIP = re.compile(r"^(合计|总计|小计|填报人|审核人|制表)")


@dataclass
class FundsRow(Row):
    project_id: int | None = None


def parse_source(text: str) -> tuple[str, str]:
    """ "宁波（省外）" → (outside_province, "宁波"); "境外" → (abroad, "")."""
    text = normalise_text(text)
    for word, source in SOURCE_WORDS.items():
        if word in text:
            region = re.sub(r"[(（\[]?\s*" + word + r"\s*[)）\]]?", "", text).strip(" -—、")
            return source, region
    raise ParseError(f"无法识别的资金来源「{text}」，应为市外、省外或境外")


def parse_funds(sheets: list[Sheet]) -> Parsed:
    best = None
    for sheet in sheets:
        match = locate_header(sheet.rows, FUNDS_SYNONYMS, required=("name", "date", "amount"))
        if match and (best is None or len(match.columns) > len(best[1].columns)):
            best = (sheet, match)
    if best is None:
        raise ValueError("未找到到位资金表头：至少需要「项目名称」「到位时间」「到位金额」列。")
    sheet, header = best
    label = {name: header_key(column.header) for name, column in header.columns.items()}
    rows = []
    for offset, raw in enumerate(sheet.rows[header.data_start :]):
        number = header.data_start + offset + 1
        cells = {
            name: (raw[column.index] if column.index < len(raw) else None) for name, column in header.columns.items()
        }
        texts = [normalise_text(cell) for cell in raw if cell is not None and normalise_text(cell)]
        if not texts or _SKIP.match(texts[0].replace(" ", "")):
            continue
        row = FundsRow(number)
        values = row.values
        for name in ("code", "name", "investor", "voucher_no", "note"):
            values[name] = normalise_text(cells.get(name))
        if not values["name"] and not values["code"]:
            row.errors[label.get("name", "项目名称")] = "必填"
        try:
            parsed = parse_date(cells.get("date"))
            values["date"] = parsed.date if parsed else None
            if values["date"] is None:
                row.errors[label["date"]] = "必填"
        except ParseError as error:
            row.errors[label["date"]] = str(error)
        try:
            values["amount"] = parse_amount_wan(
                cells.get("amount"), header.columns["amount"].money_unit or header.default_money_unit
            )
            if values["amount"] is None:
                row.errors[label["amount"]] = "必填"
        except ParseError as error:
            row.errors[label["amount"]] = str(error)
        if "amount_usd" in header.columns:
            try:
                values["amount_usd"] = parse_amount_wan(cells.get("amount_usd"), "万元")
            except ParseError as error:
                row.errors[label["amount_usd"]] = str(error)
        kind_text = normalise_text(cells.get("kind"))
        values["kind"] = KIND_WORDS.get(kind_text.replace(" ", ""), None) if kind_text else FundsKind.DOMESTIC
        if values["kind"] is None:
            row.errors[label["kind"]] = f"无法识别的资金类型「{kind_text}」，应为内资或外资"
        source_text = normalise_text(cells.get("source"))
        if source_text:
            try:
                values["source"], values["source_region"] = parse_source(source_text)
            except ParseError as error:
                row.errors[label["source"]] = str(error)
        else:
            row.errors[label.get("source", "资金来源")] = "必填"
        # The tranche form's limits (digits, lengths, no date after today), in the preview
        # rather than as a refusal at the commit.
        for name, reason in field_limit_problems(FundsTranche, values, past=("date",)).items():
            row.errors.setdefault(label.get(name) or str(FundsTranche._meta.get_field(name).verbose_name), reason)
        rows.append(row)
    return Parsed(sheet.name, header, rows, fallback_labels={"name": "项目名称", "source": "资金来源"})


def resolve_funds(user, scope_unit, rows: list[FundsRow], label: dict) -> None:
    """Match each tranche to its project (by code, or by name together with investor) and
    to a tranche already stored (by voucher number, or by date and amount)."""
    projects = Project.objects.restrict(user, Action.CHANGE).filter(
        responsible_unit__path__startswith=scope_unit.path, merged_into__isnull=True
    )
    by_code, by_name_investor, by_name = {}, {}, {}
    for pk, code, name, investor in projects.values_list("pk", "code", "name", "investor__normalised_name"):
        key = normalise_project_name(name)
        by_code[code] = pk
        by_name_investor[(key, investor or "")] = pk
        by_name.setdefault(key, []).append(pk)
    existing = {}
    for pk, project_id, voucher, date, amount in FundsTranche.objects.filter(project__in=projects).values_list(
        "pk", "project_id", "voucher_no", "date", "amount"
    ):
        existing[(project_id, "v", voucher)] = pk if voucher else None
        existing[(project_id, "d", date, amount)] = pk
    seen = {}
    for row in rows:
        values = row.values
        name_label = label.get("name", "项目名称")
        if values.get("code") in by_code:
            row.project_id = by_code[values["code"]]
        else:
            key = normalise_project_name(values.get("name", ""))
            investor = normalise_company_name(values.get("investor", ""))
            row.project_id = by_name_investor.get((key, investor))
            if row.project_id is None and not investor and len(by_name.get(key, [])) == 1:
                row.project_id = by_name[key][0]
            if row.project_id is None and values.get("name"):
                if len(by_name.get(key, [])) > 1 and not investor:
                    row.errors.setdefault(name_label, f"项目名称「{values['name']}」不唯一，请填写投资方或项目编号")
                else:
                    row.errors.setdefault(
                        name_label, f"未找到项目「{values['name']}」（投资方：{values.get('investor') or '未填'}）"
                    )
        if row.errors:
            row.action = RowAction.ERROR
            continue
        identity = (
            (row.project_id, "v", values["voucher_no"])
            if values.get("voucher_no")
            else (row.project_id, "d", values["date"], values["amount"])
        )
        if identity in seen:
            row.errors[label.get("voucher_no", name_label)] = f"与第{seen[identity]}行重复"
            row.action = RowAction.ERROR
            continue
        seen[identity] = row.number
        row.action = RowAction.UNCHANGED if existing.get(identity) else RowAction.CREATE


class FundsImport(ImportSpec):
    kind = ImportKind.FUNDS
    title = "到位资金"
    noun = "笔"
    model = FundsTranche
    form_class = FundsUploadForm
    verify_on_import = True
    job_kind = JobKind.FUNDS_IMPORT
    intro = (
        "上传到位资金明细表（Excel/WPS/CSV）。系统按项目编号、或项目名称加投资方找到每笔资金所属的项目，"
        "逐行校验并预览；确认无误后一次性全部导入，有错误的行须修正或明确排除，不会只导入一部分。"
        "同一文件重复导入不会重复登记。"
    )
    columns = (
        ("name", "项目"),
        ("investor", "投资方"),
        ("date", "到位日期"),
        ("amount", "金额（万元）"),
        ("kind", "类型"),
        ("amount_usd", "外资（万美元）"),
        ("source", "来源"),
        ("voucher_no", "凭证编号"),
        ("note", "说明"),
    )
    count_cards = ((RowAction.CREATE, "新增"), (RowAction.UNCHANGED, "已登记过（无变化）"))
    result_template = "funds/_import_result.html"
    url_names = own_url_names("funds:import", "funds:import")

    def parse(self, user, sheets, unit, options):
        parsed = parse_funds(sheets)
        label = {name: header_key(column.header) for name, column in parsed.header.columns.items()}
        resolve_funds(user, unit, parsed.rows, label)
        return parsed

    def decorate(self, rows):
        projects = Project.objects.in_bulk([row.project_id for row in rows if row.project_id])
        for row in rows:
            row.project = projects.get(row.project_id)

    def cell(self, row, name):
        values = row.values
        if name == "name":
            project = getattr(row, "project", None)
            if project:
                return Cell(project.name, sub=project.code)
            return values.get("name") or values.get("code") or "—"
        if name == "kind":
            return FundsKind(values["kind"]).label if values.get("kind") else ""
        if name == "source":
            label = FundsSource(values["source"]).label if values.get("source") else ""
            return Cell(label, sub=values.get("source_region", ""))
        return super().cell(row, name)

    def summary(self, preview):
        # Exact, as text: the money the committed rows bring (万元), for the result page.
        amount = sum((row.values["amount"] for row in preview.rows if row.action == RowAction.CREATE), Decimal(0))
        return {"create_amount": f"{amount.normalize():f}"}

    def figures(self, summary) -> list[tuple[str, str, str]]:
        return [("新增金额（万元）", summary.get("create_amount", "0"), "amount")]

    def describe(self, batch, excluded):
        summary = batch.summary
        return (
            f"导入完成：新增 {summary['create']} 笔，合计 {summary['create_amount']} 万元；"
            f"无变化 {summary['unchanged']} 笔，排除 {excluded} 行。"
        )

    def save(self, user, batch, todo):
        created_ids = []
        for row in todo:
            values = row.values
            tranche = FundsTranche(
                project_id=row.project_id,
                date=values["date"],
                amount=values["amount"],
                kind=values["kind"],
                amount_usd=values.get("amount_usd"),
                source=values["source"],
                source_region=values.get("source_region", ""),
                voucher_no=values.get("voucher_no", ""),
                note=values.get("note", ""),
                submitted_by=user,
            )
            validate_tranche(tranche)
            tranche.save()
            created_ids.append(tranche.pk)
            if batch.mark_verified:
                verify_tranche(user, tranche, by_import=True)
        return {"created_ids": created_ids}

    def result_context(self, request, batch):
        created_ids = batch.summary.get("created_ids", [])
        tranches = list(
            FundsTranche.objects.restrict(request.user)
            .filter(pk__in=created_ids[:RESULT_LIMIT])
            .select_related("project", "project__responsible_unit")
            .order_by("date", "id")
        )
        return {"tranches": tranches, "more": max(0, len(created_ids) - len(tranches))}


FUNDS = register(FundsImport())
RESULT_LIMIT = 500


def preview_funds(
    user, data: bytes, filename: str, scope_unit, *, mark_verified: bool = False, store: bool = True
) -> Preview:
    return preview_import(FUNDS, user, data, filename, scope_unit, mark_verified=mark_verified, store=store)


def commit_funds(user, batch: ImportBatch, *, exclude_rows=()) -> Preview:
    return commit_import(FUNDS, user, batch, exclude_rows=exclude_rows)
