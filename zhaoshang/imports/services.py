"""The project ledger import: units, industries and stored projects matched to the rows
of a ledger, and the spec that saves them (``LedgerImport``) on the generic pipeline.

A row that matches an existing project updates it; a row with nothing new changes
nothing, so importing the same file twice is harmless.
"""

import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.jobs import JobKind
from zhaoshang.core.parsing import header_key
from zhaoshang.imports.choices import ImportKind, RowAction
from zhaoshang.imports.forms import LedgerUploadForm
from zhaoshang.imports.ledger import LedgerRow, parse_ledger
from zhaoshang.imports.ledger_columns import ledger_extensions
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.pipeline import commit_import, preview_import
from zhaoshang.imports.spec import ImportSpec, Parsed, Preview, own_url_names, register, shown
from zhaoshang.projects.choices import STAGE_ORDER, Stage, Verification
from zhaoshang.projects.duplicates import normalise_project_name
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.projects.services import (
    create_projects_bulk,
    prepare_updates,
    projects_recomputed_together,
    required_fields_problems,
    update_projects_bulk,
    verify_event,
)
from zhaoshang.reference.models import Industry
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

# Projects listed by name on the result page; the rest are counted.
RESULT_LIMIT = 500


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
    "landing_likelihood",
    "competitor_regions",
    "headquarters_kind",
    "lost_reason",
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


def resolve(user, scope_unit: Unit, parsed: Parsed) -> dict[int, Project]:
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
    for row in parsed.rows:
        if row.action in (RowAction.CREATE, RowAction.UPDATE):
            _check_required(row, stored.get(row.project_id), label)
    _note_foreign_companies(user, parsed.rows)
    for extension in ledger_extensions():
        extension.resolve(user, scope_unit, [row for row in parsed.rows if not row.errors], label)
    for row in parsed.rows:
        if row.errors:
            row.action = RowAction.ERROR
    return stored


def _check_required(row: LedgerRow, stored: Project | None, label) -> None:
    """What the stage asks of a project (a signed one needs its date and amount …), in the
    preview: the bulk create refuses it anyway, but then only as one message for the file.

    Checked on the fields the rule reads, as the commit will leave them (a blank cell keeps
    the stored value; a named investor is linked or created by the commit), not on a
    Project built per row: that cost 0.3–0.7 s for 10,000 rows, in the preview and again in
    the commit."""
    values = row.values

    def after(name):
        new = values.get(name)
        return getattr(stored, name) if stored is not None and new in (None, "") else new

    candidate = SimpleNamespace(
        stage=after("stage"),
        investor_id=values.get("investor") or (stored.investor_id if stored is not None else None),
        signed_on=after("signed_on"),
        total_investment=after("total_investment"),
        started_on=after("started_on"),
    )
    for name, reason in required_fields_problems(candidate).items():
        row.errors.setdefault(label(name), reason.rstrip("。"))
    if row.errors:
        row.action = RowAction.ERROR


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


# --- The spec: preview and commit ----------------------------------------------------------------


def _display(name: str, value, industries: dict) -> str:
    """A stored or parsed value as the preview shows it: 万元 without trailing zeros, ISO
    dates, stage labels, industry names."""
    if value in (None, ""):
        return "（空）"
    if name in ("stage", "verified_stage") and value in Stage.values:
        return Stage(value).label
    if name == "industry":
        return industries.get(value, str(value))
    return shown(value)


