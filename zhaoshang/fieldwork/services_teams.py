"""Stationed teams (驻点招商小分队) and their intelligence (招商情报): saving a team, its members
and monthly reports; a signal's pipeline 线索信号 → 已核实 → 已拜访 → 转为项目线索 (or 排除 with a
reason); the firms likely to move or expand, by region; a team's figures (docs/counting-rules.md,
招商情报). Every write checks the user's scope and runs in one transaction."""

from collections import OrderedDict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.parsing import normalise_text
from zhaoshang.fieldwork.choices import OPEN_SIGNAL_STAGES, ReportStatus, SignalStage
from zhaoshang.fieldwork.models import Signal, StationedTeam, TeamMember, TeamReport
from zhaoshang.projects import services as project_services
from zhaoshang.projects.choices import PromotionMethod, Stage, Verification
from zhaoshang.projects.models import Project, StageEvent

HUNDRED = Decimal(100)
TEAM_UNIT_TYPES = ("stationed_team", "industry_team")

# --- Teams -----------------------------------------------------------------------------------


def _may(user, model, action, obj=None) -> None:
    if not model.access.allows(user, action):
        raise PermissionDenied("您没有权限进行此操作。")
    if obj is not None and obj.pk and not model.objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("该记录不在您的管理范围内。")


def _save(obj, expected_version: int | None) -> None:
    """An edit saves against the version its form was opened at (StaleEditError if another
    save came between); a new row, or a write without a form, just saves."""
    if expected_version is not None and obj.pk:
        obj.save_versioned(expected_version)
    else:
        obj.save()


def team_units(user):
    """The units a team may be: stationed teams and 产业专班 the user sees."""
    return Unit.objects.restrict(user).filter(active=True, type__in=TEAM_UNIT_TYPES).order_by("path")


@transaction.atomic
def save_team(user, team: StationedTeam, regions=None, *, expected_version: int | None = None) -> StationedTeam:
    _may(user, StationedTeam, Action.ADD if team.pk is None else Action.CHANGE, team)
    if not team_units(user).filter(pk=team.unit_id).exists():
        raise ValidationError({"unit": "请选择您管理范围内类型为「驻点招商小分队」或「产业专班」的单位。"})
    team.leader_name = normalise_text(team.leader_name)
    team.leader_title = normalise_text(team.leader_title)
    if not team.leader_name:
        raise ValidationError({"leader_name": "请填写队长。"})
    if StationedTeam.objects.filter(unit_id=team.unit_id).exclude(pk=team.pk).exists():
        raise ValidationError({"unit": "该单位已登记为小分队。"})
    _save(team, expected_version)
    if regions is not None:
        team.target_regions.set(regions)
    return team


def default_home_share() -> Decimal:
    return Decimal(settings.ZHAOSHANG_TEAM_HOME_SHARE_PERCENT)


def member_home_share(member: TeamMember) -> Decimal:
    """The percent of a brought project's credit for the member's home unit (0 without one)."""
    if member.home_unit_id is None:
        return Decimal(0)
    return member.home_share if member.home_share is not None else default_home_share()


@transaction.atomic
def save_member(user, member: TeamMember) -> TeamMember:
    _may(user, StationedTeam, Action.CHANGE, member.team)
    member.name = normalise_text(member.name) or (member.user.name if member.user_id else "")
    if not member.name:
        raise ValidationError({"name": "请填写队员姓名或选择账号。"})
    if member.home_share is not None and not (0 <= member.home_share < HUNDRED):
        raise ValidationError({"home_share": "派出单位分成须在 0 到 99.99 之间。"})
    if member.home_unit_id == member.team.unit_id:
        raise ValidationError({"home_unit": "派出单位不能是小分队本身。"})
    member.save()
    return member


@transaction.atomic
def save_report(user, report: TeamReport, *, submit: bool = False, expected_version: int | None = None) -> TeamReport:
    """A monthly report, kept as a draft or submitted (报送); a submitted report is closed."""
    _may(user, StationedTeam, Action.CHANGE, report.team)
    if report.pk and TeamReport.objects.filter(pk=report.pk, status=ReportStatus.SUBMITTED).exists():
        raise ValidationError("该月度报告已报送，不能再修改。")
    report.month = report.month.replace(day=1)
    if TeamReport.objects.filter(team_id=report.team_id, month=report.month).exclude(pk=report.pk).exists():
        raise ValidationError({"month": f"{report.month:%Y年%m月}的报告已存在，请编辑该报告。"})
    if not normalise_text(report.text):
        raise ValidationError({"text": "请填写工作情况。"})
    if submit:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
    _save(report, expected_version)
    return report


