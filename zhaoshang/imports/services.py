"""The import pipeline: read → find header → parse → resolve units and matches → preview
→ commit all-or-nothing.

``preview_ledger`` parses and stores the file; ``commit_ledger`` parses the stored file
again inside one transaction and refuses the whole file if any row not explicitly
excluded has an error. A row that matches an existing project updates it; a row with
nothing new changes nothing, so importing the same file twice is harmless.
"""

import gc
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.imports.choices import ImportKind, ImportStatus, RowAction
from zhaoshang.imports.headers import header_key
from zhaoshang.imports.ledger import LedgerRow, ParsedLedger, parse_ledger
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.reading import read_workbook, sheets_from_json, sheets_to_json
from zhaoshang.projects.choices import STAGE_ORDER, Stage, Verification
from zhaoshang.projects.duplicates import normalise_project_name
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.projects.services import (
    create_projects_bulk,
    prepare_updates,
    projects_recomputed_together,
    update_projects_bulk,
    verify_event,
)
from zhaoshang.reference.services import industry_lookup
from zhaoshang.relations.models import Company
from zhaoshang.relations.normalise import normalise_company_name
from zhaoshang.relations.services import (
    FOREIGN_CODE_NOTE,
    FOREIGN_CONTACT_NOTE,
    companies_for,
    company_key,
    import_contacts,
    unmaintained_companies,
)

logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """The file as a whole cannot be committed; ``messages`` say why, row by row."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("；".join(messages[:5]))


# Project fields a ledger row may set, and how they compare with the stored project.
PROJECT_FIELDS = (
    "name",
    "total_investment",
    "fixed_asset_investment",
    "foreign_investment_usd",
    "land_mu",
    "stage",
    "signed_on",
    "registered_on",
    "started_on",
    "production_on",
    "agreed_start_on",
    "site",
    "responsible_leader",
    "officer_in_charge",
    "leading_industry",
    "chain_tag",
    "promotion_method",
    "construction_nature",
    "description",
    "remarks",
)


# --- Units ------------------------------------------------------------------------------------


def unit_index(user, scope_unit: Unit) -> dict[str, Unit]:
    """Every way a unit of ``scope_unit``'s subtree may be written, to the unit."""
    index: dict[str, Unit] = {}
    units = Unit.objects.restrict(user).subtree(scope_unit).filter(active=True)
    for unit in units:
        for name in [unit.name, unit.short_name, unit.code, *unit.aliases]:
            key = header_key(name)
            if key:
                index.setdefault(key, unit)
    return index


# --- Matching rows to projects ----------------------------------------------------------------


@dataclass
class ProjectIndex:
    """Stored projects a ledger row may update: by code, or by investor (credit code or
    normalised name) and normalised project name.

    Names are kept raw per investor and normalised only for the investors a ledger names:
    a city's index holds tens of thousands of projects and normalising them all was most
    of an import's preview."""

    by_code: dict[str, int] = field(default_factory=dict)
    by_uscc: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    by_investor: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def find(self, values: dict) -> int | None:
        if values.get("code") and values["code"] in self.by_code:
            return self.by_code[values["code"]]
        name = normalise_project_name(values.get("name", ""))
        if values.get("uscc"):
            found = self._named(self.by_uscc.get(values["uscc"]), name)
            if found is not None:
                return found
        investor = normalise_company_name(values.get("investor", ""))
        if investor:
            return self._named(self.by_investor.get(investor), name)
        return None

    @staticmethod
    def _named(candidates, name: str) -> int | None:
        for pk, stored_name in candidates or ():
            if normalise_project_name(stored_name) == name:
                return pk
        return None


