"""What one kind of import declares, and the registry the generic pages read.

An ``ImportSpec`` says what is special about one sheet: its title, who may bring it, how
a row is parsed and matched against the database, what the preview shows of a row, and
how the rows to import are saved. Everything else — reading the file, storing the batch,
the preview counts and pages, the error workbook, the all-or-nothing commit (in the
request or as a job), the result page — is written once (``pipeline``, ``generic``).

A spec is registered under its ``kind`` (the value stored on ``ImportBatch.kind`` and the
slug of its generic URLs) by a module ``import_specs`` of its app, found at start-up
(``ImportsConfig.ready``), or by ``register`` directly.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.jobs import JobKind
from zhaoshang.core.parsing import header_key, normalise_text
from zhaoshang.imports.choices import RowAction
from zhaoshang.imports.headers import HeaderMatch, locate_header


class ImportRefused(ValueError):
    """The file as a whole cannot be committed; ``messages`` say why, row by row."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("；".join(messages[:5]))


@dataclass
class Row:
    """One data row of a sheet. A spec may use its own row class with these attributes."""

    number: int  # the row number in the sheet, as the clerk sees it (1-based)
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # column label (or field) → reason
    action: str = ""  # a RowAction
    notes: list[str] = field(default_factory=list)  # said on the preview, not errors

    def messages(self) -> list[str]:
        return [f"第{self.number}行 {label}：{reason}" for label, reason in self.errors.items()]


@dataclass
class Parsed:
    """A parsed sheet: its rows and where its header is (for the error workbook)."""

    sheet_name: str
    header: HeaderMatch | None
    rows: list
    # The label an error of a field is filed under when the sheet has no such column.
    fallback_labels: dict[str, str] = field(default_factory=dict)
    by_field: bool = False  # rows' errors are keyed by field name, not by the column's header

    def column_label(self, field_name: str) -> str:
        if self.by_field:
            return field_name
        column = self.header.columns.get(field_name) if self.header else None
        return header_key(column.header) if column else self.fallback_labels.get(field_name, field_name)

    def error_columns(self) -> dict[str, int]:
        """Error key → 0-based column of the sheet, to mark the bad cell in the error workbook."""
        if self.header is None:
            return {}
        return {self.column_label(name): column.index for name, column in self.header.columns.items()}


@dataclass
class Preview:
    """What importing a batch's file does, row by row."""

    batch: object  # ImportBatch
    parsed: Parsed

    @property
    def rows(self) -> list:
        return self.parsed.rows

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def error_rows(self) -> list:
        return [row for row in self.rows if row.errors]

    def messages(self) -> list[str]:
        return [message for row in self.error_rows for message in row.messages()]