# --- Signals ---------------------------------------------------------------------------------


def reporting_units(user):
    """The units a user may report a signal for: their own subtree (an officer), any (the bureau)."""
    units = Unit.objects.restrict(user).filter(active=True).order_by("path")
    if user.role == "officer":
        units = units.filter(path__startswith=user.unit.path)
    return units


@transaction.atomic
def save_signal(user, signal: Signal, *, expected_version: int | None = None) -> Signal:
    _may(user, Signal, Action.ADD if signal.pk is None else Action.CHANGE, signal)
    if not reporting_units(user).filter(pk=signal.reporting_unit_id).exists():
        raise PermissionDenied("报送单位不在您的管理范围内。")
    if signal.team_id and signal.team.unit_id != signal.reporting_unit_id:
        raise ValidationError({"team": "小分队报送的情报，报送单位须为该小分队。"})
    if signal.member_id and signal.member.team_id != signal.team_id:
        raise ValidationError({"member": "报送队员须为所选小分队的队员。"})
    signal.summary = normalise_text(signal.summary)
    signal.source = normalise_text(signal.source)
    if not signal.summary:
        raise ValidationError({"summary": "请填写情报摘要。"})
    if not signal.source:
        raise ValidationError({"source": "请填写情报来源。"})
    _save(signal, expected_version)
    return signal


# The steps forward and the stage each may start from (a step may be skipped: a firm
# visited at once is verified by the visit).
STEPS = {
    SignalStage.VERIFIED: (SignalStage.SIGNAL,),
    SignalStage.VISITED: (SignalStage.SIGNAL, SignalStage.VERIFIED),
}
STAGE_DATES = {
    SignalStage.VERIFIED: ("verified_on",),
    SignalStage.VISITED: ("verified_on", "visited_on"),
    SignalStage.CONVERTED: ("verified_on", "visited_on", "converted_on"),
}


def _locked(user, signal: Signal) -> Signal:
    """The signal again, locked, if the user may change it: two clicks run one after the other."""
    if not Signal.objects.restrict(user, Action.CHANGE).filter(pk=signal.pk).exists():
        raise PermissionDenied("只有报送单位（及其上级）和招商局可以推进这条情报。")
    # Only the signal's row is locked: PostgreSQL refuses FOR UPDATE on the outer joins that
    # the optional team and member need.
    return Signal.objects.select_for_update(of=("self",)).select_related("company", "team", "member").get(pk=signal.pk)


def _fill_dates(signal: Signal, stage: str, on) -> None:
    for field in STAGE_DATES.get(stage, ()):
        if getattr(signal, field) is None:
            setattr(signal, field, on)


@transaction.atomic
def advance_signal(user, signal: Signal, stage: str, note: str = "", on=None) -> Signal:
    """核实 or 拜访: a step forward from an open stage, its date kept (and an earlier step's
    date filled in when it was skipped)."""
    signal = _locked(user, signal)
    if stage not in STEPS:
        raise ValidationError("不能推进到该进展。")
    if signal.stage == stage:
        return signal  # clicked twice: done already
    if signal.stage not in STEPS[stage]:
        raise ValidationError(
            f"该情报当前为「{signal.get_stage_display()}」，不能标记为「{SignalStage(stage).label}」。"
        )
    signal.stage = stage
    _fill_dates(signal, stage, on or timezone.localdate())
    if normalise_text(note):
        signal.stage_note = "\n".join(filter(None, [signal.stage_note, normalise_text(note)]))
    signal.version += 1
    signal.save()
    return signal


@transaction.atomic
def exclude_signal(user, signal: Signal, reason: str) -> Signal:
    """排除: an open signal closed with its reason (required)."""
    reason = normalise_text(reason)
    if not reason:
        raise ValidationError({"reason": "排除情报须填写原因。"})
    signal = _locked(user, signal)
    if signal.stage not in OPEN_SIGNAL_STAGES:
        raise ValidationError(f"该情报已「{signal.get_stage_display()}」，不能再排除。")
    signal.stage = SignalStage.EXCLUDED
    signal.exclude_reason = reason[:300]
    signal.excluded_on = timezone.localdate()
    signal.version += 1
    signal.save()
    return signal


