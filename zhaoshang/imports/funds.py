"""The funds-in-place ledger (到位资金明细): parse, match each tranche to its project,
preview, commit all-or-nothing. Same shape as the project ledger pipeline."""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.limits import field_limit_problems
from zhaoshang.core.models import AuditLog
from zhaoshang.core.parsing import ParseError, normalise_text, parse_amount_wan, parse_date
from zhaoshang.funds.choices import FundsKind, FundsSource
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import validate_tranche, verify_tranche
from zhaoshang.imports.choices import ImportKind, ImportStatus, RowAction
from zhaoshang.imports.headers import header_key, locate_header
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.reading import Sheet, read_workbook
from zhaoshang.imports.services import ImportRefused, check_upload_size
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
class FundsRow:
    number: int
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    action: str = ""
    project_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [f"第{self.number}行 {label}：{reason}" for label, reason in self.errors.items()]


def parse_source(text: str) -> tuple[str, str]:
    """ "宁波（省外）" → (outside_province, "宁波"); "境外" → (abroad, "")."""
    text = normalise_text(text)
    for word, source in SOURCE_WORDS.items():
        if word in text:
            region = re.sub(r"[(（\[]?\s*" + word + r"\s*[)）\]]?", "", text).strip(" -—、")
            return source, region
    raise ParseError(f"无法识别的资金来源「{text}」，应为市外、省外或境外")


def parse_funds(sheets: list[Sheet]) -> tuple[list[FundsRow], dict]:
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
    return rows, label


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


@dataclass
class FundsPreview:
    batch: ImportBatch
    rows: list[FundsRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def error_rows(self) -> list[FundsRow]:
        return [row for row in self.rows if row.errors]

    def messages(self) -> list[str]:
        return [message for row in self.error_rows for message in row.messages()]

    def create_amount(self) -> Decimal:
        """Σ 到位金额 (万元) of the rows that a commit adds."""
        return sum((row.values["amount"] for row in self.rows if row.action == RowAction.CREATE), Decimal(0))


def _check(user, scope_unit, mark_verified: bool) -> None:
    if not FundsTranche.access.allows(user, Action.ADD):
        raise PermissionDenied("您没有导入到位资金的权限。")
    if user.role == "officer" and not scope_unit.is_within(user.unit):
        raise PermissionDenied("只能为本单位或下级单位导入。")
    if mark_verified and not FundsTranche.access.allows(user, Action.VERIFY):
        raise PermissionDenied("只有招商局可以在导入时确认审核通过。")


def preview_funds(
    user, data: bytes, filename: str, scope_unit, *, mark_verified: bool = False, store: bool = True
) -> FundsPreview:
    _check(user, scope_unit, mark_verified)
    check_upload_size(data)
    rows, label = parse_funds(read_workbook(data, filename))
    resolve_funds(user, scope_unit, rows, label)
    batch = ImportBatch(
        kind=ImportKind.FUNDS,
        unit=scope_unit,
        original_name=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mark_verified=mark_verified,
        created_by=user,
        created_at=timezone.now(),
    )
    preview = FundsPreview(batch, rows)
    batch.summary = _summary(preview)
    batch.status = ImportStatus.REFUSED if preview.error_rows else ImportStatus.PREVIEWED
    if store:
        batch.file.save(batch.sha256, ContentFile(data), save=False)
        batch.save()
    return preview


def _summary(preview: FundsPreview) -> dict:
    return {
        "rows": len(preview.rows),
        "create": preview.count(RowAction.CREATE),
        "unchanged": preview.count(RowAction.UNCHANGED),
        "errors": len(preview.error_rows),
        "messages": preview.messages()[:200],
        # Exact, as text: the money the committed rows bring (万元), for the result page.
        "create_amount": str(preview.create_amount()),
    }


@transaction.atomic
def commit_funds(user, batch: ImportBatch, *, exclude_rows=()) -> FundsPreview:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ImportStatus.COMMITTED:
        raise ValidationError("该批次已导入，不能重复提交。")
    _check(user, batch.unit, batch.mark_verified)
    with batch.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise ValidationError("导入文件已损坏或被替换，请重新上传。")
    rows, label = parse_funds(read_workbook(data, batch.original_name))
    resolve_funds(user, batch.unit, rows, label)
    excluded = {int(number) for number in exclude_rows}
    blocking = [row for row in rows if row.errors and row.number not in excluded]
    if blocking:
        raise ImportRefused([message for row in blocking for message in row.messages()])
    created_ids = []
    for row in rows:
        if row.number in excluded:
            row.action = RowAction.EXCLUDED
            continue
        if row.action != RowAction.CREATE:
            continue
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
    preview = FundsPreview(batch, rows)
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.excluded_rows = sorted(excluded)
    batch.summary = _summary(preview) | {"created_ids": created_ids}
    batch.save()
    AuditLog.record(
        AuditAction.IMPORT,
        batch,
        detail=f"导入到位资金「{batch.original_name}」：新增 {batch.summary['create']} 笔，无变化 {batch.summary['unchanged']} 笔"
        + ("；导入时确认审核通过" if batch.mark_verified else ""),
    )
    return preview