def project_index(user, scope_unit: Unit, ledger_rows: list[LedgerRow]) -> ProjectIndex:
    """The stored projects of ``scope_unit``'s subtree that rows of this ledger can match:
    those with a code the ledger names, or whose investor it names (by credit code or
    normalised name). ``ProjectIndex.find`` matches on nothing else, so the answer is the
    same as indexing every project of the subtree, which for a county of a province took
    0.6 s (70,000 projects) in both the preview and the commit."""
    index = ProjectIndex()
    codes = {row.values.get("code") for row in ledger_rows} - {None, ""}
    usccs = {row.values.get("uscc") for row in ledger_rows} - {None, ""}
    investors = {normalise_company_name(row.values.get("investor", "")) for row in ledger_rows} - {""}
    # The investors' ids first, as a list: as a subquery PostgreSQL probes them project by project.
    named = {
        *Company.objects.filter(uscc__in=usccs).values_list("pk", flat=True),
        *Company.objects.filter(normalised_name__in=investors).values_list("pk", flat=True),
    }
    rows = (
        Project.objects.restrict(user, Action.CHANGE)
        .filter(responsible_unit__path__startswith=scope_unit.path, merged_into__isnull=True)
        .filter(Q(code__in=codes) | Q(investor__in=named))
        .order_by("pk")
        .values_list("pk", "code", "name", "investor__uscc", "investor__normalised_name")
    )
    for pk, code, name, uscc, investor in rows:
        index.by_code[code] = pk
        if uscc:
            index.by_uscc.setdefault(uscc, []).append((pk, name))
        if investor:
            index.by_investor.setdefault(investor, []).append((pk, name))
    return index


def _industry_index() -> dict[str, int]:
    return industry_lookup()


def resolve(user, scope_unit: Unit, parsed: ParsedLedger) -> dict[int, Project]:
    """Units, industries, matches with stored projects, and what each row will do.
    Returns the stored projects the rows matched, as read (by id)."""
    units = unit_index(user, scope_unit)
    projects = project_index(user, scope_unit, parsed.rows)
    industries = _industry_index()
    label = parsed.column_label
    seen: dict[tuple, int] = {}
    for row in parsed.rows:
        row.project_id = projects.find(row.values)
    # Only the projects rows matched are loaded, not every project of the unit.
    matched = [row.project_id for row in parsed.rows if row.project_id]
    stored = {project.pk: project for project in Project.objects.filter(pk__in=matched).select_related("investor")}
    for row in parsed.rows:
        values = row.values
        for name in ("responsible_unit", "landing_unit"):
            text = values.pop(f"{name}_text", "")
            if text:
                unit = units.get(header_key(text))
                if unit is None:
                    row.errors.setdefault(label(name), f"未知单位「{text}」")
                values[name] = unit
            elif name == "responsible_unit":
                values[name] = scope_unit
        industry_text = values.pop("industry", "")
        values["industry_text"] = industry_text
        values["industry_id"] = industries.get(header_key(industry_text)) if industry_text else None

        identity = (
            values.get("uscc") or normalise_company_name(values.get("investor", "")),
            normalise_project_name(values.get("name", "")),
        )
        if values.get("name") and identity in seen:
            row.errors.setdefault(label("name"), f"与第{seen[identity]}行是同一项目（投资方与项目名称相同）")
        elif values.get("name"):
            seen[identity] = row.number

        if row.errors:
            row.action = RowAction.ERROR
            continue
        if row.project_id is None:
            row.action = RowAction.CREATE
            continue
        project = stored[row.project_id]
        if STAGE_ORDER.get(values["stage"], 99) < STAGE_ORDER.get(project.stage, -1):
            row.errors[label("stage")] = (
                f"台账阶段「{Stage(values['stage']).label}」早于系统中的「{project.get_stage_display()}」"
            )
            row.action = RowAction.ERROR
            continue
        row.changes = _changes(project, values)
        row.action = RowAction.UPDATE if row.changes else RowAction.UNCHANGED
    _note_foreign_companies(user, parsed.rows)
    return stored


def _note_foreign_companies(user, rows: list[LedgerRow]) -> None:
    """Rows naming a company another unit maintains: the commit links it but leaves its
    credit code and contacts alone (relations.services), and the preview says so."""
    todo = [row for row in rows if row.action in (RowAction.CREATE, RowAction.UPDATE)]
    pairs = [(row.values.get("investor", ""), row.values.get("uscc", "")) for row in todo]
    foreign = unmaintained_companies(user, pairs)
    for row, (name, uscc) in zip(todo, pairs, strict=True):
        company = foreign.get(company_key(name, uscc))
        if company is None:
            continue
        if uscc and not company.uscc:
            row.notes.append(FOREIGN_CODE_NOTE)
        if row.values.get("contact_name"):
            row.notes.append(FOREIGN_CONTACT_NOTE)