def _lead_for(signal: Signal) -> Project:
    company = signal.company
    category = signal.investment_category or signal.get_kind_display()
    return Project(
        name=f"{company.name}{category}项目"[:200],
        description=f"由招商情报转入：{signal.summary}",
        investor=company,
        industry=company.industry,
        industry_text=(company.industry.name if company.industry_id else category)[:100],
        responsible_unit=signal.reporting_unit,
        promotion_method=PromotionMethod.STATIONED if signal.team_id else "",
        stage=Stage.LEAD,
        remarks=f"情报来源：{signal.source}",
    )


def convert_signal(user, signal: Signal) -> Signal:
    """转为项目线索: a project lead for the firm, created by ``projects.services.create_project``
    and linked to the signal, at most once (the signal is locked; a second click finds the
    lead made by the first). A lead a seconded member brought is credited to the team and to
    the member's home unit by the member's share (``projects.services.reassign_project``, which
    writes the credit shares; the team stays the responsible unit)."""
    with transaction.atomic():
        signal = _locked(user, signal)
        if signal.project_id:
            return signal
        if signal.stage not in OPEN_SIGNAL_STAGES:
            raise ValidationError(f"该情报已「{signal.get_stage_display()}」，不能转为项目线索。")
        project = project_services.create_project(user, _lead_for(signal))
        member = signal.member
        share = member_home_share(member) if member is not None else Decimal(0)
        if share > 0 and member.home_unit_id != project.responsible_unit_id:
            project_services.reassign_project(
                project,
                project.responsible_unit,
                [
                    (project.responsible_unit, HUNDRED - share, "驻点招商小分队"),
                    (member.home_unit, share, f"派出单位（队员{member.name}带来的项目）"),
                ],
            )
        signal.project = project
        signal.stage = SignalStage.CONVERTED
        _fill_dates(signal, SignalStage.CONVERTED, timezone.localdate())
        signal.version += 1
        signal.save()
        return signal


# --- What the signals show ---------------------------------------------------------------------


def firms_by_region(signals) -> list[dict]:
    """Open signals (线索信号, 已核实, 已拜访) grouped by the firm's home division, the most
    firms first; a firm without a home division under 「未填写所在地」. Each group lists its
    firms once, with their signals."""
    rows = (
        signals.filter(stage__in=OPEN_SIGNAL_STAGES)
        .select_related("company", "company__home_division")
        .order_by("company__home_division__code", "company__name", "-reported_on")
    )
    groups: OrderedDict = OrderedDict()
    for signal in rows:
        division = signal.company.home_division
        key = division.pk if division else None
        group = groups.setdefault(key, {"division": division, "firms": OrderedDict()})
        group["firms"].setdefault(signal.company_id, {"company": signal.company, "signals": []})["signals"].append(
            signal
        )
    result = [{"division": group["division"], "firms": list(group["firms"].values())} for group in groups.values()]
    result.sort(key=lambda group: (-len(group["firms"]), group["division"] is None))
    return result


def team_figures(team: StationedTeam) -> dict:
    """A team's intelligence figures (docs/counting-rules.md, 招商情报), over the signals the
    team reported: ``signals`` every one; ``verified`` those that reached 已核实 or beyond
    (a verification date); ``visited`` those that reached 已拜访 or beyond; ``leads`` those
    converted to a project lead; ``signed`` those whose lead has a verified signing (the
    project's verified, non-supplementary 签约 event). An excluded signal counts in the steps
    it reached before."""
    counts = Signal.objects.filter(team=team).aggregate(
        signals=Count("pk"),
        verified=Count("pk", filter=Q(verified_on__isnull=False)),
        visited=Count("pk", filter=Q(visited_on__isnull=False)),
        leads=Count("pk", filter=Q(project__isnull=False)),
    )
    counts["signed"] = (
        StageEvent.objects.filter(
            project__source_signal__team=team,
            stage=Stage.SIGNED,
            is_supplementary=False,
            status=Verification.VERIFIED,
        )
        .values("project")
        .distinct()
        .count()
    )
    return counts
