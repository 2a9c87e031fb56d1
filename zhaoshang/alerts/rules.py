"""The built-in warning kinds: 签约未开工, 阶段停留超期, 长期未跟进, 资金到位滞后.

Each evaluator reads with a few grouped queries over the whole library and yields
``Finding``s; nothing here loops over projects with a query each. Stages count as the
statistics count them: only verified stage events (``Project.verified_stage`` and the
dates of verified events), see docs/counting-rules.md «预警».
"""

import datetime
import math
from decimal import Decimal

from django.db.models import BigIntegerField, F, Max, Min, Q, Sum
from django.utils import timezone

from zhaoshang.alerts.choices import WarningLevel
from zhaoshang.alerts.registry import Finding, RuleKind, register
from zhaoshang.projects.choices import Stage, Verification
from zhaoshang.projects.models import LIVE, Project
from zhaoshang.stats.services import CountingRules, start_due
from zhaoshang.stats.services import signed_not_started as stats_not_started

YELLOW, RED = WarningLevel.YELLOW, WarningLevel.RED
DAY = datetime.timedelta(days=1)
HUNDRED = Decimal(100)
# Stages whose dwell time can be limited, and the default limits (days; 0 = not checked).
DWELL_STAGES = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.STARTED]
DEFAULT_STAGE_LIMITS = {
    Stage.LEAD: 45,
    Stage.NEGOTIATING: 90,
    Stage.SIGNED: 180,
    Stage.REGISTERED: 270,
    Stage.STARTED: 730,
}
# A project in these verified stages is no longer worked on: no follow-up is expected.
CLOSED_STAGES = [Stage.DROPPED, Stage.ON_HOLD, Stage.PRODUCTION]


def _verified_signing():
    """The project's first verified (non-supplementary) signing date, as an aggregate."""
    return Min(
        "events__date",
        filter=Q(events__stage=Stage.SIGNED, events__status=Verification.VERIFIED, events__is_supplementary=False),
    )


def _positive(rule, names: list[str], labels: dict[str, str], *, minimum: int = 1) -> dict[str, str]:
    problems = {}
    for name in names:
        value = getattr(rule, name)
        if value is None:
            problems[name] = f"请填写「{labels[name]}」。"
        elif value < minimum:
            problems[name] = f"「{labels[name]}」须不小于 {minimum}。"
    return problems


# --- 签约未开工 ---------------------------------------------------------------------------------

SIGNED_NOT_STARTED_FIELDS = {
    "red_threshold": "超过应开工日期多少天转为红色预警（天）",
}


def signed_not_started(rule, today: datetime.date):
    """The projects ``stats.signed_not_started`` names today — the same set the dashboard,
    the bulletin and the assessment name. Yellow from the day after the start was due;
    red once it is more than M days past."""
    rules = CountingRules.from_settings()
    m = rule.red_threshold
    rows = (
        stats_not_started(today, rules)
        .order_by()
        .values_list("id", "responsible_unit_id", "agreed_start_on", "first_signed_on")
    )
    for pk, unit_id, agreed, signing in rows:
        due = start_due(agreed, signing, rules)
        if agreed is not None:
            basis = f"协议约定 {agreed:%Y-%m-%d} 前开工"
        else:
            basis = f"未约定开工日期，应在签约后 {rules.start_due_days} 天内（{due:%Y-%m-%d} 前）开工"
        over = (today - due).days
        yield Finding(
            Project,
            pk,
            unit_id,
            RED if over > m else YELLOW,
            f"{signing:%Y-%m-%d} 签约，{basis}，至今没有审核通过的开工记录",
            due + DAY,
            project_id=pk,
        )


def _validate_signed_not_started(rule) -> dict[str, str]:
    return _positive(rule, ["red_threshold"], SIGNED_NOT_STARTED_FIELDS)


