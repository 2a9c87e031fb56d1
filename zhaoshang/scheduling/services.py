"""Scheduling-round workflows: open a round for a set of projects, let units report on
them, return a report, see who has not reported, close the round into a frozen summary.

API for other parts:

- ``summary(round)`` — the round's summary (frozen at closing; computed live while open),
  money as Decimal; the bulletins quote it.
- ``units_missing(round)`` — units with the items they have not (validly) reported; the
  reminder button and, later, notifications use it.
- ``missing_reports(units, year)`` — {unit id: missing reports in the closed rounds of a
  year}; the assessment deducts for them.
"""

import datetime
from calendar import monthrange
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.models import AuditLog, record_created
from zhaoshang.notifications.choices import NotificationKind
from zhaoshang.projects.choices import STAGE_ORDER, Stage
from zhaoshang.projects.models import Project
from zhaoshang.reference.services import CalendarYearUnknown, add_working_days
from zhaoshang.scheduling.choices import Half, Outcome, ReportStatus, RoundKind, RoundStatus
from zhaoshang.scheduling.models import RoundItem, SchedulingRound

SUMMARY_SCHEMA = 1
NOTABLE_PROGRESS_LIMIT = 20
# The fields a unit writes in its report; nothing else of an item comes from a form.
REPORT_FIELDS = (
    "progress",
    "investment_this_period",
    "investment_cumulative",
    "problems",
    "next_steps",
    "reported_stage",
)
MONEY_KEYS = {"this_period", "cumulative", "investment_this_period", "investment_cumulative"}


def deadline_working_days() -> int:
    """Working days after the period's end that units have to report (a setting, default 3)."""
    return int(getattr(settings, "SCHEDULING_DEADLINE_WORKING_DAYS", 3))


# --- Periods and defaults -------------------------------------------------------------------------


def period_bounds(kind: str, year: int, month: int, half: int = Half.WHOLE) -> tuple[datetime.date, datetime.date]:
    """The days a round reports on: the month, or its 1st–15th / 16th–last day."""
    last = monthrange(year, month)[1]
    if kind == RoundKind.HALF_MONTHLY:
        if half == Half.FIRST:
            return datetime.date(year, month, 1), datetime.date(year, month, 15)
        return datetime.date(year, month, 16), datetime.date(year, month, last)
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def default_title(kind: str, year: int, month: int, half: int = Half.WHOLE) -> str:
    """ "2026年10月项目调度", "2026年10月上半月项目调度"."""
    part = Half(half).label if kind == RoundKind.HALF_MONTHLY and half else ""
    return f"{year}年{month}月{part}项目调度"


def default_deadline(period_end: datetime.date) -> datetime.date:
    """A few working days after the period ends, on the holiday calendar (调休 included).
    Raises CalendarYearUnknown when the next year's holidays are not entered yet."""
    return add_working_days(period_end, deadline_working_days())


def live_projects() -> QuerySet:
    """Projects a round may include: not merged into another, not dropped (退库)."""
    return Project.objects.filter(merged_into__isnull=True).exclude(stage=Stage.DROPPED)


def select_projects(user, *, key_only: bool = True, unit: Unit | None = None, stages=(), codes=()) -> QuerySet:
    """Live projects the user may see, narrowed by key-ness, a unit's subtree (by the
    responsible unit), stages and project codes."""
    projects = live_projects().filter(pk__in=Project.objects.restrict(user, Action.VIEW).values("pk"))
    if key_only:
        projects = projects.filter(is_key=True)
    if unit is not None:
        projects = projects.filter(responsible_unit__path__startswith=unit.path)
    if stages:
        projects = projects.filter(stage__in=list(stages))
    if codes:
        projects = projects.filter(code__in=list(codes))
    return projects


def _require_bureau(user) -> None:
    if not SchedulingRound.access.allows(user, Action.CHANGE):
        raise PermissionDenied("只有招商局可以发起、调整或结束调度。")


def _require_open(round_: SchedulingRound) -> None:
    if not round_.is_open:
        raise ValidationError("本轮调度已结束，不能再修改。")


# --- Opening a round and choosing its projects ----------------------------------------------------


