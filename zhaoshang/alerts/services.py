"""Warning workflows: the bureau's rules, the scan that derives warnings from them, and
the reads other pages use (dashboard counts, project badges, "my warnings")."""

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from zhaoshang.alerts import registry
from zhaoshang.alerts.choices import ScanSource, ScanStatus, WarningLevel, WarningStatus
from zhaoshang.alerts.models import Warning, WarningRule, WarningScan
from zhaoshang.core.choices import Action
from zhaoshang.core.events import EventType, emit
from zhaoshang.core.jobs import Job, JobKind, JobOutcome, enqueue

logger = logging.getLogger(__name__)
BATCH = 1000
# A scan still marked running after this long died with its process; another may start.
STALE_SCAN = datetime.timedelta(minutes=30)


# --- Rules --------------------------------------------------------------------------------------


def ensure_rules() -> dict[str, WarningRule]:
    """Every registered kind has its rule row (created with the kind's defaults). The rows
    are written by the system, whoever's page view or scan happens to need them first."""
    from zhaoshang.core.context import acting_as

    rules = {rule.kind: rule for rule in WarningRule.objects.all()}
    missing = [spec for spec in registry.all_kinds() if spec.kind not in rules]
    if missing:
        with acting_as(None, source="system"), transaction.atomic():
            for spec in missing:
                values = {"enabled": True, **spec.defaults}
                rules[spec.kind], _ = WarningRule.objects.get_or_create(kind=spec.kind, defaults=values)
    return rules


def validate_rule(rule: WarningRule) -> None:
    spec = rule.spec
    if spec is None:
        raise ValidationError("未知的预警类型。")
    problems = spec.validate(rule) if spec.validate else {}
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def update_rule(user, rule: WarningRule, *, expected_version: int) -> WarningRule:
    """The bureau changes a rule (audited; StaleEditError when someone saved it meanwhile).
    The warnings follow at the next scan."""
    if not WarningRule.access.allows(user, Action.CHANGE):
        raise PermissionDenied("只有招商局可以修改预警规则。")
    validate_rule(rule)
    rule.save_versioned(expected_version)
    return rule


# --- The scan -----------------------------------------------------------------------------------


@dataclass
class KindCounts:
    created: int = 0
    changed: int = 0
    cleared: int = 0
    open: int = 0
    # For the units' digest: unit id → warnings new in this scan / turned red in it.
    new_by_unit: Counter = field(default_factory=Counter, repr=False)
    red_by_unit: Counter = field(default_factory=Counter, repr=False)


@dataclass
class ScanResult:
    as_of: datetime.date
    kinds: dict[str, KindCounts] = field(default_factory=dict)

    def total(self, name: str) -> int:
        return sum(getattr(counts, name) for counts in self.kinds.values())


def scan(
    *,
    today: datetime.date | None = None,
    kinds: Iterable[str] | None = None,
    progress: Callable[[int, int, registry.RuleKind], None] | None = None,
) -> ScanResult:
    """Bring the warnings up to date as of ``today``: for each registered kind, evaluate
    its rule and reconcile with the open warnings (create, update level/message, clear).
    Idempotent: a second scan on the same day and data changes nothing. A disabled rule
    clears its kind's open warnings. Each kind is one transaction."""
    today = today or timezone.localdate()
    rules = ensure_rules()
    wanted = set(kinds) if kinds is not None else None
    specs = [spec for spec in registry.all_kinds() if wanted is None or spec.kind in wanted]
    result = ScanResult(today)
    for index, spec in enumerate(specs):
        if progress:
            progress(index, len(specs), spec)
        rule = rules[spec.kind]
        result.kinds[spec.kind] = reconcile(spec, rule, today)
    _tell_units(result)
    return result