SIGNED_NOT_STARTED = register(
    RuleKind(
        kind="signed_not_started",
        label="签约未开工",
        description=(
            "已签约（审核通过）但没有审核通过的开工记录：过了协议约定开工日期（未约定的，签约满统计口径规定的天数，"
            "默认 180 天）为黄色，再超过 M 天为红色。与驾驶舱、通报、考核的「签约未开工」是同一批项目。"
        ),
        evaluate=signed_not_started,
        fields=SIGNED_NOT_STARTED_FIELDS,
        defaults={"red_threshold": 90},
        validate=_validate_signed_not_started,
        order=10,
    )
)


# --- 阶段停留超期 -------------------------------------------------------------------------------

STAGE_DWELL_FIELDS = {
    "stage_limits": "各阶段停留时限（天，0 表示不检查）",
    "red_threshold": "超过时限多少天转为红色预警（天）",
}


def stage_dwell(rule, today: datetime.date):
    """A project held in one stage longer than the stage's limit. The stage is the verified
    one and it began on the date of its first verified event; a project with nothing
    verified yet is a lead or negotiation as its unit reports it, since its latest (not
    returned) event of that stage or else since it was entered."""
    limits = {stage: int(days) for stage, days in (rule.stage_limits or {}).items() if days}
    m = rule.red_threshold
    checked = [stage for stage in DWELL_STAGES if stage in limits]
    if not checked:
        return
    verified = (
        Project.objects.filter(LIVE, verified_stage__in=checked)
        .order_by()
        .values("id", "responsible_unit_id", "verified_stage", "created_at")
        .annotate(
            began=Min(
                "events__date",
                filter=Q(
                    events__stage=F("verified_stage"),
                    events__status=Verification.VERIFIED,
                    events__is_supplementary=False,
                ),
            ),
        )
        .values_list("id", "responsible_unit_id", "verified_stage", "began", "created_at")
    )
    early = [stage for stage in (Stage.LEAD, Stage.NEGOTIATING) if stage in limits]
    reported = (
        Project.objects.filter(LIVE, verified_stage="", stage__in=early)
        .order_by()
        .values("id", "responsible_unit_id", "stage", "created_at")
        .annotate(began=Max("events__date", filter=Q(events__stage=F("stage")) & ~Q(events__status="returned")))
        .values_list("id", "responsible_unit_id", "stage", "began", "created_at")
    )
    for rows in (verified, reported):
        for pk, unit_id, stage, began, created_at in rows:
            began = began or timezone.localtime(created_at).date()
            limit = limits[stage]
            due = began + datetime.timedelta(days=limit)
            over = (today - due).days
            if over <= 0:
                continue
            yield Finding(
                Project,
                pk,
                unit_id,
                RED if over > m else YELLOW,
                f"自 {began:%Y-%m-%d} 起处于「{Stage(stage).label}」阶段，超过时限 {limit} 天",
                due + DAY,
                project_id=pk,
                key=stage,
            )


def _validate_stage_dwell(rule) -> dict[str, str]:
    problems = _positive(rule, ["red_threshold"], STAGE_DWELL_FIELDS)
    limits = rule.stage_limits or {}
    for stage, days in limits.items():
        if stage not in DWELL_STAGES:
            problems["stage_limits"] = f"未知阶段「{stage}」。"
        elif not isinstance(days, int) or days < 0:
            problems["stage_limits"] = f"「{Stage(stage).label}」阶段的时限须为不小于 0 的整数天数。"
    if not problems.get("stage_limits") and not any(limits.values()):
        problems["stage_limits"] = "至少为一个阶段设置时限；不检查阶段停留可以停用本规则。"
    return problems


STAGE_DWELL = register(
    RuleKind(
        kind="stage_dwell",
        label="阶段停留超期",
        description="项目在一个阶段停留超过该阶段的时限为黄色，再超过 M 天为红色。阶段以审核通过的为准。",
        evaluate=stage_dwell,
        fields=STAGE_DWELL_FIELDS,
        defaults={"stage_limits": {str(k): v for k, v in DEFAULT_STAGE_LIMITS.items()}, "red_threshold": 30},
        validate=_validate_stage_dwell,
        order=20,
    )
)


# --- 长期未跟进 ---------------------------------------------------------------------------------