@transaction.atomic
def open_round(
    user,
    *,
    kind: str,
    year: int,
    month: int,
    half: int = Half.WHOLE,
    title: str = "",
    deadline: datetime.date | None = None,
    note: str = "",
    projects: QuerySet | None = None,
) -> SchedulingRound:
    """The bureau opens a round for a period. Its projects are all live key projects unless
    ``projects`` says otherwise; each becomes an item of its responsible unit. The deadline
    defaults to a few working days after the period ends."""
    _require_bureau(user)
    problems = {}
    if kind not in RoundKind.values:
        problems["kind"] = "请选择调度类型（月调度或半月调度）。"
    if not (2000 <= (year or 0) <= 2100):
        problems["year"] = "年度须在 2000—2100 之间。"
    if not (1 <= (month or 0) <= 12):
        problems["month"] = "月份须在 1—12 之间。"
    if kind == RoundKind.HALF_MONTHLY and half not in (Half.FIRST, Half.SECOND):
        problems["half"] = "半月调度须选择上半月或下半月。"
    if problems:
        raise ValidationError(problems)
    if kind == RoundKind.MONTHLY:
        half = Half.WHOLE
    start, end = period_bounds(kind, year, month, half)
    if deadline is None:
        try:
            deadline = default_deadline(end)
        except CalendarYearUnknown as error:
            raise ValidationError({"deadline": f"{error}或手工填写报送截止日期。"}) from error
    if deadline < start:
        raise ValidationError({"deadline": "报送截止日期不能早于调度期开始日期。"})
    if SchedulingRound.objects.filter(kind=kind, year=year, month=month, half=half).exists():
        label = default_title(kind, year, month, half).removesuffix("项目调度")
        raise ValidationError(f"{label}的{RoundKind(kind).label}已经发起，不能重复发起。")
    chosen = select_projects(user) if projects is None else projects
    round_ = SchedulingRound(
        title=(title or "").strip() or default_title(kind, year, month, half),
        kind=kind,
        year=year,
        month=month,
        half=half,
        period_start=start,
        period_end=end,
        deadline=deadline,
        note=(note or "").strip(),
        opened_by=user,
    )
    round_.full_clean(exclude=["opened_by", "closed_by"])
    round_.save()
    if not _add_items(round_, chosen):
        raise ValidationError("没有符合条件的项目，调度未发起。请调整项目范围。")
    _tell_units(
        round_,
        NotificationKind.ROUND_OPENED,
        f"请报送{round_.title}",
        f"截止 {round_.deadline:%Y-%m-%d}，请在「项目调度」中逐个项目填报进展。",
        Unit.objects.filter(pk__in=RoundItem.objects.filter(round=round_).values("unit_id")),
    )
    return round_


def _tell_units(round_: SchedulingRound, kind: str, title: str, body: str, units) -> None:
    from django.urls import reverse

    from zhaoshang.notifications.services import notify_unit

    url = reverse("scheduling:report", args=[round_.pk])
    for unit in units:
        notify_unit(unit, kind, title, url=url, body=body)


def _add_items(round_: SchedulingRound, projects: QuerySet) -> int:
    """Items for the projects not yet in the round, inserted in bulk with their audit rows."""
    present = RoundItem.objects.filter(round=round_).values("project_id")
    rows = (
        live_projects()
        .filter(pk__in=projects.values("pk"))
        .exclude(pk__in=present)
        .order_by("responsible_unit_id", "code")
        .values_list("pk", "responsible_unit_id", "stage")
    )
    items = [
        RoundItem(round=round_, project_id=pk, unit_id=unit_id, stage_at_open=stage) for pk, unit_id, stage in rows
    ]
    RoundItem.objects.bulk_create(items, batch_size=500)
    record_created(items, detail=f"纳入调度「{round_.title}」")
    return len(items)


@transaction.atomic
def add_projects(user, round_: SchedulingRound, projects: QuerySet) -> int:
    """Add projects to an open round (those already in it are skipped); returns how many."""
    _require_bureau(user)
    round_ = SchedulingRound.objects.select_for_update().get(pk=round_.pk)
    _require_open(round_)
    return _add_items(round_, projects)