def _field_label(name: str) -> str:
    try:
        return str(Project._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a name that is not a model field is shown as is
        return name


@dataclass
class _CommitPlan:
    """What a ledger commit will write, worked out before its transaction."""

    stored: dict[int, Project]  # the stored projects rows matched, as read
    edited: list[Project]  # the updated projects, the row's values set on them
    prepared: dict[int, list[str]]  # projects.services.prepare_updates of them
    last_project: int  # the newest project's id when the rows were matched
    unchanged: list  # rows whose project stays as it is (extensions may still record something)


class LedgerImport(ImportSpec):
    kind = ImportKind.LEDGER
    title = "项目台账"
    noun = "个"
    model = Project
    refused_message = "您没有导入项目台账的权限。"
    form_class = LedgerUploadForm
    verify_on_import = True
    job_kind = JobKind.LEDGER_IMPORT
    intro = (
        "上传各单位现有的 Excel/WPS/CSV 台账。系统先逐行校验并预览，确认无误后一次性全部导入；"
        "有错误的行须修正或明确排除，不会只导入一部分。同一文件重复导入不会产生重复项目。"
    )
    columns = (
        ("name", "项目名称"),
        ("investor", "投资方"),
        ("total_investment", "协议总投资（万元）"),
        ("stage", "阶段"),
        ("signed_on", "签约"),
        ("started_on", "开工"),
        ("responsible_unit", "责任单位"),
    )
    result_template = "imports/_ledger_result.html"
    url_names = own_url_names("imports:ledger_upload", "imports:ledger")

    # The commit reads, parses and compares the rows before its transaction (pipeline
    # ``plans_ahead``): on SQLite the write lock is the whole database's, and a 6,000-row
    # update once held it for 46 s while other users' saves failed after the busy timeout.
    plans_ahead = True

    def parse(self, user, sheets, unit, options):
        # The newest project's id before the rows are matched: a project created after it
        # might be what a row should have matched (``moved_since``).
        last_project = Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        parsed = parse_ledger(sheets)
        parsed.stored = resolve(user, unit, parsed)
        parsed.last_project = last_project
        return parsed

    def plan(self, user, batch, preview, rows):
        """The updated projects with the rows' values set on them, checked and compared
        (``prepare_updates``) — the costly part, done before the transaction."""
        stored = preview.parsed.stored
        edited = []
        for row in rows:
            if row.action == RowAction.UPDATE:
                project = stored[row.project_id]
                _apply(project, row.values, creating=False)
                edited.append(project)
        unchanged = [row for row in preview.rows if row.action == RowAction.UNCHANGED]
        return _CommitPlan(stored, edited, prepare_updates(edited), preview.parsed.last_project, unchanged)

    def moved_since(self, plan) -> bool:
        """Whether another user changed what the plan read: a matched project saved (its
        version raised; every workflow that changes a project raises it) or a project
        created, which a row might now match."""
        if Project.objects.filter(pk__gt=plan.last_project).exists():
            return True
        versions: dict[int, int] = {}
        ids = list(plan.stored)
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            versions.update(Project.objects.filter(pk__in=chunk, merged_into__isnull=True).values_list("pk", "version"))
        return any(versions.get(pk) != project.version for pk, project in plan.stored.items())

    def cell(self, row, name):
        if name == "stage":
            return row.stage_label
        if name == "responsible_unit":
            unit = row.values.get(name)
            return unit.name if unit else ""
        return super().cell(row, name)

    def decorate(self, rows) -> None:
        """The industries an update changes, by name, for the rows of one page at once."""
        ids = {pair[i] for row in rows for name, pair in row.changes.items() if name == "industry" for i in (0, 1)}
        industries = dict(Industry.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
        for row in rows:
            row.change_list = [
                (_field_label(name), _display(name, old, industries), _display(name, new, industries))
                for name, (old, new) in row.changes.items()
            ]

    def save_planned(self, user, batch, todo, plan):
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
        # before/after audit row, as a save would give it; the roll-up of the updated
        # projects is brought up to date once, verifications included.
        updating = [row for row in todo if row.action == RowAction.UPDATE]
        given = []  # projects that get the investor the row names (they had none)
        for row in updating:
            project, investor = plan.stored[row.project_id], investor_of(row)
            if investor and not project.investor_id:
                project.investor = investor
                given.append(project)
        prepared = {**plan.prepared, **prepare_updates(given)}
        with projects_recomputed_together(project.pk for project in plan.edited):
            update_projects_bulk(user, plan.edited, prepared=prepared)
            if batch.mark_verified:
                waiting = StageEvent.objects.filter(
                    project_id__in=[project.pk for project in plan.edited], status=Verification.SUBMITTED
                )
                for event in waiting.order_by("project_id", "pk"):
                    verify_event(user, event, by_import=True)
        import_contacts(user, [(investor_of(row), row.values) for row in todo])
        for extension in ledger_extensions():
            extension.write(user, batch, [*todo, *plan.unchanged])
        if len(todo) >= 1000:
            # Thousands of new rows at once: let SQLite refresh its planner statistics, or it
            # may keep choosing plans made for a smaller table (PostgreSQL's autovacuum does this).
            transaction.on_commit(refresh_planner_statistics)
        # The result page lists what this import created and changed, with links.
        return {
            "created_ids": [row.project_id for row in creating],
            "updated_ids": [row.project_id for row in updating],
        }

    def result_context(self, request, batch):
        created_ids = batch.summary.get("created_ids", [])
        updated_ids = batch.summary.get("updated_ids", [])
        visible = Project.objects.restrict(request.user).select_related("investor", "responsible_unit")
        created = list(visible.filter(pk__in=created_ids[:RESULT_LIMIT]).order_by("code"))
        updated = list(visible.filter(pk__in=updated_ids[:RESULT_LIMIT]).order_by("code"))
        return {
            "lists": [("新增", created), ("更新", updated)],
            "more": max(0, len(created_ids) + len(updated_ids) - len(created) - len(updated)),
        }


LEDGER = register(LedgerImport())


def preview_ledger(
    user, data: bytes, filename: str, scope_unit: Unit, *, mark_verified: bool = False, store: bool = True
) -> Preview:
    """Parse a ledger and say what importing it would do. Writes nothing but the batch."""
    return preview_import(LEDGER, user, data, filename, scope_unit, mark_verified=mark_verified, store=store)


def commit_ledger(user, batch: ImportBatch, *, exclude_rows: list[int] | tuple = ()) -> Preview:
    """Import every row of the batch's file, or nothing (``pipeline.commit_import``)."""
    return commit_import(LEDGER, user, batch, exclude_rows=exclude_rows)


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