NO_FOLLOW_UP_FIELDS = {
    "yellow_threshold": "超过多少天没有跟进记录为黄色预警（天）",
    "red_threshold": "超过多少天没有跟进记录为红色预警（天）",
}


def no_follow_up(rule, today: datetime.date):
    """Live projects (not dropped — reported or verified — nor on hold or in production by
    their verified stage) whose
    latest follow-up — or, with none, their entry into the library — is more than N days
    old (yellow), more than M days (red)."""
    n, m = rule.yellow_threshold, rule.red_threshold
    rows = (
        Project.objects.filter(LIVE)
        .exclude(verified_stage__in=CLOSED_STAGES)
        # A 退库 claim takes the project out of the library at once: nobody follows up a
        # project they have asked to drop, whether or not the bureau has verified it yet.
        .exclude(stage=Stage.DROPPED)
        .order_by()
        .values("id", "responsible_unit_id", "created_at")
        .annotate(last=Max("follow_ups__date"))
        .values_list("id", "responsible_unit_id", "last", "created_at")
    )
    for pk, unit_id, last, created_at in rows:
        if last is not None:
            basis, text = last, f"最近一次跟进是 {last:%Y-%m-%d}"
        else:
            basis = timezone.localtime(created_at).date()
            text = f"{basis:%Y-%m-%d} 录入以来没有跟进记录"
        days = (today - basis).days
        if days <= n:
            continue
        yield Finding(
            Project,
            pk,
            unit_id,
            RED if days > m else YELLOW,
            f"{text}，超过 {n} 天未跟进",
            basis + datetime.timedelta(days=n + 1),
            project_id=pk,
        )


def _validate_no_follow_up(rule) -> dict[str, str]:
    problems = _positive(rule, ["yellow_threshold", "red_threshold"], NO_FOLLOW_UP_FIELDS)
    if not problems and rule.red_threshold <= rule.yellow_threshold:
        problems["red_threshold"] = "红色预警的天数须大于黄色预警的天数。"
    return problems


NO_FOLLOW_UP = register(
    RuleKind(
        kind="no_follow_up",
        label="长期未跟进",
        description="在库项目（不含退库、暂缓、已投产）超过 N 天没有跟进记录为黄色，超过 M 天为红色。",
        evaluate=no_follow_up,
        fields=NO_FOLLOW_UP_FIELDS,
        defaults={"yellow_threshold": 30, "red_threshold": 60},
        validate=_validate_no_follow_up,
        order=30,
    )
)


# --- 资金到位滞后 -------------------------------------------------------------------------------

FUNDS_BEHIND_FIELDS = {
    "plan_days": "未约定投产日期的，签约后多少天内资金应全部到位（天）",
    "yellow_threshold": "落后计划进度多少个百分点为黄色预警",
    "red_threshold": "落后计划进度多少个百分点为红色预警",
}


def planned_share(signing: datetime.date, plan_end: datetime.date, today: datetime.date) -> Decimal:
    """The share of 协议总投资 (in %) the plan expects in place by ``today``: 0 at signing,
    growing evenly by calendar day, 100 on the plan's end date and after."""
    span = (plan_end - signing).days
    elapsed = (today - signing).days
    if elapsed <= 0:
        return Decimal(0)
    if span <= 0 or elapsed >= span:
        return HUNDRED
    return HUNDRED * elapsed / span


def plan_end(signing: datetime.date, agreed_production_on: datetime.date | None, plan_days: int) -> datetime.date:
    if agreed_production_on is not None and agreed_production_on > signing:
        return agreed_production_on
    return signing + datetime.timedelta(days=plan_days)


def verified_funds_yuan(project_ids=None) -> dict[int, int]:
    """Cumulative verified funds per project in integer 元 (exact on SQLite too), in one
    grouped query; the same sum as ``funds.services.project_funds(project).verified``."""
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.stats.services import _as_yuan

    tranches = FundsTranche.objects.filter(status=Verification.VERIFIED)
    if project_ids is not None:
        tranches = tranches.filter(project_id__in=project_ids)
    return dict(
        tranches.order_by()
        .values("project_id")
        .annotate(yuan=Sum(_as_yuan(F("amount")), output_field=BigIntegerField()))
        .values_list("project_id", "yuan")
    )


