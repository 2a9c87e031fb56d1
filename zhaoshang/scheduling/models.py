"""Scheduling rounds (调度, 月调度/半月调度): the bureau opens a round for a set of projects
with a deadline; each responsible unit reports on its projects; the round closes into a
frozen summary that the bulletin quotes and the assessment counts.

A round item is one project in one round and carries that project's report: the unit
fills it in (draft), submits it, and the bureau may return it with a reason. Once the
round is closed its items are read-only and its summary (stored JSON) never changes,
whatever happens to the projects afterwards.
"""

import datetime

from django.conf import settings
from django.db import models

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.choices import Action
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import money_field
from zhaoshang.scheduling.choices import (
    REPORT_STATUS_BADGES,
    ROUND_STATUS_BADGES,
    Half,
    Outcome,
    ReportStatus,
    RoundKind,
    RoundStatus,
)


class RoundScoped(UnitScoped):
    """A round is seen by the units that report in it (through its items) and by the
    leader and the bureau; only the bureau opens, changes and closes rounds."""

    officer_actions = {Action.VIEW}

    def oversees(self, user) -> bool:
        """Whether the user sees every unit's reports (the bureau and the leaders)."""
        return self.allows(user, Action.EXPORT)


class SchedulingRound(VersionedModel, AuditedModel):
    title = models.CharField("调度名称", max_length=100)
    kind = models.CharField("调度类型", max_length=20, choices=RoundKind.choices, default=RoundKind.MONTHLY)
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    half = models.PositiveSmallIntegerField("半月", choices=Half.choices, default=Half.WHOLE)
    period_start = models.DateField("调度期起")
    period_end = models.DateField("调度期止")
    deadline = models.DateField("报送截止日期")
    note = models.TextField("填报说明", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    reminded_at = models.DateTimeField("最近催报时间", null=True, blank=True)
    # Frozen at closing (services.close_round); see services.build_summary for its shape.
    summary = models.JSONField("调度汇总", default=dict, blank=True, editable=False)

    # The summary is large and written once; closing writes its own audit row with the counts.
    audit_ignored_fields = ("summary",)
    access = RoundScoped("items__unit")

    class Meta:
        verbose_name = "调度"
        verbose_name_plural = "调度"
        ordering = ["-period_start", "-half", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "month", "half"], name="scheduling_one_round_per_period")
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def status_badge(self) -> str:
        return ROUND_STATUS_BADGES.get(self.status, "secondary")

    @property
    def period_label(self) -> str:
        """ "2026年10月" or "2026年10月上半月"."""
        label = f"{self.year}年{self.month}月"
        return label + (Half(self.half).label if self.half else "")

    def past_deadline(self, today: datetime.date | None = None) -> bool:
        from django.utils import timezone

        return (today or timezone.localdate()) > self.deadline


class RoundItem(VersionedModel, AuditedModel):
    """One project in a round, and its responsible unit's report on it."""

    round = models.ForeignKey(SchedulingRound, verbose_name="调度", on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="scheduling_items"
    )
    # The project's responsible unit when it joined the round: the unit that must report.
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="scheduling_items"
    )
    stage_at_open = models.CharField("纳入时阶段", max_length=20, choices=Stage.choices, blank=True)

    status = models.CharField(
        "填报状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING, db_index=True
    )
    progress = models.TextField("本期进展", blank=True)
    investment_this_period = money_field("本期完成投资（万元）")
    investment_cumulative = money_field("累计完成投资（万元）")
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    reported_stage = models.CharField("当前阶段（单位填报）", max_length=20, choices=Stage.choices, blank=True)

    first_submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    audit_ignored_fields = ("updated_at",)
    access = UnitScoped("unit")

    class Meta:
        verbose_name = "调度报告"
        verbose_name_plural = "调度报告"
        ordering = ["unit__path", "project__code", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "project"], name="scheduling_one_item_per_project")]
        indexes = [models.Index(fields=["round", "unit", "status"])]

    def __str__(self):
        return f"{self.round} · {self.project}"

    @property
    def status_badge(self) -> str:
        return REPORT_STATUS_BADGES.get(self.status, "secondary")

    @property
    def editable(self) -> bool:
        """The unit writes while the round is open and the report is not with the bureau."""
        return self.round.is_open and self.status != ReportStatus.SUBMITTED

    def outcome(self, deadline: datetime.date) -> str:
        """按时/逾期/未报送: a report counts when it stands submitted; it is on time when it
        was first submitted on or before the deadline (a return and resubmission does not
        make it late)."""
        from django.utils import timezone

        if self.status != ReportStatus.SUBMITTED:
            return Outcome.MISSING
        first = self.first_submitted_at or self.submitted_at
        return Outcome.ON_TIME if timezone.localdate(first) <= deadline else Outcome.LATE