@transaction.atomic
def remove_item(user, item: RoundItem) -> None:
    """Take a project out of an open round; a submitted report stays (return it first)."""
    _require_bureau(user)
    round_ = SchedulingRound.objects.select_for_update().get(pk=item.round_id)
    _require_open(round_)
    item = RoundItem.objects.get(pk=item.pk)
    if item.status == ReportStatus.SUBMITTED:
        raise ValidationError("该项目的报告已提交，不能移出本轮调度。")
    item.delete()


@transaction.atomic
def update_round(user, round_: SchedulingRound, *, expected_version: int) -> SchedulingRound:
    """Change an open round's title, deadline or note (the period and kind stay)."""
    _require_bureau(user)
    stored = SchedulingRound.objects.get(pk=round_.pk)
    _require_open(stored)
    for name in ("kind", "year", "month", "half", "period_start", "period_end", "status", "summary"):
        setattr(round_, name, getattr(stored, name))
    round_.title = round_.title.strip()
    if not round_.title:
        raise ValidationError({"title": "请填写调度名称。"})
    if round_.deadline is None or round_.deadline < round_.period_start:
        raise ValidationError({"deadline": "报送截止日期不能早于调度期开始日期。"})
    round_.save_versioned(expected_version)
    return round_


# --- Reports ----------------------------------------------------------------------------------------


def validate_report(item: RoundItem, *, submit: bool) -> None:
    """Chinese reasons for a report that cannot be saved (or not yet submitted)."""
    problems = {}
    this_period, cumulative = item.investment_this_period, item.investment_cumulative
    if this_period is not None and this_period < 0:
        problems["investment_this_period"] = "本期完成投资不能为负数。"
    if cumulative is not None and cumulative < 0:
        problems["investment_cumulative"] = "累计完成投资不能为负数。"
    elif cumulative is not None and this_period is not None and cumulative < this_period:
        problems["investment_cumulative"] = "累计完成投资不能小于本期完成投资。"
    if item.reported_stage and item.reported_stage not in Stage.values:
        problems["reported_stage"] = "请选择有效的项目阶段。"
    if submit:
        if not item.progress.strip():
            problems["progress"] = "提交前请填写本期进展。"
        if this_period is None:
            problems.setdefault("investment_this_period", "提交前请填写本期完成投资（本期没有投资请填 0）。")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_report(
    user, item: RoundItem, *, expected_version: int, submit: bool = False, when: datetime.datetime | None = None
) -> RoundItem:
    """A unit saves its report on a project as a draft, or submits it to the bureau.

    Only the report's own fields are taken from ``item``. Refused once submitted (until the
    bureau returns it) and once the round is closed; StaleEditError when someone saved the
    report since the form was opened. ``when`` backdates the submission (the demo city)."""
    if not RoundItem.objects.restrict(user, Action.CHANGE).filter(pk=item.pk).exists():
        raise PermissionDenied("该项目的调度报告不在您的填报范围内。")
    stored = RoundItem.objects.get(pk=item.pk)
    # The round's row is locked so that a report cannot slip in while the round closes.
    stored.round = SchedulingRound.objects.select_for_update().get(pk=stored.round_id)
    if not stored.round.is_open:
        raise ValidationError("本轮调度已结束，报告不能再修改。")
    if stored.status == ReportStatus.SUBMITTED:
        raise ValidationError("报告已提交；如需修改，请招商局先退回。")
    for name in REPORT_FIELDS:
        value = getattr(item, name)
        setattr(stored, name, value.strip() if isinstance(value, str) else value)
    validate_report(stored, submit=submit)
    if submit:
        now = when or timezone.now()
        stored.status = ReportStatus.SUBMITTED
        stored.submitted_at = now
        stored.submitted_by = user
        if stored.first_submitted_at is None:
            stored.first_submitted_at = now
    elif stored.status == ReportStatus.PENDING:
        stored.status = ReportStatus.DRAFT
    stored.save_versioned(expected_version)
    return stored


