"""Supervision (督办): the problems that hold projects up, and leaders' instructions (批示).

A problem is raised on a project, assigned to a responsible unit and leader, and must be
settled by a deadline counted in working days on the holiday calendar (限时办结). Its
timeline (progress notes, escalation, closing, reopening) is append-only business
history; the audit log records every change besides. An instruction is a leader's word
on a project or a problem, answered by the responsible unit.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.core.access import READ_ACTIONS, UnitScoped, _role
from zhaoshang.core.choices import Action
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.projects.models import PROJECT_SCOPE
from zhaoshang.supervision.choices import (
    NOTE_BADGES,
    SATISFACTION_BADGES,
    STATUS_BADGES,
    NoteKind,
    ProblemCategory,
    ProblemStatus,
    Satisfaction,
)

# A problem is in an officer's scope through its responsible unit or through its project
# (the project's responsible unit, landing unit or credit shares): the town whose project
# is stuck follows it even when a city department must solve it.
PROBLEM_SCOPE = ("responsible_unit", *(f"project__{field}" for field in PROJECT_SCOPE))


class LeaderInstructs(UnitScoped):
    """Instructions: like other business data, except that a leader, who otherwise only
    reads, may write one (批示); a unit officer does not write them but replies to those
    in its scope (a change). The bureau does everything, on a leader's behalf."""

    officer_actions = {Action.VIEW, Action.EXPORT, Action.CHANGE}

    def allows(self, user, action: str) -> bool:
        if _role(user) == Role.LEADER:
            return action in READ_ACTIONS or action == Action.ADD
        return super().allows(user, action)


class Problem(VersionedModel, AuditedModel):
    """One problem on the 问题清单 of a project, with its deadline and state."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="problems"
    )
    category = models.CharField("问题类别", max_length=20, choices=ProblemCategory.choices)
    description = models.TextField("问题描述")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_on = models.DateField("提出日期", default=timezone.localdate)
    responsible_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任领导（账号）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"role": Role.LEADER},
    )
    responsible_leader_name = models.CharField("责任领导", max_length=50, blank=True)
    working_days = models.PositiveSmallIntegerField(
        "办理时限（工作日）", null=True, blank=True, help_text="按工作日计的时限；直接指定截止日期时为空。"
    )
    deadline = models.DateField("办结期限", db_index=True)
    status = models.CharField("状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    escalated_on = models.DateField("升级日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    satisfaction = models.CharField("企业满意度", max_length=20, choices=Satisfaction.choices, blank=True)
    closing_note = models.TextField("办结情况", blank=True)

    access = UnitScoped(*PROBLEM_SCOPE)

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题清单"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["responsible_unit", "status"]),
            models.Index(fields=["project", "status"]),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_category_display()}：{self.description[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status == ProblemStatus.OPEN

    def overdue_on(self, day) -> bool:
        """Open after its deadline day (the deadline day itself is still in time)."""
        return self.is_open and self.deadline < day

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    @property
    def leader_display(self) -> str:
        if self.responsible_leader_id:
            return self.responsible_leader.name or self.responsible_leader.username
        return self.responsible_leader_name

    @property
    def status_badge(self) -> str:
        if self.is_open and (self.escalated_on or self.is_overdue):
            return "red"
        return STATUS_BADGES.get(self.status, "secondary")

    @property
    def satisfaction_badge(self) -> str:
        return SATISFACTION_BADGES.get(self.satisfaction, "secondary")


class ProblemNote(AuditedModel):
    """One entry of a problem's timeline: a progress note, or a workflow step."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField("类型", max_length=20, choices=NoteKind.choices, default=NoteKind.PROGRESS)
    date = models.DateField("日期", default=timezone.localdate)
    text = models.TextField("内容")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    access = UnitScoped(*(f"problem__{field}" for field in PROBLEM_SCOPE))

    class Meta:
        verbose_name = "问题办理记录"
        verbose_name_plural = "问题办理记录"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}：{self.text[:30]}"

    @property
    def badge(self) -> str:
        return NOTE_BADGES.get(self.kind, "secondary")


class Instruction(AuditedModel):
    """A leader's instruction (批示) on a project or one of its problems, and the reply."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="instructions"
    )
    problem = models.ForeignKey(
        Problem, verbose_name="问题", null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批示领导（账号）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"role": Role.LEADER},
    )
    leader_name = models.CharField("批示领导", max_length=50, blank=True)
    text = models.TextField("批示内容")
    written_on = models.DateField("批示日期", default=timezone.localdate)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_text = models.TextField("落实情况", blank=True)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    access = LeaderInstructs(*(f"project__{field}" for field in PROJECT_SCOPE), "problem__responsible_unit")

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-written_on", "-id"]
        indexes = [
            models.Index(fields=["replied_on", "written_on"]),
            # The API's list walks instructions newest first by (written_on, id): without it
            # SQLite read the projects first and sorted (0.1 s at province scale, empty list).
            models.Index(fields=["written_on", "id"], name="supervision_instr_written"),
        ]

    def __str__(self):
        return f"{self.leader_display} {self.written_on:%Y-%m-%d} 批示：{self.text[:30]}"

    @property
    def answered(self) -> bool:
        return self.replied_on is not None

    @property
    def leader_display(self) -> str:
        if self.leader_id:
            return self.leader.name or self.leader.username
        return self.leader_name