def _changes(project: Project, values: dict) -> dict:
    changes = {}
    for name in PROJECT_FIELDS:
        if name not in values:
            continue
        new = values[name]
        if new in (None, "") and name not in ("stage",):
            continue  # a blank cell never erases what the library knows
        old = getattr(project, name)
        if old != new:
            changes[name] = [old, new]
    for name in ("responsible_unit", "landing_unit"):
        unit = values.get(name)
        if unit is not None and getattr(project, f"{name}_id") != unit.pk:
            changes[name] = [str(getattr(project, name) or ""), str(unit)]
    if values.get("industry_id") and project.industry_id != values["industry_id"]:
        changes["industry"] = [project.industry_id, values["industry_id"]]
    return changes


# --- Preview and commit ------------------------------------------------------------------------


@dataclass
class LedgerPreview:
    batch: ImportBatch
    parsed: ParsedLedger

    @property
    def rows(self) -> list[LedgerRow]:
        return self.parsed.rows

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def error_rows(self) -> list[LedgerRow]:
        return [row for row in self.rows if row.errors]

    def messages(self) -> list[str]:
        return [message for row in self.error_rows for message in row.messages()]


def _check_can_import(user, scope_unit: Unit, mark_verified: bool) -> None:
    if not Project.access.allows(user, Action.ADD):
        raise PermissionDenied("您没有导入项目台账的权限。")
    if not Unit.objects.restrict(user).filter(pk=scope_unit.pk).exists():
        raise PermissionDenied("导入单位不在您的管理范围内。")
    if user.role == "officer" and not scope_unit.is_within(user.unit):
        raise PermissionDenied("只能为本单位或下级单位导入台账。")
    if mark_verified and not Project.access.allows(user, Action.VERIFY):
        raise PermissionDenied("只有招商局可以在导入时确认审核通过。")


def check_upload_size(data: bytes) -> None:
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"文件过大：{len(data) / 1048576:.1f} MB，上限为 {settings.UPLOAD_MAX_BYTES // 1048576} MB。"
        )


def preview_ledger(
    user, data: bytes, filename: str, scope_unit: Unit, *, mark_verified: bool = False, store: bool = True
) -> LedgerPreview:
    """Parse a ledger and say what importing it would do. Writes nothing but the batch."""
    _check_can_import(user, scope_unit, mark_verified)
    check_upload_size(data)
    sheets = read_workbook(data, filename)
    parsed = parse_ledger(sheets)
    resolve(user, scope_unit, parsed)
    now = timezone.now()
    batch = ImportBatch(
        kind=ImportKind.LEDGER,
        unit=scope_unit,
        original_name=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mark_verified=mark_verified,
        created_by=user,
        created_at=now,
    )
    preview = LedgerPreview(batch, parsed)
    batch.summary = _summary(preview)
    batch.status = ImportStatus.REFUSED if preview.error_rows else ImportStatus.PREVIEWED
    if store:
        batch.file.save(f"{batch.sha256}", ContentFile(data), save=False)
        batch.save()
        batch.file.storage.save(_sheets_name(batch), ContentFile(sheets_to_json(sheets, batch.sha256)))
    return preview


def _sheets_name(batch: ImportBatch) -> str:
    return f"{batch.file.name}.sheets.json"


def batch_sheets(batch: ImportBatch, data: bytes):
    """The upload's cells: the copy kept at preview if it is there and matches, else read anew."""
    storage = batch.file.storage
    name = _sheets_name(batch)
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            sheets = sheets_from_json(handle.read(), batch.sha256)
        if sheets is not None:
            return sheets
    return read_workbook(data, batch.original_name)