@transaction.atomic
def return_report(user, item: RoundItem, reason: str) -> RoundItem:
    """The bureau sends a submitted report back with a reason; the unit edits and resubmits."""
    if not RoundItem.access.allows(user, Action.VERIFY):
        raise PermissionDenied("只有招商局可以退回调度报告。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": "退回须说明原因。"})
    if len(reason) > 300:
        raise ValidationError({"return_reason": "退回原因不能超过 300 字。"})
    round_ = SchedulingRound.objects.select_for_update().get(pk=item.round_id)
    _require_open(round_)
    item = RoundItem.objects.get(pk=item.pk)
    if item.status != ReportStatus.SUBMITTED:
        raise ValidationError("只有已提交的报告可以退回。")
    item.status = ReportStatus.RETURNED
    item.return_reason = reason
    item.returned_at = timezone.now()
    item.returned_by = user
    item.version += 1  # a form opened before the return is now stale
    item.save()
    return item


# --- Who has reported -------------------------------------------------------------------------------


@dataclass
class UnitProgress:
    """One unit's line in a round's progress grid."""

    unit: Unit
    total: int = 0
    counts: dict = field(default_factory=dict)  # status → count

    @property
    def submitted(self) -> int:
        return self.counts.get(ReportStatus.SUBMITTED, 0)

    @property
    def draft(self) -> int:
        return self.counts.get(ReportStatus.DRAFT, 0)

    @property
    def returned(self) -> int:
        return self.counts.get(ReportStatus.RETURNED, 0)

    @property
    def pending(self) -> int:
        return self.counts.get(ReportStatus.PENDING, 0)

    @property
    def missing(self) -> int:
        return self.total - self.submitted

    @property
    def complete(self) -> bool:
        return self.missing == 0


def progress_by_unit(round_: SchedulingRound, items: QuerySet | None = None) -> list[UnitProgress]:
    """Reported / total per unit, in the unit tree's order, from one grouped query."""
    items = RoundItem.objects.filter(round=round_) if items is None else items
    rows = items.order_by().values_list("unit_id", "status").annotate(n=Count("id"))
    lines: dict[int, UnitProgress] = {}
    for unit_id, status, count in rows:
        line = lines.setdefault(unit_id, UnitProgress(unit=None))
        line.counts[status] = line.counts.get(status, 0) + count
        line.total += count
    for unit in Unit.objects.filter(pk__in=list(lines)):
        lines[unit.pk].unit = unit
    return sorted(lines.values(), key=lambda line: (line.unit.path, line.unit.pk))


@dataclass
class UnitMissing:
    unit: Unit
    items: list  # RoundItem, not (validly) reported


def units_missing(round_: SchedulingRound) -> list[UnitMissing]:
    """Units that have not reported on all their projects, each with the items missing (not
    submitted: never filled, a draft, or returned and not resubmitted), in tree order."""
    missing = (
        RoundItem.objects.filter(round=round_)
        .exclude(status=ReportStatus.SUBMITTED)
        .select_related("unit", "project")
        .order_by("unit__path", "project__code")
    )
    grouped: dict[int, UnitMissing] = {}
    for item in missing:
        grouped.setdefault(item.unit_id, UnitMissing(item.unit, [])).items.append(item)
    return list(grouped.values())


@transaction.atomic
def remind_missing(user, round_: SchedulingRound) -> list[UnitMissing]:
    """催报: the units still missing reports are told (in-app, e-mail, group robot) and the
    reminder is recorded."""
    _require_bureau(user)
    round_ = SchedulingRound.objects.select_for_update().get(pk=round_.pk)
    _require_open(round_)
    missing = units_missing(round_)
    if missing:
        round_.reminded_at = timezone.now()
        round_.save()
        names = "、".join(entry.unit.name for entry in missing[:20])
        more = f"等 {len(missing)} 个单位" if len(missing) > 20 else ""
        AuditLog.record(
            AuditAction.UPDATE,
            round_,
            detail=f"催报：{names}{more}（共 {sum(len(entry.items) for entry in missing)} 个项目未报送）",
        )
        for entry in missing:
            _tell_units(
                round_,
                NotificationKind.DEADLINE,
                f"催报：{round_.title}还有 {len(entry.items)} 个项目未报送",
                f"截止 {round_.deadline:%Y-%m-%d}。",
                [entry.unit],
            )
    return missing