@transaction.atomic
def reconcile(spec: registry.RuleKind, rule: WarningRule, today: datetime.date) -> KindCounts:
    """One kind: what the evaluator finds today against what is open, set-wise."""
    now = timezone.now()
    # Lock the rule row first: two scans of one kind run one after the other (PostgreSQL;
    # SQLite's IMMEDIATE transactions already serialise writers).
    rule = WarningRule.objects.select_for_update().get(pk=rule.pk)
    findings = {}
    if rule.enabled:
        types: dict[type, int] = {}
        for finding in spec.evaluate(rule, today):
            type_id = types.get(finding.subject_model)
            if type_id is None:
                type_id = types[finding.subject_model] = ContentType.objects.get_for_model(finding.subject_model).pk
            findings[(type_id, finding.subject_id, finding.key)] = finding
    columns = ("subject_type_id", "subject_id", "key", "pk", "level", "message", "since", "unit_id", "project_id")
    # (type, subject, key) → (pk, level, message, since, unit, project, level_changed_at)
    open_rows = {
        row[:3]: row[3:]
        for row in Warning.objects.filter(kind=spec.kind, status=WarningStatus.OPEN)
        .order_by()
        .values_list(*columns, "level_changed_at")
    }
    open_levels = {row[0]: row[1] for row in open_rows.values()}  # pk → level before this scan
    new, changed = [], []
    for ident, finding in findings.items():
        message = finding.message[:300]
        row = open_rows.pop(ident, None)
        if row is None:
            new.append((ident[0], finding, message))
            continue
        pk, level, old_message, since, unit_id, project_id, level_changed_at = row
        if (finding.level, message, finding.since, finding.unit_id, finding.project_id) != (
            level,
            old_message,
            since,
            unit_id,
            project_id,
        ):
            changed.append((pk, finding, message, now if finding.level != level else level_changed_at))
    _insert(spec.kind, new, now)
    _update(changed)
    new_by_unit = Counter(finding.unit_id for _, finding, _ in new)
    red_by_unit = Counter(finding.unit_id for _, finding, _ in new if finding.level == WarningLevel.RED)
    turned_red = [
        (pk, finding)
        for pk, finding, _, _ in changed
        if finding.level == WarningLevel.RED and open_levels.get(pk) != WarningLevel.RED
    ]
    red_by_unit.update(finding.unit_id for _, finding in turned_red)
    if new:
        # The new rows were written without objects (plain INSERTs, all stamped ``now``): the
        # receivers get them as a query, read only when somebody subscribed.
        emit(EventType.WARNING_RAISED, Warning, Warning.objects.filter(kind=spec.kind, created_at=now))
    if red_by_unit:
        red_ids = [pk for pk, _ in turned_red]
        emit(
            EventType.WARNING_RED,
            Warning,
            Warning.objects.filter(Q(pk__in=red_ids) | Q(kind=spec.kind, created_at=now, level=WarningLevel.RED)),
        )
    gone = [row[0] for row in open_rows.values()]
    for start in range(0, len(gone), BATCH):
        Warning.objects.filter(pk__in=gone[start : start + BATCH]).update(status=WarningStatus.CLEARED, cleared_at=now)
    return KindCounts(
        created=len(new),
        changed=len(changed),
        cleared=len(gone),
        open=len(findings),
        new_by_unit=new_by_unit,
        red_by_unit=red_by_unit,
    )


def _field(name):
    return Warning._meta.get_field(name)


def _tell_units(result: ScanResult) -> None:
    """One message per unit per scan (a digest, not one per warning or per kind): how many
    warnings are new, of which kinds, and how many turned red. Sent through the
    notifications outbox."""
    from django.urls import reverse

    from zhaoshang.accounts.models import Unit
    from zhaoshang.notifications.choices import NotificationKind
    from zhaoshang.notifications.services import notify_unit

    labels = {spec.kind: spec.label for spec in registry.all_kinds()}
    fresh, red = Counter(), Counter()
    by_kind: dict[int, list[str]] = {}
    for kind, counts in result.kinds.items():
        fresh.update(counts.new_by_unit)
        red.update(counts.red_by_unit)
        for unit_id, n in counts.new_by_unit.items():
            by_kind.setdefault(unit_id, []).append(f"{labels.get(kind, kind)}{n}")
    units = Unit.objects.in_bulk([unit_id for unit_id in set(fresh) | set(red) if unit_id])
    for unit_id, unit in units.items():
        parts = [f"新增{fresh[unit_id]}条（{'、'.join(by_kind[unit_id])}）"] if fresh[unit_id] else []
        if red[unit_id]:
            parts.append(f"红色{red[unit_id]}条")
        notify_unit(
            unit,
            NotificationKind.WARNING,
            f"预警：{'，'.join(parts)}",
            url=reverse("alerts:list") + f"?unit={unit_id}",
        )


ROWS_PER_INSERT = 500  # × 11 columns: well under SQLite's and PostgreSQL's bound-parameter limits