def _summary(preview: LedgerPreview) -> dict:
    return {
        "sheet": preview.parsed.sheet_name,
        "rows": len(preview.rows),
        "create": preview.count(RowAction.CREATE),
        "update": preview.count(RowAction.UPDATE),
        "unchanged": preview.count(RowAction.UNCHANGED),
        "errors": len(preview.error_rows),
        "excluded": preview.count(RowAction.EXCLUDED),
        "messages": preview.messages()[:200],
    }


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused for the length of a commit.

    A 10,000-row commit builds some 300,000 objects (model instances, their audit
    snapshots, parsed rows) that all stay alive until it ends; every full collection walks
    all of them again, and the collector ran ten of those per commit: 1.3–2 s of about
    10 s, measured on SQLite and PostgreSQL alike. Reference counting still frees
    everything else at once; the few cycles left behind (≈ 30 MB) are collected when the
    block ends. The switch is process-wide: it is put back as it was found (a block inside
    another leaves the collector off until the outer one ends). So it is used in the job
    worker only (``imports.jobs.commit_job``), where no other request shares the process;
    the small files that commit in a request do not need it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def commit_ledger(user, batch: ImportBatch, *, exclude_rows: list[int] | tuple = ()) -> LedgerPreview:
    """Import every row of the batch's file, or nothing.

    Rows listed in ``exclude_rows`` (sheet row numbers) are left out on purpose; any other
    row with an error refuses the whole file with the reasons.

    The file is read, parsed, matched with stored projects and compared with them before
    the transaction begins, so the write lock (all of SQLite's database) is held only while
    the rows are written: other users keep saving during the reading, which for 10,000 rows
    is most of the time. The transaction then checks that nothing the comparison read has
    moved since (``_write_ledger``).
    """
    batch = ImportBatch.objects.get(pk=batch.pk)
    _refuse_committed(batch)
    _check_can_import(user, batch.unit, batch.mark_verified)
    with batch.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise ValidationError("导入文件已损坏或被替换，请重新上传。")
    sheets = batch_sheets(batch, data)
    excluded = {int(number) for number in exclude_rows}
    plan = _plan_commit(user, batch, sheets, excluded)
    return _write_ledger(user, batch, sheets, excluded, plan)


def _refuse_committed(batch: ImportBatch) -> None:
    if batch.status == ImportStatus.COMMITTED:
        raise ValidationError("该批次已导入，不能重复提交。如需再次导入，请重新上传文件。")


@dataclass
class _CommitPlan:
    """What a commit will write, worked out before its transaction."""

    parsed: ParsedLedger
    stored: dict[int, Project]  # the stored projects rows matched, as read
    edited: list[Project]  # the updated projects, the row's values set on them
    prepared: dict[int, list[str]]  # projects.services.prepare_updates of them
    last_project: int  # the newest project's id when the rows were matched


def _plan_commit(user, batch: ImportBatch, sheets, excluded: set[int]) -> _CommitPlan:
    """Parse and resolve the batch's rows, and check and compare the updates (the whole file
    refused if a row not excluded has an error)."""
    last_project = Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    parsed = parse_ledger(sheets)
    stored = resolve(user, batch.unit, parsed)
    for row in parsed.rows:
        if row.number in excluded:
            row.action = RowAction.EXCLUDED
    blocking = [row for row in parsed.rows if row.errors and row.number not in excluded]
    if blocking:
        raise ImportRefused([message for row in blocking for message in row.messages()])
    edited = []
    for row in parsed.rows:
        if row.action == RowAction.UPDATE:
            project = stored[row.project_id]
            _apply(project, row.values, creating=False)
            edited.append(project)
    return _CommitPlan(parsed, stored, edited, prepare_updates(edited), last_project)


def _moved_since(plan: _CommitPlan) -> bool:
    """Whether another user changed what the plan read: a matched project saved (its
    version raised; every workflow that changes a project raises it) or a project created,
    which a row might now match."""
    if Project.objects.filter(pk__gt=plan.last_project).exists():
        return True
    versions: dict[int, int] = {}
    ids = list(plan.stored)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        versions.update(Project.objects.filter(pk__in=chunk, merged_into__isnull=True).values_list("pk", "version"))
    return any(versions.get(pk) != project.version for pk, project in plan.stored.items())