def missing_reports(units, year: int, *, subtree: bool = True) -> dict[int, int]:
    """{unit id: reports missing in the closed rounds whose period lies in ``year``}.

    A report is missing when it did not stand submitted when its round closed. With
    ``subtree`` (the default, as a parent's values are sums over its subtree) a unit's count
    includes the units below it; otherwise only its own items count."""
    rows = list(
        RoundItem.objects.filter(round__status=RoundStatus.CLOSED, round__year=year)
        .exclude(status=ReportStatus.SUBMITTED)
        .order_by()
        .values_list("unit_id", "unit__path")
        .annotate(n=Count("id"))
    )
    result = {}
    for unit in units:
        if subtree:
            result[unit.pk] = sum(n for _, path, n in rows if path.startswith(unit.path))
        else:
            result[unit.pk] = sum(n for unit_id, _, n in rows if unit_id == unit.pk)
    return result


# --- The summary and closing --------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _stage_label(stage: str) -> str:
    return Stage(stage).label if stage in Stage.values else ""


def build_summary(round_: SchedulingRound, *, closed_at: datetime.datetime | None = None) -> dict:
    """The round as the bulletin quotes it, JSON-ready (money as exact decimal strings in 万元).

    Shape (``schema`` 1)::

        {"schema": 1, "frozen": bool,
         "round": {id, title, kind, kind_label, year, month, half, period_label, period_start,
                   period_end, deadline, closed_at},
         "counts": {projects, reported, on_time, late, missing, units, units_complete},
         "investment": {this_period, cumulative, cumulative_reported},
         "units": [{unit_id, unit_code, unit_name, unit_path, projects, reported, on_time,
                    late, missing, investment_this_period}],          # tree order
         "problems": [{unit_name, project_id, project_code, project_name, text}],
         "progress": [{unit_name, project_id, project_code, project_name, text,
                       investment_this_period, stage_from, stage_to, reason}],
         "items": [{item_id, project_id, project_code, project_name, unit_id, unit_name, outcome,
                    submitted_at, progress, investment_this_period, investment_cumulative,
                    problems, next_steps, stage_at_open, reported_stage}]}
    """
    items = list(
        RoundItem.objects.filter(round=round_).select_related("unit", "project").order_by("unit__path", "project__code")
    )
    counts = {key: 0 for key in ("projects", "reported", "on_time", "late", "missing")}
    units: dict[int, dict] = {}
    this_period_total = Decimal(0)
    cumulative_total = Decimal(0)
    cumulative_reported = 0
    problems, lines = [], []
    notable = []
    for item in items:
        outcome = item.outcome(round_.deadline)
        unit = units.setdefault(
            item.unit_id,
            {
                "unit_id": item.unit_id,
                "unit_code": item.unit.code,
                "unit_name": item.unit.name,
                "unit_path": item.unit.path,
                "projects": 0,
                "reported": 0,
                "on_time": 0,
                "late": 0,
                "missing": 0,
                "investment_this_period": Decimal(0),
            },
        )
        counts["projects"] += 1
        unit["projects"] += 1
        counts[outcome] += 1
        unit[outcome] += 1
        reported = outcome != Outcome.MISSING
        if reported:
            counts["reported"] += 1
            unit["reported"] += 1
            amount = item.investment_this_period or Decimal(0)
            this_period_total += amount
            unit["investment_this_period"] += amount
            if item.investment_cumulative is not None:
                cumulative_total += item.investment_cumulative
                cumulative_reported += 1
            where = {
                "unit_name": item.unit.name,
                "project_id": item.project_id,
                "project_code": item.project.code,
                "project_name": item.project.name,
            }
            if item.problems:
                problems.append({**where, "text": item.problems})
            advanced = (
                item.reported_stage
                and item.stage_at_open
                and STAGE_ORDER.get(item.reported_stage, -1) > STAGE_ORDER.get(item.stage_at_open, -1)
            )
            notable.append((bool(advanced), amount, item, where))
        lines.append(
            {
                "item_id": item.pk,
                "project_id": item.project_id,
                "project_code": item.project.code,
                "project_name": item.project.name,
                "unit_id": item.unit_id,
                "unit_name": item.unit.name,
                "outcome": outcome,
                "submitted_at": timezone.localtime(item.submitted_at).isoformat() if reported else None,
                "progress": item.progress,
                "investment_this_period": _money(item.investment_this_period),
                "investment_cumulative": _money(item.investment_cumulative),
                "problems": item.problems,
                "next_steps": item.next_steps,
                "stage_at_open": item.stage_at_open,
                "reported_stage": item.reported_stage,
            }
        )
    # Notable progress: projects that moved to a later stage first, then the largest
    # investment this period.
    notable.sort(key=lambda entry: (not entry[0], -entry[1], entry[2].unit.path, entry[2].project.code))
    progress = []
    for advanced, amount, item, where in notable:
        if len(progress) >= NOTABLE_PROGRESS_LIMIT or not (advanced or amount > 0):
            break
        progress.append(
            {
                **where,
                "text": item.progress,
                "investment_this_period": _money(amount),
                "stage_from": _stage_label(item.stage_at_open),
                "stage_to": _stage_label(item.reported_stage) if advanced else "",
                "reason": "阶段推进" if advanced else "本期投资较大",
            }
        )
    unit_rows = []
    for row in units.values():
        row["investment_this_period"] = _money(row["investment_this_period"])
        unit_rows.append(row)
    counts["units"] = len(unit_rows)
    counts["units_complete"] = sum(1 for row in unit_rows if row["missing"] == 0)
    return {
        "schema": SUMMARY_SCHEMA,
        "frozen": closed_at is not None,
        "round": {
            "id": round_.pk,
            "title": round_.title,
            "kind": round_.kind,
            "kind_label": RoundKind(round_.kind).label,
            "year": round_.year,
            "month": round_.month,
            "half": round_.half,
            "period_label": round_.period_label,
            "period_start": round_.period_start.isoformat(),
            "period_end": round_.period_end.isoformat(),
            "deadline": round_.deadline.isoformat(),
            "closed_at": timezone.localtime(closed_at).isoformat() if closed_at else None,
        },
        "counts": counts,
        "investment": {
            "this_period": _money(this_period_total),
            "cumulative": _money(cumulative_total),
            "cumulative_reported": cumulative_reported,
        },
        "units": unit_rows,
        "problems": problems,
        "progress": progress,
        "items": lines,
    }