def shown(value) -> str:
    """A parsed value as a preview shows it: 万元 without trailing zeros, ISO dates, a name."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


@dataclass(frozen=True)
class Cell:
    """A preview cell: its text, a second line in grey, right-aligned if a number."""

    text: str = ""
    sub: str = ""
    number: bool = False


def find_sheet(sheets: list, synonyms: dict, required: tuple, missing: str):
    """The sheet whose header names the most known columns, with its header; ValueError
    (``missing``, in Chinese) if no sheet has the required columns."""
    best = None
    for sheet in sheets:
        match = locate_header(sheet.rows, synonyms, required=required)
        if match and (best is None or len(match.columns) > len(best[1].columns)):
            best = (sheet, match)
    if best is None:
        raise ValueError(missing)
    return best


TOTAL_ROW = ("合计", "总计", "小计", "填报人", "审核人", "制表")


def data_rows(sheet, header: HeaderMatch):
    """(sheet row number, {field: cell}) for each data row under the header; blank rows
    and total or signature lines are left out."""
    for offset, raw in enumerate(sheet.rows[header.data_start :]):
        texts = [normalise_text(cell).replace(" ", "") for cell in raw if cell is not None]
        texts = [text for text in texts if text]
        if not texts or texts[0].startswith(TOTAL_ROW):
            continue
        cells = {
            name: raw[column.index] if column.index < len(raw) else None for name, column in header.columns.items()
        }
        yield header.data_start + offset + 1, cells


COUNT_WORDS = ((RowAction.CREATE, "新增"), (RowAction.UPDATE, "更新"), (RowAction.UNCHANGED, "无变化"))


class ImportSpec:
    """The declarations of one import. Subclass, set the attributes, write ``parse`` and
    ``save``; the rest has defaults that fit most sheets."""

    kind: str = ""  # ImportBatch.kind, and the slug of the generic URLs
    title: str = ""  # 项目台账: the pages say 导入项目台账
    noun: str = "行"  # what the counts are in: 个 (projects), 笔 (tranches), 条
    model = None  # whose access rule says who may import …
    action: str = Action.ADD  # … with this action
    refused_message: str = ""  # why a user without that right is refused (default from title)
    form_class = None  # the upload form (default imports.forms.UploadForm)
    per_unit: bool = True  # the file is imported for a unit chosen on the form
    verify_on_import: bool = False  # who may verify may import the rows as verified at once
    exclusions: bool = True  # error rows may be left out on purpose; else any error refuses
    columns: tuple[tuple[str, str], ...] = ()  # the preview table: (field, heading)
    count_cards: tuple[tuple[str, str], ...] = (
        (RowAction.CREATE, "新增"),
        (RowAction.UPDATE, "更新"),
        (RowAction.UNCHANGED, "无变化"),
    )
    intro: str = ""  # the upload page's explanation
    preview_note: str = "金额已换算为万元。"
    option_names: tuple[str, ...] = ()  # form fields kept on the batch (in its summary) for the commit
    job_kind: str = JobKind.IMPORT
    result_template: str = ""  # what the result page lists under the counts
    # URL names of the steps, when the app keeps its own (upload, preview, commit, result, errors);
    # a step not named here is served by the generic imports:<step> with this spec's kind.
    url_names: dict[str, str] = {}

    # --- Who may import -----------------------------------------------------------------

    def allows(self, user) -> bool:
        """Whether the import pages open at all for this user."""
        return self.model.access.allows(user, self.action)

    def check(self, user, unit: Unit, *, mark_verified: bool = False) -> None:
        """Raise PermissionDenied with the reason in Chinese; checked at preview and at commit."""
        if not self.allows(user):
            raise PermissionDenied(self.refused_message or f"您没有导入{self.title}的权限。")
        if not Unit.objects.restrict(user).filter(pk=unit.pk).exists():
            raise PermissionDenied("导入单位不在您的管理范围内。")
        if user.role == "officer" and not unit.is_within(user.unit):
            raise PermissionDenied("只能为本单位或下级单位导入。")
        if mark_verified and not self.model.access.allows(user, Action.VERIFY):
            raise PermissionDenied("只有招商局可以在导入时确认审核通过。")

    def batch_unit(self, user, unit: Unit | None) -> Unit:
        """The unit the batch belongs to (its scope): the chosen one, else the user's top unit."""
        if unit is not None:
            return unit
        return Unit.objects.restrict(user).filter(parent__isnull=True).order_by("path").first() or user.unit

    # --- Parsing and saving -------------------------------------------------------------
    # A spec writes ``parse_row``, ``resolve`` and ``save``; or, for a sheet of its own
    # shape (several layouts, merged headers), ``parse`` whole and ``save``.

    synonyms: dict[str, list[str]] = {}  # field → the words a header may use for it (imports.headers)
    required: tuple[str, ...] = ()  # fields without which a sheet is not this kind of sheet

    def parse(self, user, sheets: list, unit: Unit, options: dict) -> Parsed:
        """Find the header, parse every row, match it against the database and set each
        row's action (RowAction) and errors. Raise ValueError (in Chinese) if the sheet is
        not this kind of sheet at all."""
        words = "、".join(f"「{self.synonyms[name][0]}」" for name in self.required)
        sheet, header = find_sheet(sheets, self.synonyms, self.required, f"未找到{self.title}表头：需要{words}列。")
        parsed = Parsed(sheet.name, header, [])
        for number, cells in data_rows(sheet, header):
            row = Row(number)
            self.parse_row(row, cells, parsed.column_label)
            parsed.rows.append(row)
        self.resolve(user, unit, parsed)
        for row in parsed.rows:
            if row.errors:
                row.action = RowAction.ERROR
        return parsed

    def parse_row(self, row: Row, cells: dict, label) -> None:
        """Fill ``row.values`` from the row's cells ({field: cell}); file each problem as
        ``row.errors[label(field)] = "中文原因"``."""
        raise NotImplementedError

    def resolve(self, user, unit: Unit, parsed: Parsed) -> None:
        """Match the rows with what is stored: set each row's action (新增/更新/无变化) and
        the errors only the database can tell (the same thing twice in one file …)."""
        raise NotImplementedError

    def save(self, user, batch, rows: list) -> dict:
        """Save the rows to import (create or update), inside the commit's transaction.
        Return what the result page needs (kept in the batch's summary), e.g. the new ids."""
        raise NotImplementedError

    # A spec whose commit is costly to work out (thousands of stored rows compared) sets
    # ``plans_ahead``: the pipeline then parses, resolves and calls ``plan`` BEFORE the
    # transaction, so the write lock is held only while the rows are written, and inside it
    # asks ``moved_since(plan)``; if something moved it works everything out again there.
    plans_ahead = False

    def plan(self, user, batch, preview, rows: list):
        """What ``save_planned`` will need, worked out before the transaction."""
        return None

    def moved_since(self, plan) -> bool:
        """Whether the data the plan was made from has changed since (then it is redone)."""
        return True

    def save_planned(self, user, batch, rows: list, plan) -> dict:
        """``save`` with the plan made for these rows (default: the plan is not needed)."""
        return self.save(user, batch, rows)

    # --- What the pages say -------------------------------------------------------------

    def cell(self, row, name: str):
        """A preview cell of a row: a str or a Cell (numbers are right-aligned)."""
        value = row.values.get(name)
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return Cell(shown(value), number=True)
        return shown(value)

    def decorate(self, rows: list) -> None:
        """Called with the rows of one preview page before they are shown: look up what the
        page needs at once (names of matched objects), set ``row.change_list`` — what an
        update changes, as (field label, old, new) in Chinese."""

    def summary(self, preview: Preview) -> dict:
        """Extra figures kept on the batch beside the counts (e.g. the amount)."""
        return {}

    def figures(self, summary: dict) -> list[tuple[str, str, str]]:
        """Cards shown beside the counts on the preview and the result: (label, value, key)."""
        return []

    def counts_text(self, summary: dict, excluded: int) -> str:
        """新增 3 个，更新 1 个，无变化 5 个，排除 1 行: the counts the spec shows, in words."""
        counts = {action: label for action, label in self.count_cards}
        parts = [f"{word} {summary.get(action, 0)} {self.noun}" for action, word in COUNT_WORDS if action in counts]
        if self.exclusions:
            parts.append(f"排除 {excluded} 行")
        return "，".join(parts)

    def describe(self, batch, excluded: int) -> str:
        """The sentence said after a commit (the message, and the job's result)."""
        return f"导入完成：{self.counts_text(batch.summary, excluded)}。"

    def audit_detail(self, batch, excluded: int) -> str:
        verified = "；导入时确认审核通过" if batch.mark_verified else ""
        return f"导入{self.title}「{batch.original_name}」：{self.counts_text(batch.summary, excluded)}{verified}"

    def result_context(self, request, batch) -> dict:
        """What ``result_template`` shows."""
        return {}

    # --- URLs ---------------------------------------------------------------------------

    def url(self, step: str, batch=None) -> str:
        name = self.url_names.get(step)
        args = [batch.pk] if batch is not None else []
        if name:
            return reverse(name, args=args)
        return reverse(f"imports:{step}", args=[self.kind, *args])

    def result_url(self, batch) -> str:
        """Where a committed batch is shown."""
        return self.url("result", batch)


STEPS = ("upload", "preview", "commit", "result", "errors")


def own_url_names(upload: str, prefix: str) -> dict[str, str]:
    """The URL names of an app that keeps its own: ``upload`` for the upload page,
    ``<prefix>_preview`` … for the others (``imports.generic.own_urls`` serves them)."""
    return {"upload": upload} | {step: f"{prefix}_{step}" for step in STEPS[1:]}


_REGISTRY: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    """Add a spec (an instance) to the generic pages; a second spec of a kind replaces the first."""
    if not spec.kind or len(spec.kind) > 20:
        raise ValueError("an import spec needs a kind of at most 20 characters")
    _REGISTRY[spec.kind] = spec
    return spec


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)


def spec_for(kind: str) -> ImportSpec | None:
    return _REGISTRY.get(kind)


def registered() -> list[ImportSpec]:
    return list(_REGISTRY.values())