def funds_behind(rule, today: datetime.date):
    """Verified signed projects whose 资金到位率 (cumulative verified funds ÷ 协议总投资, as
    ``project_funds`` computes it) lags the plan by Y percentage points (yellow) or R
    (red). The plan: a share of 协议总投资 growing evenly from 0 on the verified signing
    date to 100% on the agreed production date (or signing + N days when none was agreed)."""
    from zhaoshang.stats.services import YUAN_PER_WAN

    y, r, n = Decimal(rule.yellow_threshold), Decimal(rule.red_threshold), rule.plan_days
    rows = list(
        Project.objects.filter(
            LIVE,
            verified_stage__in=[Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.PRODUCTION],
            total_investment__gt=0,
        )
        .order_by()
        .values("id", "responsible_unit_id", "agreed_production_on", "total_investment")
        .annotate(signing=_verified_signing())
        .values_list("id", "responsible_unit_id", "agreed_production_on", "total_investment", "signing")
    )
    # Only projects whose plan is already Y points along can be Y points behind.
    candidates = []
    for pk, unit_id, agreed_production, total, signing in rows:
        if signing is None:
            continue
        end = plan_end(signing, agreed_production, n)
        expected = planned_share(signing, end, today)
        if expected >= y:
            candidates.append((pk, unit_id, total, signing, end, expected))
    funds = verified_funds_yuan()
    for pk, unit_id, total, signing, end, expected in candidates:
        verified = Decimal(funds.get(pk, 0)) / YUAN_PER_WAN
        actual = verified / total * HUNDRED
        gap = expected - actual
        if gap < y:
            continue
        # The day the gap first reached Y at today's funds: expected(day) = actual + Y.
        span = (end - signing).days
        since = signing + datetime.timedelta(days=max(1, math.ceil((actual + y) * span / HUNDRED)))
        yield Finding(
            Project,
            pk,
            unit_id,
            RED if gap >= r else YELLOW,
            f"资金到位率 {_pct(actual)}%（累计到位 {verified.normalize():f} 万元），"
            f"按计划（{signing:%Y-%m-%d} 签约至 {end:%Y-%m-%d} 全部到位）应达 {_pct(expected, 0)}%",
            min(since, today),
            project_id=pk,
        )


def _pct(value: Decimal, places: int = 1) -> str:
    from zhaoshang.core.numbers import round_half_up

    return f"{round_half_up(value, places):f}"


def _validate_funds_behind(rule) -> dict[str, str]:
    problems = _positive(rule, ["plan_days", "yellow_threshold", "red_threshold"], FUNDS_BEHIND_FIELDS)
    for name in ("yellow_threshold", "red_threshold"):
        if name not in problems and getattr(rule, name) > 100:
            problems[name] = "百分点数不能超过 100。"
    if not problems and rule.red_threshold <= rule.yellow_threshold:
        problems["red_threshold"] = "红色预警的百分点数须大于黄色预警的百分点数。"
    return problems


FUNDS_BEHIND = register(
    RuleKind(
        kind="funds_behind",
        label="资金到位滞后",
        description="资金到位率（审核通过的累计到位资金 ÷ 协议总投资）落后于计划进度：计划从签约日的 0 按天匀速增长到约定投产日（未约定的，签约满 N 天）的 100%；落后 Y 个百分点为黄色，R 个百分点为红色。",
        evaluate=funds_behind,
        fields=FUNDS_BEHIND_FIELDS,
        defaults={"plan_days": 730, "yellow_threshold": 30, "red_threshold": 50},
        validate=_validate_funds_behind,
        order=40,
    )
)


# --- 问题逾期 (the supervision app's problems, when it is installed) ----------------------------

PROBLEM_OVERDUE_FIELDS = {"red_threshold": "逾期超过多少天转为红色预警（天；已升级督办的直接为红色）"}