def _with_decimals(value):
    """The stored summary with its money strings as Decimal again."""
    if isinstance(value, dict):
        return {
            key: (Decimal(item) if key in MONEY_KEYS and isinstance(item, str) else _with_decimals(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_with_decimals(item) for item in value]
    return value


def summary(round_: SchedulingRound) -> dict:
    """The round's summary (see build_summary for the shape), money as Decimal in 万元.
    A closed round's is the one frozen at closing; an open round's is computed now and
    says ``"frozen": False``."""
    data = round_.summary if not round_.is_open and round_.summary else build_summary(round_)
    return _with_decimals(data)


@transaction.atomic
def close_round(user, round_: SchedulingRound) -> SchedulingRound:
    """The bureau closes a round: the summary is computed and frozen, reports become
    read-only. Reports not submitted by now count as missing."""
    _require_bureau(user)
    round_ = SchedulingRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ValidationError("本轮调度已经结束。")
    now = timezone.now()
    frozen = build_summary(round_, closed_at=now)
    round_.status = RoundStatus.CLOSED
    round_.closed_by = user
    round_.closed_at = now
    round_.summary = frozen
    round_.version += 1
    round_.save()
    counts = frozen["counts"]
    AuditLog.record(
        AuditAction.UPDATE,
        round_,
        detail=(
            f"结束调度并冻结汇总：项目 {counts['projects']} 个，已报送 {counts['reported']} 个"
            f"（按时 {counts['on_time']}，逾期 {counts['late']}），未报送 {counts['missing']} 个，"
            f"本期完成投资 {frozen['investment']['this_period']} 万元"
        ),
    )
    return round_