@transaction.atomic
def _write_ledger(user, batch, sheets, excluded: set[int], plan: _CommitPlan) -> LedgerPreview:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _refuse_committed(batch)  # a second commit of the same batch, run meanwhile
    if _moved_since(plan):
        # Rare: someone saved or created a project while the file was read. Read it again
        # inside the transaction, as the whole commit once did, so that the import applies
        # to the projects as they are now.
        plan = _plan_commit(user, batch, sheets, excluded)
    parsed = plan.parsed
    preview = LedgerPreview(batch, parsed)

    todo = [row for row in parsed.rows if row.action in (RowAction.CREATE, RowAction.UPDATE)]
    companies = companies_for(
        user, [(row.values.get("investor", ""), row.values.get("uscc", "")) for row in todo], batch.unit
    )

    def investor_of(row):
        return companies.get(company_key(row.values.get("investor", ""), row.values.get("uscc", "")))

    # New projects in bulk (with their audit rows); a 10,000-row ledger is mostly new rows.
    creating = [row for row in todo if row.action == RowAction.CREATE]
    new_projects = []
    for row in creating:
        project = Project(investor=investor_of(row))
        _apply(project, row.values, creating=True)
        new_projects.append(project)
    create_projects_bulk(user, new_projects, verified=batch.mark_verified)
    for row, project in zip(creating, new_projects, strict=True):
        row.project_id = project.pk
    # Updates in bulk too: each changed project gets its version raised and its own
    # before/after audit row, as a save would give it; the roll-up of the updated projects
    # is brought up to date once, verifications included.
    edited, prepared = plan.edited, plan.prepared
    given = []  # projects that get the investor the row names (they had none)
    for row in todo:
        if row.action == RowAction.UPDATE:
            project, investor = plan.stored[row.project_id], investor_of(row)
            if investor and not project.investor_id:
                project.investor = investor
                given.append(project)
    prepared = {**prepared, **prepare_updates(given)}
    with projects_recomputed_together(project.pk for project in edited):
        update_projects_bulk(user, edited, prepared=prepared)
        if batch.mark_verified:
            waiting = StageEvent.objects.filter(
                project_id__in=[project.pk for project in edited], status=Verification.SUBMITTED
            )
            for event in waiting.order_by("project_id", "pk"):
                verify_event(user, event, by_import=True)
    import_contacts(user, [(investor_of(row), row.values) for row in todo])
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.excluded_rows = sorted(excluded)
    batch.summary = {
        **_summary(preview),
        # The result page lists what this import created and changed, with links.
        "created_ids": [row.project_id for row in parsed.rows if row.action == RowAction.CREATE],
        "updated_ids": [row.project_id for row in parsed.rows if row.action == RowAction.UPDATE],
    }
    batch.save()
    if len(todo) >= 1000:
        # Thousands of new rows at once: let SQLite refresh its planner statistics, or it
        # may keep choosing plans made for a smaller table (PostgreSQL's autovacuum does this).
        transaction.on_commit(refresh_planner_statistics)
    AuditLog.record(
        AuditAction.IMPORT,
        batch,
        detail=(
            f"导入项目台账「{batch.original_name}」：新增 {batch.summary['create']} 个，更新 {batch.summary['update']} 个，"
            f"无变化 {batch.summary['unchanged']} 个，排除 {len(excluded)} 行"
            + ("；导入时确认审核通过" if batch.mark_verified else "")
        ),
    )
    return preview


def refresh_planner_statistics() -> None:
    """``PRAGMA optimize`` after a large commit, never an error for it.

    It runs after the commit, which is already acknowledged: if another writer holds the
    lock (or anything else goes wrong) the statistics wait for the next large import, and
    the user is not told that a saved import failed. It does not wait out the busy timeout
    either: the lock is tried once and given up."""
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (waited,) = cursor.fetchone()
            cursor.execute("PRAGMA busy_timeout = 0")
            try:
                cursor.execute("PRAGMA optimize")
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")
    except DatabaseError:
        logger.warning("PRAGMA optimize after an import skipped", exc_info=True)


def _apply(project: Project, values: dict, *, creating: bool) -> None:
    for name in PROJECT_FIELDS:
        if name in values and (creating or values[name] not in (None, "")):
            value = values[name]
            if value is None and project._meta.get_field(name).null is False:
                value = ""
            setattr(project, name, value)
    for name in ("responsible_unit", "landing_unit"):
        if values.get(name) is not None:
            setattr(project, name, values[name])
    if values.get("industry_id"):
        project.industry_id = values["industry_id"]
    if values.get("industry_text"):
        project.industry_text = values["industry_text"]
