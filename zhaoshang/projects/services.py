"""Project workflows: create, advance a stage, verify, credit shares, follow-ups, merge.

Each is a typed function in one transaction, called alike by pages, the import, the API
and commands. Errors a user can fix are raised as ``ValidationError`` with Chinese
messages keyed by field, so a form shows them where they belong.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from zhaoshang.core.bulk import writing_together
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.context import current_context
from zhaoshang.core.events import EventType, emit
from zhaoshang.core.limits import instance_limit_problems
from zhaoshang.core.models import AuditLog, StaleEditError
from zhaoshang.core.verification import return_for_correction, verify
from zhaoshang.projects.choices import LIFECYCLE, STAGE_DATE_FIELDS, STAGE_ORDER, Stage, Verification
from zhaoshang.projects.models import FollowUp, Project, ProjectCredit, StageEvent

HUNDRED = Decimal(100)


# --- Codes ------------------------------------------------------------------------------------


def next_project_code(unit, year: int) -> str:
    """Unit code + year + sequence, e.g. SFX-CG-2024-0007. Called inside the creating
    transaction; on SQLite the IMMEDIATE transaction and on PostgreSQL the unique index
    make two concurrent creations of the same code impossible (the second retries)."""
    prefix = f"{unit.code}-{year}-"
    # A range, not startswith: SQLite's LIKE cannot use the unique index on code.
    last = (
        Project.objects.filter(code__gte=prefix, code__lt=prefix + "\uffff")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


# --- Rules that depend on the stage ------------------------------------------------------------


def required_fields_problems(project: Project, stage: str | None = None) -> dict[str, str]:
    """Fields a project must have once it reaches ``stage`` (default: its own stage).

    A signed project needs an investor, a signing date and the contracted amount; a
    started one also a start date. Returned as {field: Chinese message}.
    """
    stage = stage or project.stage
    if stage in (Stage.DROPPED, Stage.ON_HOLD):
        # An exit keeps whatever the project had; nothing new becomes required.
        return {}
    order = STAGE_ORDER.get(stage, -1)
    problems: dict[str, str] = {}
    if order >= STAGE_ORDER[Stage.SIGNED]:
        if not project.investor_id:
            problems["investor"] = "已签约项目须填写投资方。"
        if not project.signed_on:
            problems["signed_on"] = "已签约项目须填写签约日期。"
        if project.total_investment is None:
            problems["total_investment"] = "已签约项目须填写协议总投资。"
    if order >= STAGE_ORDER[Stage.STARTED] and not project.started_on:
        problems["started_on"] = "已开工项目须填写开工日期。"
    # A production date is welcome but not required: ledgers rarely carry one, and the
    # production event itself carries its date.
    return problems


def date_order_problems(project: Project) -> dict[str, str]:
    """Dates must follow the lifecycle: no start before signing, no production before start."""
    problems: dict[str, str] = {}
    chain = [
        ("signed_on", "签约日期"),
        ("registered_on", "注册日期"),
        ("started_on", "开工日期"),
        ("production_on", "投产日期"),
    ]
    for index, (field, label) in enumerate(chain):
        value = getattr(project, field)
        if value is None:
            continue
        for earlier_field, earlier_label in chain[:index]:
            earlier = getattr(project, earlier_field)
            # Registration may precede signing (a firm registered to sign); the rest may not.
            if earlier_field == "signed_on" and field == "registered_on":
                continue
            if earlier is not None and value < earlier:
                problems[field] = f"{label}（{value:%Y-%m-%d}）不能早于{earlier_label}（{earlier:%Y-%m-%d}）。"
                break
    if (
        project.agreed_production_on
        and project.agreed_start_on
        and project.agreed_production_on < project.agreed_start_on
    ):
        problems["agreed_production_on"] = "约定投产日期不能早于约定开工日期。"
    return problems


def loss_problems(project: Project) -> dict[str, str]:
    """Where a project went and why are facts of a dropped project only."""
    if project.stage != Stage.DROPPED and (project.lost_to_division_id or project.lost_reason):
        field = "lost_to_division" if project.lost_to_division_id else "lost_reason"
        return {field: "只有退库的项目才填写流失去向和流失原因。"}
    return {}


def validate_project(project: Project) -> None:
    """Everything a project must satisfy to be saved; raises one ValidationError."""
    problems = {**date_order_problems(project), **required_fields_problems(project), **loss_problems(project)}
    try:
        project.full_clean(exclude=["code"] if not project.code else None, validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.setdefault(field, messages[0])
    # Plausible dates, which the model fields do not check (forms do, in core/forms.py).
    for field, reason in instance_limit_problems(project).items():
        problems.setdefault(field, f"{reason}。")
    if problems:
        raise ValidationError(problems)


# --- Create and edit ---------------------------------------------------------------------------


def _require(user, action: str, project: Project | None = None) -> None:
    rule = Project.access
    if not rule.allows(user, action):
        raise PermissionDenied("您没有权限进行此操作。")
    if project is not None and project.pk and not Project.objects.restrict(user, action).filter(pk=project.pk).exists():
        raise PermissionDenied("该项目不在您的管理范围内。")


@transaction.atomic
def create_project(user, project: Project, *, year: int | None = None) -> Project:
    """Save a new project for ``user``: code, checks, and 100% credit to the responsible unit."""
    _require(user, Action.ADD)
    if user.role == "officer" and not project.responsible_unit.is_within(user.unit):
        raise ValidationError({"responsible_unit": "责任单位须为本单位或下级单位。"})
    validate_project(project)
    project.code = project.code or next_project_code(project.responsible_unit, year or timezone.localdate().year)
    project.created_by = user if getattr(user, "pk", None) else None
    project.count_unit = project.responsible_unit
    project.save()
    ProjectCredit.objects.create(project=project, unit=project.responsible_unit, percent=HUNDRED)
    emit(EventType.PROJECT_CREATED, Project, [project])
    _sync_stage_events(project, user)
    return project


@transaction.atomic
def update_project(user, project: Project, expected_version: int) -> Project:
    """Save edits with optimistic locking (StaleEditError if someone saved in between)."""
    _require(user, Action.CHANGE, project)
    # Stale first: a form opened before a stage claim lacks the claim's fields, and "须填写签约
    # 日期" would hide that someone else changed the project meanwhile.
    current = Project.objects.select_for_update().get(pk=project.pk)
    if current.version != expected_version:
        raise StaleEditError(current)
    validate_project(project)
    project.save_versioned(expected_version)
    _sync_stage_events(project, user)
    return project


def _sync_stage_events(project: Project, user) -> None:
    """A stage reached through the form (or a ledger row) becomes a submitted stage event
    for each lifecycle stage with a date that has no event yet, so verification and
    statistics see it."""
    existing = set(project.events.values_list("stage", flat=True))
    created = []
    for stage, field in STAGE_DATE_FIELDS.items():
        date = getattr(project, field)
        if date is None or stage in existing:
            continue
        if STAGE_ORDER[stage] > STAGE_ORDER.get(project.stage, -1) and project.stage in LIFECYCLE:
            continue
        created.append(
            StageEvent.objects.create(
                project=project,
                stage=stage,
                date=date,
                amount=project.total_investment if stage == Stage.SIGNED else None,
                submitted_by=user if getattr(user, "pk", None) else None,
            )
        )
    if created:
        emit(EventType.STAGE_SUBMITTED, StageEvent, created)


# --- Lifecycle --------------------------------------------------------------------------------


@dataclass
class StageClaim:
    stage: str
    date: datetime.date
    amount: Decimal | None = None
    note: str = ""
    is_supplementary: bool = False


def returned_claims(project: Project) -> dict[str, StageEvent]:
    """The stages whose latest claim (not a supplementary agreement) was returned, each with
    that returned event: the unit may claim them again, whatever stage the project shows."""
    latest: dict[str, StageEvent] = {}
    for event in project.events.filter(is_supplementary=False).order_by("id"):
        latest[event.stage] = event
    return {stage: event for stage, event in latest.items() if event.status == Verification.RETURNED}


@writing_together()  # one transaction; the roll-up follows its writes once, at the end
def submit_stage(user, project: Project, claim: StageClaim) -> StageEvent:
    """A unit reports that the project reached a stage. The event waits for the bureau.

    Dropped and on-hold need a reason (in ``note``). Moving backwards in the lifecycle is
    refused: a correction is made by returning the wrong event. A stage whose claim was
    returned may be claimed again (a resubmission): the returned event stays as history
    and the new one points back at it, so only the new one can be verified and counted.
    """
    _require(user, Action.CHANGE, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    resubmitting = None if claim.is_supplementary else returned_claims(project).get(claim.stage)
    if claim.stage in (Stage.DROPPED, Stage.ON_HOLD):
        if not claim.note.strip():
            raise ValidationError({"note": "退库或暂缓须说明原因。"})
        project.drop_reason = claim.note.strip()
    elif claim.stage in LIFECYCLE and project.stage in LIFECYCLE and resubmitting is None:
        if STAGE_ORDER[claim.stage] < STAGE_ORDER[project.stage] and not claim.is_supplementary:
            raise ValidationError(
                {
                    "stage": f"项目已处于「{project.get_stage_display()}」阶段，不能退回到「{Stage(claim.stage).label}」。"
                }
            )
    if (
        resubmitting is None
        and not claim.is_supplementary
        and claim.stage in STAGE_DATE_FIELDS
        and project.events.filter(stage=claim.stage, is_supplementary=False).exists()
    ):
        # A second claim of a stage already waiting or verified would be a silent duplicate.
        label = Stage(claim.stage).label
        hint = (
            "补充协议请选择「签约（补充协议）」。"
            if claim.stage == Stage.SIGNED
            else "如需更正，请联系招商局退回原填报。"
        )
        raise ValidationError({"stage": f"项目已填报过「{label}」，不能重复填报；{hint}"})
    if claim.date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天。"})
    field = STAGE_DATE_FIELDS.get(claim.stage)
    if claim.is_supplementary:
        if claim.stage != Stage.SIGNED:
            raise ValidationError({"is_supplementary": "只有签约事件可以是补充协议。"})
    else:
        # A resubmitted earlier stage (a returned signing of a project already claimed as
        # started) corrects that stage's date and amount without moving the project back.
        if claim.stage in LIFECYCLE and (
            resubmitting is None
            or project.stage not in LIFECYCLE
            or STAGE_ORDER[claim.stage] >= STAGE_ORDER[project.stage]
        ):
            project.stage = claim.stage
        elif claim.stage in (Stage.DROPPED, Stage.ON_HOLD):
            project.stage = claim.stage
        if field:
            setattr(project, field, claim.date)
        # The signing amount is the contracted total, except for a capital increase (增资),
        # where it is only the increase and the project's total stays what it was.
        if (
            claim.stage == Stage.SIGNED
            and claim.amount is not None
            and project.construction_nature != "capital_increase"
        ):
            project.total_investment = claim.amount
    validate_project(project)
    event = StageEvent.objects.create(
        project=project,
        stage=claim.stage,
        date=claim.date,
        amount=claim.amount if claim.stage == Stage.SIGNED else None,
        note=claim.note,
        is_supplementary=claim.is_supplementary,
        submitted_by=user,
        resubmission_of=resubmitting,
    )
    project.version += 1  # an edit form opened before the claim is now stale
    project.save()
    emit(EventType.STAGE_SUBMITTED, StageEvent, [event])
    return event


def verify_event(user, event: StageEvent, *, by_import: bool = False) -> StageEvent:
    """The bureau confirms a stage event; from now on it counts in statistics
    (``core.verification.verify``; the project's verified stage follows)."""
    return verify(user, event, by_import=by_import)


def return_event(user, event: StageEvent, reason: str) -> StageEvent:
    """The bureau sends a claim back with a reason; the unit corrects and resubmits."""
    return return_for_correction(user, event, reason)


def _recompute_verified_stage(project: Project) -> None:
    """The verified stage is the furthest lifecycle stage with a verified event (or the
    latest verified exit, 退库/暂缓, if it is newer than every verified lifecycle event)."""
    verified = list(project.events.filter(status=Verification.VERIFIED, is_supplementary=False).order_by("date", "id"))
    stage = ""
    for event in verified:
        if event.stage in (Stage.DROPPED, Stage.ON_HOLD):
            stage = event.stage
        elif (
            not stage
            or stage in (Stage.DROPPED, Stage.ON_HOLD)
            or STAGE_ORDER[event.stage] > STAGE_ORDER.get(stage, -1)
        ):
            stage = event.stage
    if project.verified_stage != stage:
        project = Project.objects.select_for_update().get(pk=project.pk)
        project.verified_stage = stage
        project.version += 1  # an edit form opened before the verification is now stale
        project.save()


# --- Credit shares -----------------------------------------------------------------------------


@writing_together()  # one transaction; the roll-up follows its writes once, at the end
def set_credits(user, project: Project, shares: list[tuple[object, Decimal, str]]) -> list[ProjectCredit]:
    """Replace a project's credit shares: (unit, percent, reason) rows summing to 100.

    Only the bureau may change them (cross-region landing, a stationed officer's home
    department): they move numbers between units' rankings.
    """
    if user.role != "bureau":
        raise PermissionDenied("业绩归属只能由招商局调整。")
    if not shares:
        raise ValidationError({"credits": "至少需要一个计入单位。"})
    units = [unit.pk for unit, _, _ in shares]
    if len(set(units)) != len(units):
        raise ValidationError({"credits": "同一单位不能重复出现。"})
    total = sum((Decimal(percent) for _, percent, _ in shares), Decimal(0))
    if total != HUNDRED:
        raise ValidationError({"credits": f"各单位比例之和须为 100%，当前为 {total.normalize():f}%。"})
    for _, percent, _ in shares:
        if Decimal(percent) <= 0:
            raise ValidationError({"credits": "比例须大于 0。"})
    return _replace_credits(project, shares)


def _replace_credits(project: Project, shares: list[tuple[object, Decimal, str]]) -> list[ProjectCredit]:
    """Write checked shares (summing to 100) and the count unit they imply."""
    keep = {unit.pk: (Decimal(percent), reason) for unit, percent, reason in shares}
    for credit in list(project.credits.all()):
        if credit.unit_id not in keep:
            credit.delete()
    result = []
    for unit, percent, reason in shares:
        credit, _ = ProjectCredit.objects.get_or_create(
            project=project, unit=unit, defaults={"percent": percent, "reason": reason}
        )
        if credit.percent != Decimal(percent) or credit.reason != reason:
            credit.percent = Decimal(percent)
            credit.reason = reason
            credit.save()
        result.append(credit)
    # The project count goes to the largest share; on a tie, to the responsible unit if it
    # is among the largest, else to the unit with the smallest code (stable, documented).
    largest = max(Decimal(percent) for _, percent, _ in shares)
    leaders = sorted((unit for unit, percent, _ in shares if Decimal(percent) == largest), key=lambda unit: unit.code)
    count_unit = next((unit for unit in leaders if unit.pk == project.responsible_unit_id), leaders[0])
    if project.count_unit_id != count_unit.pk:
        project = Project.objects.select_for_update().get(pk=project.pk)
        project.count_unit = count_unit
        project.version += 1  # an edit form opened before the change is now stale
        project.save()
    return result


@writing_together()  # one transaction; the roll-up follows its writes once, at the end
def reassign_project(project: Project, responsible_unit, shares: list[tuple[object, Decimal, str]]) -> Project:
    """Make ``responsible_unit`` answer for ``project`` with these credit shares (summing to 100).

    For a workflow that has checked its own authority and rule first — a handover the
    receiving unit accepted, a pool lead claimed or assigned (``leads.services``) — where
    the acting officer cannot yet change the project themselves. The project's version is
    raised, so a form opened before the move is stale.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.responsible_unit = responsible_unit
    project.version += 1
    project.save()
    _replace_credits(project, shares)
    return Project.objects.get(pk=project.pk)


# --- Withdrawing a project created in error -----------------------------------------------------


# Apps above projects that use a project in a way that forbids withdrawing it (assessment:
# an entry that scores it) register a check in their AppConfig.ready(): ``check(project)``
# returns the refusal in Chinese, or "".
WITHDRAWAL_CHECKS: list[Callable[[Project], str]] = []


def register_withdrawal_check(check: Callable[[Project], str]) -> None:
    if check not in WITHDRAWAL_CHECKS:
        WITHDRAWAL_CHECKS.append(check)


def withdrawal_refusal(user, project: Project) -> str:
    """Why ``user`` may not withdraw ``project`` (empty when they may).

    Only an unverified lead can go: nothing of it has been confirmed by the bureau or
    counted, and nothing else (money, problems, instructions, scheduling, assessment,
    a merge) refers to it. Anything further is ended by 退库, which keeps the history.
    """
    if user.role != "bureau" and project.created_by_id != getattr(user, "pk", None):
        return "只有创建该项目的人员（或招商局）可以撤回项目。"
    if project.merged_into_id or project.merged_from.exists():
        return "该项目参与过重复项目合并，不能撤回。"
    if project.verified_stage or project.events.filter(status=Verification.VERIFIED).exists():
        return "该项目已有经招商局审核通过的阶段，不能撤回；如项目终止，请填报「退库」。"
    if project.tranches.exists():
        return "该项目已登记到位资金，不能撤回；如项目终止，请填报「退库」。"
    if project.problems.exists() or project.instructions.exists():
        return "该项目已有问题清单或领导批示，不能撤回。"
    if project.scheduling_items.exists():
        return "该项目已列入调度，不能撤回。"
    for check in WITHDRAWAL_CHECKS:
        refusal = check(project)
        if refusal:
            return refusal
    return ""


@transaction.atomic
def withdraw_project(user, project: Project, reason: str) -> None:
    """Delete a project entered in error, with its unverified claims, follow-ups, files
    and credit shares: each row deleted on its own, so the audit log keeps all of it."""
    _require(user, Action.CHANGE, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    refusal = withdrawal_refusal(user, project)
    if refusal:
        raise ValidationError(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明撤回原因，例如：重复录入、录入错误。"})
    detail = f"撤回项目：{reason}"
    for attachment in project.attachments.all():
        attachment.delete(audit_detail=detail)
    for rows in (project.events.all(), project.follow_ups.all(), project.credits.all()):
        for row in rows:
            row.delete(audit_detail=detail)
    project.delete(audit_detail=detail)


# --- Follow-ups --------------------------------------------------------------------------------


@transaction.atomic
def add_follow_up(user, project: Project, follow_up: FollowUp) -> FollowUp:
    _require(user, Action.CHANGE, project)
    follow_up.project = project
    follow_up.created_by = user
    if follow_up.date > timezone.localdate():
        raise ValidationError({"date": "洽谈日期不能晚于今天。"})
    if follow_up.next_contact_on and follow_up.next_contact_on < follow_up.date:
        raise ValidationError({"next_contact_on": "下次联系日期不能早于本次洽谈日期。"})
    follow_up.full_clean(exclude=["project", "created_by"])
    follow_up.save()
    return follow_up


# --- Investors -----------------------------------------------------------------------------------


def find_or_create_investor(user, name: str, uscc: str = "", unit=None):
    """The company behind a typed investor and what to tell the officer: see
    ``relations.services.investor_for`` (one firm, one record; only those who maintain a
    company change its identity)."""
    from zhaoshang.relations.services import investor_for

    return investor_for(user, name, uscc, unit)


@writing_together()  # one transaction; the roll-up follows its writes once, at the end
def bulk_edit(user, projects, changes: dict) -> int:
    """Change the same fields on many projects; each changed project gets its version
    raised and its own audit row. Returns how many projects changed. (One transaction:
    ``update_projects_bulk``'s.)"""
    allowed = {"responsible_unit", "responsible_leader", "leading_industry", "chain_tag"}
    changes = {key: value for key, value in changes.items() if key in allowed and value not in (None, "")}
    if not changes:
        raise ValidationError("请至少填写一项要修改的内容。")
    _require(user, Action.CHANGE)
    if (
        "responsible_unit" in changes
        and user.role == "officer"
        and not changes["responsible_unit"].is_within(user.unit)
    ):
        raise ValidationError({"responsible_unit": "责任单位须为本单位或下级单位。"})
    for project in projects:
        for key, value in changes.items():
            setattr(project, key, value)
    return len(update_projects_bulk(user, projects))


def bulk_problems(project: Project) -> dict[str, str]:
    """The checks a project passes when saved in bulk (created or updated): the field
    limits a form would apply (a bulk write skips full_clean, and one amount beyond its
    column once made every page listing the project fail), dates in lifecycle order and
    the fields its stage requires."""
    return {**instance_limit_problems(project), **date_order_problems(project), **required_fields_problems(project)}


def _refuse_bulk_problems(projects: list[Project], problems_of) -> None:
    for project in projects:
        found = problems_of(project)
        if found:
            raise ValidationError({field: f"{project.name}：{message}" for field, message in found.items()})


def _chunks(items: list, size: int = 2000):
    # A few thousand ids per IN (...): SQLite limits the variables of one statement.
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The fields the search text is made of (Project.derive_fields).
SEARCHED_FIELDS = ("name", "code", "investor")


def prepare_updates(projects: list[Project]) -> dict[int, list[str]]:
    """The checks and the comparison ``update_projects_bulk`` makes, which read nothing but
    the investors not loaded yet: a caller may run them before its transaction, as a
    ledger of 10,000 rows does. Returns {project id: the fields edited} of the projects
    that changed (``bulk_problems`` refuses the whole list with the first problem)."""
    _refuse_bulk_problems(projects, bulk_problems)
    # The search text names the investor: read the investors not loaded yet, all at once.
    prefetch_related_objects([project for project in projects if project.investor_id], "investor")
    edited = {}
    for project in projects:
        before = project._audit_before
        searched = any(
            before.get(name) != getattr(project, Project._meta.get_field(name).attname) for name in SEARCHED_FIELDS
        )
        project.derive_fields(search_text=searched or not project.search_text)
        diff = project.audit_diff(before, project._raw_values())
        if diff:
            edited[project.pk] = list(diff)
    return edited


@transaction.atomic
def update_projects_bulk(
    user, projects: list[Project], *, prepared: dict[int, list[str]] | None = None, detail: str = ""
) -> list[Project]:
    """Save edits to many stored projects as ``update_project`` saves one, in a few
    statements for all of them: each must be in the user's scope and still at the version
    it was read at (``StaleEditError`` otherwise), and pass ``bulk_problems``; each changed
    project gets its version raised, one UPDATE audit row and the stage events its new
    dates call for; the roll-up of the changed projects is brought up to date once.

    ``projects``: model instances as loaded (their loaded values are what the audit row
    compares with), with the edits set on them. One with nothing changed is left alone (no
    version, no audit row). ``prepared``: what ``prepare_updates`` returned for them, if the
    caller ran it already. Returns the changed projects.
    """
    from zhaoshang.core.models import record_updated, update_in_bulk

    _require(user, Action.CHANGE)
    if not projects:
        return []
    stored: dict[int, int] = {}
    for chunk in _chunks([project.pk for project in projects]):
        # One read for each chunk: the scope check and the version check together, the rows
        # locked (PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock already).
        restricted = Project.objects.restrict(user, Action.CHANGE).filter(pk__in=chunk)
        stored.update(restricted.select_for_update().values_list("pk", "version"))
    for project in projects:
        if project.pk not in stored:
            raise PermissionDenied("该项目不在您的管理范围内。")
    for project in projects:
        if stored[project.pk] != project.version:
            raise StaleEditError(Project.objects.get(pk=project.pk))
    edited = prepare_updates(projects) if prepared is None else prepared
    changed = [project for project in projects if project.pk in edited]
    if not changed:
        return []
    before = {project.pk: project._audit_before for project in changed}
    for project in changed:
        project.version += 1
    with projects_recomputed_together(project.pk for project in changed):
        update_in_bulk(changed, lambda project: [*edited[project.pk], "version"])  # sets updated_at too
        # The audit rows as save() writes them: every logged field that moved, the version
        # and the time of the change included.
        after = {project.pk: project._raw_values() for project in changed}
        record_updated(
            ((project, project.audit_diff(before[project.pk], after[project.pk])) for project in changed),
            detail=detail,
        )
        _sync_stage_events_bulk(changed, user)
    for project in changed:
        project._audit_before = after[project.pk]
    return changed


def projects_recomputed_together(project_ids):
    """A ``core.bulk.writing_together`` block naming these projects up front: writes that
    send no model signals (``update_in_bulk``) still reach the listeners (the statistics
    roll-up computes the projects' facts before and once after). Project edits and the
    stage events they bring write no funds tranche: the roll-up leaves the tranches out
    but for projects whose cohort or credit shares moved."""
    return writing_together(project_ids, untouched={"funds.fundstranche"})


def _sync_stage_events_bulk(projects: list[Project], user) -> None:
    """``_sync_stage_events`` for many projects: their stored events read at once, the
    new ones inserted together with their audit rows."""
    from zhaoshang.core.models import record_created

    existing: set[tuple[int, str]] = set()
    for chunk in _chunks([project.pk for project in projects]):
        existing.update(StageEvent.objects.filter(project_id__in=chunk).values_list("project_id", "stage"))
    submitter = user if getattr(user, "pk", None) else None
    events = []
    for project in projects:
        for stage, field in STAGE_DATE_FIELDS.items():
            date = getattr(project, field)
            if date is None or (project.pk, stage) in existing:
                continue
            if STAGE_ORDER[stage] > STAGE_ORDER.get(project.stage, -1) and project.stage in LIFECYCLE:
                continue
            events.append(
                StageEvent(
                    project=project,
                    stage=stage,
                    date=date,
                    amount=project.total_investment if stage == Stage.SIGNED else None,
                    submitted_by=submitter,
                )
            )
    StageEvent.objects.bulk_create(events, batch_size=2000)
    record_created(events)


# --- Bulk creation (ledger import) -------------------------------------------------------------


@transaction.atomic
def create_projects_bulk(user, projects: list[Project], *, verified: bool = False) -> list[Project]:
    """Create many projects at once: the same checks, codes, credit shares and stage events
    as ``create_project``, inserted in bulk with their audit rows written alongside.

    ``verified``: the bureau migrating historical ledgers confirms the stage events at
    import; the events carry verified_by_import and the audit log says so.
    """
    from zhaoshang.core.models import record_created

    _require(user, Action.ADD)
    if verified and not StageEvent.access.allows(user, Action.VERIFY):
        raise PermissionDenied("只有招商局可以在导入时确认审核通过。")

    def problems_of(project):
        if user.role == "officer" and not project.responsible_unit.is_within(user.unit):
            return {"responsible_unit": "责任单位须为本单位或下级单位。"}
        return bulk_problems(project)

    _refuse_bulk_problems(projects, problems_of)

    today = timezone.localdate()
    next_sequence: dict[str, int] = {}
    for project in projects:
        year = (project.signed_on or today).year
        prefix = f"{project.responsible_unit.code}-{year}-"
        if prefix not in next_sequence:
            next_sequence[prefix] = int(next_project_code(project.responsible_unit, year).rsplit("-", 1)[1])
        project.code = f"{prefix}{next_sequence[prefix]:04d}"
        next_sequence[prefix] += 1
        project.created_by = user if getattr(user, "pk", None) else None
        project.count_unit = project.responsible_unit
        project.derive_fields()
    now = timezone.now()
    events_for: dict[int, list[StageEvent]] = {}
    for index, project in enumerate(projects):
        events = []
        for stage, field in STAGE_DATE_FIELDS.items():
            date = getattr(project, field)
            if date is None or (project.stage in LIFECYCLE and STAGE_ORDER[stage] > STAGE_ORDER.get(project.stage, -1)):
                continue
            event = StageEvent(
                stage=stage,
                date=date,
                amount=project.total_investment if stage == Stage.SIGNED else None,
                submitted_by=user if getattr(user, "pk", None) else None,
            )
            if verified:
                event.status = Verification.VERIFIED
                event.verified_by = user
                event.verified_at = now
                event.verified_by_import = True
            events.append(event)
        events_for[index] = events
        if verified and events:
            project.verified_stage = max((event.stage for event in events), key=lambda stage: STAGE_ORDER[stage])
    # Bulk inserts send no model signals: the block tells listeners (the statistics roll-up)
    # which projects were created, once, at its end.
    with writing_together() as block:
        Project.objects.bulk_create(projects, batch_size=1000)
        record_created(projects, detail="台账导入")
        credits = [
            ProjectCredit(project=project, unit=project.responsible_unit, percent=HUNDRED) for project in projects
        ]
        ProjectCredit.objects.bulk_create(credits, batch_size=2000)
        record_created(credits, detail="台账导入")
        events = []
        for index, project in enumerate(projects):
            for event in events_for[index]:
                event.project = project
                events.append(event)
        StageEvent.objects.bulk_create(events, batch_size=2000)
        record_created(events, detail="台账导入")
        block.created(project.pk for project in projects)
    if verified:
        context = current_context()
        AuditLog.objects.bulk_create(
            [
                AuditLog(
                    action=AuditAction.VERIFY,
                    user_id=context.user_id,
                    username=context.username or "",
                    object_type=event._meta.label_lower,
                    object_id=str(event.pk),
                    object_repr=str(event)[:200],
                    changes={"status": [Verification.SUBMITTED, Verification.VERIFIED]},
                    detail="导入时确认审核通过",
                    ip=context.ip,
                    request_id=context.request_id,
                    source=context.source,
                )
                for event in events
            ],
            batch_size=2000,
        )
    return projects


def company_timeline_entries(user, company) -> list:
    """A company's projects on its timeline (relations.timeline, registered in apps.py):
    each project the user may read as it was entered, and each of its stage events."""
    from django.urls import reverse

    from zhaoshang.relations.timeline import Entry

    projects = Project.objects.restrict(user).filter(investor=company, merged_into__isnull=True)
    entries = []
    for project in projects.order_by("-created_at")[:100]:
        url = reverse("projects:detail", args=[project.pk])
        entries.append(Entry(project.created_at, "项目", f"录入项目「{project.name}」", url, colour="blue"))
    events = (
        StageEvent.objects.restrict(user)
        .filter(project__in=projects.values("pk"))
        .select_related("project")
        .order_by("-submitted_at")[:100]
    )
    for event in events:
        url = reverse("projects:detail", args=[event.project_id])
        title = f"项目「{event.project.name}」{event.get_stage_display()}（{event.date:%Y年%m月%d日}）"
        entries.append(Entry(event.submitted_at, "项目", title, url, detail=event.get_status_display(), colour="blue"))
    return entries


def company_panel(user, company) -> dict:
    """A company's projects on its page (the relations app's, registered in apps.py): the
    latest 100 the user may read, and how many there are."""
    projects = (
        Project.objects.restrict(user)
        .filter(investor=company, merged_into__isnull=True)
        .select_related("responsible_unit")
        .order_by("-updated_at")
    )
    return {"projects": projects[:100], "project_count": projects.count()}