def _insert(kind: str, new: list, now) -> None:
    """New warnings with plain multi-row INSERTs: at province scale a first scan writes a
    few hundred thousand, and compiling a bulk_create of that many objects field by field
    costs more than writing them."""
    if not new:
        return
    db = connection
    names = [
        "kind",
        "level",
        "status",
        "subject_type",
        "subject_id",
        "key",
        "project",
        "unit",
        "message",
        "since",
        "created_at",
    ]
    since_field, created = _field("since"), _field("created_at").get_db_prep_save(now, db)
    params = [
        [
            kind,
            finding.level,
            WarningStatus.OPEN.value,
            type_id,
            finding.subject_id,
            finding.key,
            finding.project_id,
            finding.unit_id,
            message,
            since_field.get_db_prep_save(finding.since, db),
            created,
        ]
        for type_id, finding, message in new
    ]
    columns = ", ".join(db.ops.quote_name(_field(name).column) for name in names)
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    head = f"INSERT INTO {db.ops.quote_name(Warning._meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model, values bound
    # Multi-row VALUES, ROWS_PER_INSERT rows a statement: PostgreSQL took 20 s for 176,000
    # single-row statements even pipelined, a few seconds this way; SQLite is as fast.
    with db.cursor() as cursor:
        for start in range(0, len(params), ROWS_PER_INSERT):
            chunk = params[start : start + ROWS_PER_INSERT]
            cursor.execute(head + ", ".join([row] * len(chunk)), [value for values in chunk for value in values])


def _update(changed: list) -> None:
    """Changed warnings (level, message, dates) by primary key, one prepared UPDATE over all
    of them; bulk_update's CASE per field and row was the slow part of a daily scan."""
    if not changed:
        return
    db = connection
    names = ["level", "message", "since", "unit", "project", "level_changed_at"]
    since_field, level_changed = _field("since"), _field("level_changed_at")
    params = [
        [
            finding.level,
            message,
            since_field.get_db_prep_save(finding.since, db),
            finding.unit_id,
            finding.project_id,
            level_changed.get_db_prep_save(level_changed_at, db),
            pk,
        ]
        for pk, finding, message, level_changed_at in changed
    ]
    assignments = ", ".join(f"{db.ops.quote_name(_field(name).column)} = %s" for name in names)
    sql = f"UPDATE {db.ops.quote_name(Warning._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608 - names from the model, values bound
    with db.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


def start_scan(
    user=None, *, source: str = ScanSource.BUTTON, today: datetime.date | None = None
) -> tuple[WarningScan, bool]:
    """A scan row to run (or the one already running, with False). The caller runs it
    with ``run_scan`` (in the background for the button)."""
    if user is not None and not WarningScan.access.allows(user, Action.CHANGE):
        raise PermissionDenied("只有招商局可以发起预警扫描。")
    with transaction.atomic():
        running = (
            WarningScan.objects.select_for_update()
            .filter(status=ScanStatus.RUNNING, started_at__gte=timezone.now() - STALE_SCAN)
            .first()
        )
        if running is not None:
            return running, False
        scan_row = WarningScan.objects.create(
            started_at=timezone.now(),
            source=source,
            triggered_by=user if getattr(user, "pk", None) else None,
            as_of=today or timezone.localdate(),
            progress="准备扫描",
        )
    return scan_row, True


def run_scan(
    scan_row: WarningScan, *, kinds: Iterable[str] | None = None, report: Callable | None = None
) -> WarningScan:
    """Run a started scan, writing its progress to its row as it goes (the page polls it);
    ``report(done, total, message)`` hears it too (the job's progress)."""

    def progress(index: int, total: int, spec: registry.RuleKind) -> None:
        message = f"正在检查：{spec.label}（{index + 1}/{total}）"
        WarningScan.objects.filter(pk=scan_row.pk).update(progress=message, percent=int(100 * index / max(total, 1)))
        if report is not None:
            report(index, total, message)

    try:
        result = scan(today=scan_row.as_of, kinds=kinds, progress=progress)
    except Exception as error:
        logger.exception("warning scan %s failed", scan_row.pk)
        WarningScan.objects.filter(pk=scan_row.pk).update(
            status=ScanStatus.FAILED, finished_at=timezone.now(), progress="扫描失败", error=str(error)[:2000]
        )
        scan_row.refresh_from_db()
        raise
    WarningScan.objects.filter(pk=scan_row.pk).update(
        status=ScanStatus.DONE,
        finished_at=timezone.now(),
        progress="扫描完成",
        percent=100,
        created=result.total("created"),
        changed=result.total("changed"),
        cleared=result.total("cleared"),
        open_count=Warning.objects.filter(status=WarningStatus.OPEN).count(),
    )
    scan_row.refresh_from_db()
    return scan_row