def problem_overdue(rule, today: datetime.date):
    """Open problems past their deadline (``supervision.services.overdue_problems``; the
    deadline day itself is in time): yellow, red once escalated or more than M days late."""
    from zhaoshang.supervision.models import Problem
    from zhaoshang.supervision.services import overdue_problems

    rows = (
        overdue_problems(None, today)
        .order_by()
        .values_list("pk", "responsible_unit_id", "project_id", "category", "description", "deadline", "escalated_on")
    )
    categories = dict(Problem._meta.get_field("category").choices)
    for pk, unit_id, project_id, category, description, deadline, escalated_on in rows:
        late = (today - deadline).days
        summary = " ".join(description.split())
        summary = summary if len(summary) <= 40 else summary[:40] + "…"
        yield Finding(
            Problem,
            pk,
            unit_id,
            RED if escalated_on is not None or late > rule.red_threshold else YELLOW,
            f"「{categories.get(category, category)}」问题超过办结期限 {deadline:%Y-%m-%d} 未办结：{summary}",
            deadline + DAY,
            project_id=project_id,
        )


def _validate_problem_overdue(rule) -> dict[str, str]:
    return _positive(rule, ["red_threshold"], PROBLEM_OVERDUE_FIELDS)


def register_problem_overdue() -> RuleKind | None:
    from django.apps import apps

    if not apps.is_installed("zhaoshang.supervision"):
        return None
    return register(
        RuleKind(
            kind="problem_overdue",
            label="问题逾期",
            description="问题清单中的问题超过办结期限仍未办结为黄色；已升级督办或逾期超过 M 天为红色。",
            evaluate=problem_overdue,
            fields=PROBLEM_OVERDUE_FIELDS,
            defaults={"red_threshold": 5},
            validate=_validate_problem_overdue,
            order=50,
        )
    )


PROBLEM_OVERDUE = register_problem_overdue()


# --- 调度未报送 (the scheduling app's rounds, when it is installed) ------------------------------

REPORT_MISSING_FIELDS = {"red_threshold": "报送截止后超过多少天仍未报送转为红色预警（天）"}


def report_missing(rule, today: datetime.date):
    """A unit that, after an open round's deadline, has still not submitted its report on
    every project of the round (never filled, a draft, or returned and not resubmitted):
    one warning per round and unit, yellow, red more than M days after the deadline. A
    closed round's missing reports are history (the assessment counts them), not warnings."""
    from django.db.models import Count

    from zhaoshang.scheduling.choices import ReportStatus, RoundStatus
    from zhaoshang.scheduling.models import RoundItem, SchedulingRound

    rows = (
        RoundItem.objects.filter(round__status=RoundStatus.OPEN, round__deadline__lt=today)
        .exclude(status=ReportStatus.SUBMITTED)
        .order_by()
        .values("round_id", "unit_id", "round__title", "round__deadline")
        .annotate(n=Count("pk"))
        .values_list("round_id", "unit_id", "round__title", "round__deadline", "n")
    )
    for round_id, unit_id, title, deadline, missing in rows:
        late = (today - deadline).days
        yield Finding(
            SchedulingRound,
            round_id,
            unit_id,
            RED if late > rule.red_threshold else YELLOW,
            f"「{title}」报送截止 {deadline:%Y-%m-%d}，仍有 {missing} 个项目未报送",
            deadline + DAY,
            key=str(unit_id),
        )


def register_report_missing() -> RuleKind | None:
    from django.apps import apps

    if not apps.is_installed("zhaoshang.scheduling"):
        return None
    return register(
        RuleKind(
            kind="report_missing",
            label="调度未报送",
            description="调度报送截止后，责任单位仍有项目未报送为黄色；超过截止日期 M 天为红色。",
            evaluate=report_missing,
            fields=REPORT_MISSING_FIELDS,
            defaults={"red_threshold": 3},
            validate=lambda rule: _positive(rule, ["red_threshold"], REPORT_MISSING_FIELDS),
            order=60,
        )
    )


REPORT_MISSING = register_report_missing()
