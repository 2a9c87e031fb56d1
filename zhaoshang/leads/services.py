"""The workflows of leads that move between units: handing a project over (项目信息共享) and
the lead pool (线索池). Every move of a project goes through
``projects.services.reassign_project``, so the roll-up, the audit log and the version follow."""

import datetime
import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.access import scope_unit_ids
from zhaoshang.core.choices import Action
from zhaoshang.core.roles import Role
from zhaoshang.leads.choices import HandoverStatus, PoolStatus
from zhaoshang.leads.models import Handover, PoolLead
from zhaoshang.notifications.choices import NotificationKind
from zhaoshang.notifications.services import notify, notify_unit
from zhaoshang.projects.choices import STAGE_ORDER, Stage
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import reassign_project

HUNDRED = Decimal(100)
REASON_MAX = 300


def default_kept_percent() -> Decimal:
    """The bureau's rule for what a passing unit keeps (``ZHAOSHANG_HANDOVER_KEPT_PERCENT``)."""
    return Decimal(str(settings.ZHAOSHANG_HANDOVER_KEPT_PERCENT))


def _live_project(user, project: Project, action=Action.CHANGE) -> Project:
    found = Project.objects.restrict(user, action).filter(pk=project.pk, merged_into__isnull=True).first()
    if found is None:
        raise PermissionDenied("该项目不在您的管理范围内。")
    return found


def _in_scope(user, unit) -> bool:
    return user.role == Role.BUREAU or (user.role == Role.OFFICER and unit.pk in scope_unit_ids(user))


def _shares(receiver, giver, kept: Decimal, reason: str) -> list:
    if kept <= 0 or giver.pk == receiver.pk:
        return [(receiver, HUNDRED, reason)]
    return [(receiver, HUNDRED - kept, reason), (giver, kept, f"移交单位保留：{reason}")]


# --- Handovers (项目信息共享) --------------------------------------------------------------------