def enqueue_scan(user, scan_row: WarningScan) -> Job:
    """The button's scan: a job for the worker (never a thread of the web process), so the
    page answers at once and polls the scan row."""
    return enqueue(
        JobKind.WARNING_SCAN,
        "zhaoshang.alerts.services.scan_job",
        title=f"预警扫描（{scan_row.as_of:%Y-%m-%d}）",
        user=user,
        params={"scan_id": scan_row.pk},
    )


def scan_job(job: Job, progress, *, scan_id: int) -> JobOutcome:
    scan_row = run_scan(WarningScan.objects.get(pk=scan_id), report=progress)
    return JobOutcome(
        f"扫描完成：新增 {scan_row.created} 条，等级或内容变化 {scan_row.changed} 条，解除 {scan_row.cleared} 条；"
        f"现有未解除预警 {scan_row.open_count} 条。",
        url=reverse("alerts:list"),
    )


def _scan_job_failed(job: Job, reason: str) -> None:
    # A worker that died mid-scan left the scan row running; its page would poll forever.
    WarningScan.objects.filter(pk=job.params.get("scan_id"), status=ScanStatus.RUNNING).update(
        status=ScanStatus.FAILED, finished_at=timezone.now(), progress="扫描失败", error=reason
    )


scan_job.on_failure = _scan_job_failed


# --- Reads for other pages ----------------------------------------------------------------------


@dataclass
class WarningSummary:
    """Open warnings of a scope: totals and per kind (the dashboard's block)."""

    red: int = 0
    yellow: int = 0
    by_kind: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.red + self.yellow


def warning_summary(unit_ids: list[int] | None) -> WarningSummary:
    """Open warnings whose responsible unit is in ``unit_ids`` (None: every unit), by kind
    and level, in one grouped query. The caller has checked the units are the viewer's."""
    rows = Warning.objects.filter(status=WarningStatus.OPEN)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    counts: dict[str, dict[str, int]] = {}
    for kind, level, n in rows.order_by().values_list("kind", "level").annotate(n=Count("pk")):
        counts.setdefault(kind, {})[level] = n
    summary = WarningSummary()
    for spec in registry.all_kinds():
        levels = counts.get(spec.kind, {})
        red, yellow = levels.get(WarningLevel.RED, 0), levels.get(WarningLevel.YELLOW, 0)
        summary.red += red
        summary.yellow += yellow
        summary.by_kind.append({"kind": spec.kind, "label": spec.label, "red": red, "yellow": yellow})
    return summary


def open_warnings_by_project(project_ids: Iterable[int]) -> dict[int, list[tuple[str, str, str]]]:
    """{project id: [(level, kind label, message), …]} of open warnings, red first, in one
    query. The caller passes projects the viewer may already read (a page of the list)."""
    ids = list(project_ids)
    result: dict[int, list[tuple[str, str, str]]] = {}
    if not ids:
        return result
    rows = (
        Warning.objects.filter(project_id__in=ids, status=WarningStatus.OPEN)
        .order_by("project_id", "level", "kind")
        .values_list("project_id", "level", "kind", "message")
    )
    for project_id, level, kind, message in rows:
        spec = registry.get_kind(kind)
        result.setdefault(project_id, []).append((level, spec.label if spec else kind, message))
    return result


def person_names(user) -> set[str]:
    """The names a project's 责任人/责任领导 field may give this user by: the full name and
    its last word ("城关镇招商办 张敏" → 张敏)."""
    name = (getattr(user, "name", "") or "").strip()
    if not name:
        return set()
    return {name, name.split()[-1]}


def my_warnings(user, limit: int = 8):
    """Open warnings a person answers for: projects where they are the officer in charge
    or the responsible leader (by name), and those of their own unit. Red first."""
    names = person_names(user)
    mine = Q()
    if names:
        mine |= Q(project__officer_in_charge__in=names) | Q(project__responsible_leader__in=names)
    if getattr(user, "unit_id", None):
        mine |= Q(unit_id=user.unit_id)
    if not mine:
        return [], 0
    rows = Warning.objects.restrict(user).filter(mine, status=WarningStatus.OPEN)
    total = rows.count()
    shown = list(rows.select_related("project", "unit").order_by("level", "-since", "-id")[:limit]) if total else []
    return shown, total