@transaction.atomic
def offer_handover(user, project: Project, to_unit, note: str, kept_percent=None) -> Handover:
    """Offer ``project`` to ``to_unit``; it stays the offering unit's until accepted."""
    if user.role not in (Role.BUREAU, Role.OFFICER):
        raise PermissionDenied("只有招商局和单位填报员可以移交项目。")
    project = _live_project(user, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    problems = {}
    if to_unit is None:
        problems["to_unit"] = "请选择接收单位。"
    elif to_unit.pk == project.responsible_unit_id:
        problems["to_unit"] = "接收单位不能是项目当前的责任单位。"
    note = (note or "").strip()
    if not note:
        problems["note"] = "请说明项目情况，例如：投资方、投资意向、联系人、为什么适合接收单位。"
    kept = default_kept_percent() if kept_percent in (None, "") else Decimal(kept_percent)
    if not (Decimal(0) <= kept < HUNDRED):
        problems["kept_percent"] = "保留比例须在 0 至 99 之间。"
    if problems:
        raise ValidationError(problems)
    if Handover.objects.filter(project=project, status=HandoverStatus.OFFERED).exists():
        raise ValidationError("该项目已有一条待接收的移交，请等对方处理或先撤回。")
    if PoolLead.objects.filter(project=project, status=PoolStatus.POOLED).exists():
        raise ValidationError("该项目在线索池中待认领，不能移交。")
    handover = Handover.objects.create(
        project=project,
        from_unit=project.responsible_unit,
        to_unit=to_unit,
        kept_percent=kept,
        note=note,
        offered_by=user,
    )
    url = reverse("leads:handover_detail", args=[handover.pk])
    transaction.on_commit(
        lambda: notify_unit(
            to_unit,
            NotificationKind.ASSIGNMENT,
            f"{handover.from_unit.name}向本单位移交项目「{project.name}」，请接收或说明原因拒绝",
            url=url,
        )
    )
    return handover


def _open_handover(handover: Handover) -> Handover:
    locked = Handover.objects.select_for_update().select_related("project", "from_unit", "to_unit").get(pk=handover.pk)
    if locked.status != HandoverStatus.OFFERED:
        raise ValidationError(f"该移交已{locked.get_status_display()}，不能再处理。")
    return locked


def _decided(user, handover: Handover, status: str, reason: str = "") -> Handover:
    handover.status = status
    handover.decided_by = user
    handover.decided_at = timezone.now()
    handover.decline_reason = reason
    handover.save()
    return handover


@transaction.atomic
def accept_handover(user, handover: Handover) -> Handover:
    """The receiving unit takes the project: it becomes responsible, and the passing unit
    keeps ``kept_percent`` of the credit (the bureau can adjust the shares afterwards)."""
    handover = _open_handover(handover)
    if not _in_scope(user, handover.to_unit):
        raise PermissionDenied("只有接收单位（或招商局）可以接收该项目。")
    if handover.project.merged_into_id:
        raise ValidationError("该项目已合并到另一个项目，不能接收。")
    reassign_project(
        handover.project,
        handover.to_unit,
        _shares(handover.to_unit, handover.from_unit, handover.kept_percent, "项目信息共享"),
    )
    _decided(user, handover, HandoverStatus.ACCEPTED)
    _tell_offerer(handover, f"{handover.to_unit.name}已接收项目「{handover.project.name}」")
    return handover


@transaction.atomic
def decline_handover(user, handover: Handover, reason: str) -> Handover:
    handover = _open_handover(handover)
    if not _in_scope(user, handover.to_unit):
        raise PermissionDenied("只有接收单位（或招商局）可以拒绝该项目。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明拒绝原因，例如：不符合本区域产业定位、用地条件不具备。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"拒绝原因最多 {REASON_MAX} 个字。"})
    _decided(user, handover, HandoverStatus.DECLINED, reason)
    _tell_offerer(handover, f"{handover.to_unit.name}拒绝接收项目「{handover.project.name}」：{reason}")
    return handover


@transaction.atomic
def withdraw_handover(user, handover: Handover) -> Handover:
    handover = _open_handover(handover)
    if not _in_scope(user, handover.from_unit):
        raise PermissionDenied("只有移交单位（或招商局）可以撤回移交。")
    return _decided(user, handover, HandoverStatus.WITHDRAWN)


def _tell_offerer(handover: Handover, title: str) -> None:
    url = reverse("leads:handover_detail", args=[handover.pk])
    offerer = handover.offered_by
    transaction.on_commit(lambda: notify([offerer], NotificationKind.SYSTEM, title, url=url))


def handover_actions(user, handover: Handover) -> dict[str, bool]:
    """Which buttons the handover page shows this user."""
    open_ = handover.is_open
    return {
        "accept": open_ and _in_scope(user, handover.to_unit),
        "decline": open_ and _in_scope(user, handover.to_unit),
        "withdraw": open_ and _in_scope(user, handover.from_unit),
    }


# --- The lead pool (线索池) ------------------------------------------------------------------------


@transaction.atomic
def place_in_pool(user, project: Project, *, note: str = "", open_to=()) -> PoolLead:
    """The bureau puts a lead in the pool: until taken, the bureau's unit answers for it."""
    if user.role != Role.BUREAU:
        raise PermissionDenied("只有招商局可以把线索放入线索池。")
    project = _live_project(user, project)
    if STAGE_ORDER.get(project.verified_stage or Stage.LEAD, 0) >= STAGE_ORDER[Stage.SIGNED]:
        raise ValidationError("已签约的项目不能放入线索池。")
    if Handover.objects.filter(project=project, status=HandoverStatus.OFFERED).exists():
        raise ValidationError("该项目有一条待接收的移交，请先处理移交。")
    entry = PoolLead.objects.filter(project=project).first()
    if entry is not None and entry.status == PoolStatus.POOLED:
        raise ValidationError("该项目已在线索池中。")
    units = list(open_to)
    if entry is None:
        entry = PoolLead(project=project, placed_by=user)
    entry.pool_unit = user.unit
    entry.note = (note or "").strip()
    entry.open_to_all = not units
    entry.status = PoolStatus.POOLED
    entry.taken_by_unit = entry.taken_by = entry.taken_at = None
    entry.save()
    entry.open_to.set(units)
    reassign_project(project, user.unit, [(user.unit, HUNDRED, "线索池")])
    return entry


def _pooled(entry: PoolLead) -> PoolLead:
    locked = PoolLead.objects.select_for_update().select_related("project", "pool_unit").get(pk=entry.pk)
    if locked.status != PoolStatus.POOLED:
        raise ValidationError("该线索已被认领或分配。")
    return locked


@transaction.atomic
def claim_lead(user, entry: PoolLead) -> PoolLead:
    """An officer's unit takes a lead open to it."""
    if user.role != Role.OFFICER:
        raise PermissionDenied("线索由单位填报员认领；招商局请使用「分配」。")
    if not PoolLead.objects.restrict(user, Action.CHANGE).filter(pk=entry.pk).exists():
        raise PermissionDenied("该线索未向本单位开放。")
    entry = _pooled(entry)
    return _take(user, entry, user.unit, PoolStatus.CLAIMED)


@transaction.atomic
def assign_lead(user, entry: PoolLead, unit) -> PoolLead:
    if user.role != Role.BUREAU:
        raise PermissionDenied("只有招商局可以分配线索。")
    if unit is None:
        raise ValidationError({"unit": "请选择承接单位。"})
    entry = _pooled(entry)
    entry = _take(user, entry, unit, PoolStatus.ASSIGNED)
    url = reverse("projects:detail", args=[entry.project_id])
    title = f"招商局向本单位分配线索「{entry.project.name}」"
    transaction.on_commit(lambda: notify_unit(unit, NotificationKind.ASSIGNMENT, title, url=url))
    return entry


def _take(user, entry: PoolLead, unit, status: str) -> PoolLead:
    entry.status = status
    entry.taken_by_unit = unit
    entry.taken_by = user
    entry.taken_at = timezone.now()
    entry.save()
    reassign_project(
        entry.project, unit, [(unit, HUNDRED, "线索池认领" if status == PoolStatus.CLAIMED else "线索池分配")]
    )
    return entry


@transaction.atomic
def return_to_pool(entry: PoolLead, reason: str, user=None) -> PoolLead:
    """Back in the pool: the bureau's unit answers for the lead again."""
    # Only the entry's row is locked: PostgreSQL refuses FOR UPDATE on the outer join that
    # the nullable taken_by_unit needs.
    entry = (
        PoolLead.objects.select_for_update(of=("self",))
        .select_related("project", "pool_unit", "taken_by_unit")
        .get(pk=entry.pk)
    )
    if entry.status == PoolStatus.POOLED:
        raise ValidationError("该线索已在线索池中。")
    if user is not None and not _in_scope(user, entry.taken_by_unit):
        raise PermissionDenied("只有承接单位（或招商局）可以退回线索。")
    was = entry.taken_by_unit
    entry.status = PoolStatus.POOLED
    entry.taken_by_unit = entry.taken_by = entry.taken_at = None
    entry.times_returned += 1
    entry.save()
    reassign_project(entry.project, entry.pool_unit, [(entry.pool_unit, HUNDRED, "线索池")])
    title = f"线索「{entry.project.name}」已退回线索池：{reason}"
    transaction.on_commit(lambda: notify_unit(was, NotificationKind.SYSTEM, title))
    return entry


_RETURN_EVERY_SECONDS = 3600
_last_returned = 0.0


def idle_leads(now: datetime.datetime | None = None):
    """Taken leads with no follow-up since they were taken, for longer than the setting, and
    not yet signed: what the upkeep sends back to the pool."""
    now = now or timezone.now()
    cut_off = now - datetime.timedelta(days=settings.ZHAOSHANG_LEAD_POOL_IDLE_DAYS)
    taken = PoolLead.objects.filter(status__in=[PoolStatus.CLAIMED, PoolStatus.ASSIGNED], taken_at__lt=cut_off)
    early = [Stage.LEAD, Stage.NEGOTIATING, ""]
    for entry in taken.select_related("project").filter(project__verified_stage__in=early):
        followed = entry.project.follow_ups.filter(date__gte=timezone.localdate(entry.taken_at)).exists()
        if not followed:
            yield entry


def return_idle_leads(*, now: datetime.datetime | None = None, force: bool = False) -> int:
    """The worker's upkeep (at most hourly): idle taken leads go back to the pool."""
    global _last_returned
    if not force and time.monotonic() - _last_returned < _RETURN_EVERY_SECONDS:
        return 0
    _last_returned = time.monotonic()
    days = settings.ZHAOSHANG_LEAD_POOL_IDLE_DAYS
    returned = 0
    for entry in list(idle_leads(now)):
        return_to_pool(entry, f"认领后 {days} 天无跟进记录")
        returned += 1
    return returned


def pool_figures(user) -> dict:
    """The pool's conversion (docs/counting-rules.md, 线索池转化): of the leads the user sees
    that have been taken, how many have a verified signing."""
    entries = PoolLead.objects.restrict(user, Action.VIEW)
    taken = entries.exclude(status=PoolStatus.POOLED)
    signed_stages = [stage for stage, order in STAGE_ORDER.items() if order >= STAGE_ORDER[Stage.SIGNED]]
    signed = taken.filter(project__verified_stage__in=signed_stages).count()
    taken_count = taken.count()
    rate = (Decimal(signed) * HUNDRED / taken_count).quantize(Decimal("0.1")) if taken_count else None
    return {
        "pooled": entries.filter(status=PoolStatus.POOLED).count(),
        "taken": taken_count,
        "signed": signed,
        "rate": rate,
    }


def units_to_choose(user):
    """Units a handover or an assignment may go to: every active unit, outside the officer's
    own subtree too (``Action.ADDRESS``: the organisation chart, not its data)."""
    return Unit.objects.restrict(user, Action.ADDRESS).filter(active=True).order_by("path")


def project_panel(user, project: Project) -> dict:
    """The 线索共享 card on a project's page (registered in LeadsConfig.ready)."""
    handovers = list(
        Handover.objects.restrict(user, Action.VIEW).filter(project=project).select_related("from_unit", "to_unit")[:10]
    )
    entry = PoolLead.objects.restrict(user, Action.VIEW).filter(project=project).first()
    open_handover = any(handover.is_open for handover in handovers)
    pooled = entry is not None and entry.status == PoolStatus.POOLED
    may_change = (
        user.role in (Role.BUREAU, Role.OFFICER)
        and Project.objects.restrict(user, Action.CHANGE).filter(pk=project.pk).exists()
        and not project.merged_into_id
    )
    early = STAGE_ORDER.get(project.verified_stage or Stage.LEAD, 0) < STAGE_ORDER[Stage.SIGNED]
    return {
        "project_id": project.pk,
        "handovers": handovers,
        "pool_entry": entry,
        "can_hand_over": may_change and not open_handover and not pooled,
        "can_pool": may_change and user.role == Role.BUREAU and early and not open_handover and not pooled,
    }
