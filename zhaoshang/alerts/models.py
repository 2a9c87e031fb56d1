"""Warnings (预警): rules the bureau configures, the warnings a scan derives from them,
and the scans themselves.

A rule (one per kind: 签约未开工, 阶段停留超期, 长期未跟进, 资金到位滞后, and kinds other
apps register) has a yellow and a red threshold and an on/off switch; the bureau edits it
(audited, optimistic locking). Warnings are derived data, rewritten by each scan
(``services.scan``): not audited row by row, never edited by users. A warning is open
while its cause lasts and is cleared (``cleared_at``) when the cause goes; if the cause
comes back it is a new warning, so the history of each episode stays readable.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from zhaoshang.accounts.choices import Role
from zhaoshang.alerts.choices import (
    LEVEL_BADGES,
    ScanSource,
    ScanStatus,
    WarningLevel,
    WarningStatus,
)
from zhaoshang.alerts.registry import kind_choices
from zhaoshang.core.access import READ_ACTIONS, AccessRule, UnitScoped, _role
from zhaoshang.core.models import AuditedModel, RestrictedManager, VersionedModel
from zhaoshang.projects.choices import Stage


class BureauSetting(AccessRule):
    """Settings of the deployment's business routine (warning rules, scans): the bureau
    changes them; leaders and unit officers read them (so everyone knows the thresholds
    they are measured by); the system admin and the auditor see none (三权分立)."""

    def allows(self, user, action):
        role = _role(user)
        if role == Role.BUREAU:
            return True
        if role in (Role.LEADER, Role.OFFICER):
            return action in READ_ACTIONS
        return False

    def filter(self, queryset, user, action):
        return queryset if self.allows(user, action) else queryset.none()


class WarningRule(VersionedModel, AuditedModel):
    """The bureau's settings for one kind of warning. Which fields a kind uses, and what
    they mean, is said by the kind's registry entry (``registry.RuleKind.fields``)."""

    kind = models.CharField("预警类型", max_length=40, unique=True)
    enabled = models.BooleanField("启用", default=True)
    yellow_threshold = models.PositiveIntegerField("黄色预警阈值", null=True, blank=True)
    red_threshold = models.PositiveIntegerField("红色预警阈值", null=True, blank=True)
    plan_days = models.PositiveIntegerField("默认期限（天）", null=True, blank=True)
    stage_limits = models.JSONField("各阶段停留时限（天）", default=dict, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    access = BureauSetting()
    # Called when a change is shown: kinds register as the apps load.
    audit_choices = {"kind": kind_choices, "stage_limits": Stage.choices}

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ["id"]

    def __str__(self):
        return self.label

    @property
    def spec(self):
        from zhaoshang.alerts.registry import get_kind

        return get_kind(self.kind)

    @property
    def label(self) -> str:
        spec = self.spec
        return spec.label if spec else self.kind


class Warning(models.Model):
    """One episode of one cause on one subject: open while the cause lasts, then cleared.

    ``subject`` is what the warning is about (a project; a problem or a scheduling round
    for kinds other apps register), ``key`` tells apart causes on the same subject (the
    stage for 阶段停留). ``project`` is set when the subject is a project or belongs to
    one (badges on the project pages); ``unit`` is the responsible unit (scope, filters).
    """

    kind = models.CharField("预警类型", max_length=40)
    level = models.CharField("等级", max_length=10, choices=WarningLevel.choices)
    status = models.CharField("状态", max_length=10, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    subject_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField("对象")
    key = models.CharField("细分", max_length=40, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="warnings",
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    message = models.CharField("预警内容", max_length=300)
    since = models.DateField("预警起始日")
    created_at = models.DateTimeField("发现时间")
    level_changed_at = models.DateTimeField("等级变化时间", null=True, blank=True)
    cleared_at = models.DateTimeField("解除时间", null=True, blank=True)

    access = UnitScoped("unit", "project__landing_unit", "project__credits__unit")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "level"]),
            models.Index(fields=["project", "status"]),
            # A unit's open warnings counted by kind and level (the dashboard's block) from the
            # index alone: with only (unit, status), SQLite preferred (status, kind, level) for
            # its order and read every open warning of the province to count a town's.
            models.Index(fields=["unit", "status", "kind", "level"]),
        ]
        constraints = [
            # A cause has at most one open warning; a scan racing another cannot double it.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "key"],
                condition=models.Q(status="open"),
                name="alerts_one_open_warning_per_cause",
            )
        ]

    def __str__(self):
        return f"{self.kind_label} {self.get_level_display()}：{self.message}"

    @property
    def kind_label(self) -> str:
        from zhaoshang.alerts.registry import get_kind

        spec = get_kind(self.kind)
        return spec.label if spec else self.kind

    @property
    def level_badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status == WarningStatus.OPEN


class WarningScan(models.Model):
    """One run of the scan (daily timer, the bureau's 立即扫描, the demo): when, by whom,
    how far it got (the button polls ``progress``), and what it changed."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=ScanStatus.choices, default=ScanStatus.RUNNING)
    source = models.CharField("发起方式", max_length=10, choices=ScanSource.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    as_of = models.DateField("扫描日期")
    progress = models.CharField("进度", max_length=100, blank=True)
    percent = models.PositiveSmallIntegerField("进度（%）", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    changed = models.PositiveIntegerField("等级变化", default=0)
    cleared = models.PositiveIntegerField("解除", default=0)
    open_count = models.PositiveIntegerField("扫描后未解除", default=0)
    error = models.TextField("错误", blank=True)

    access = BureauSetting()
    objects = RestrictedManager()

    class Meta:
        verbose_name = "预警扫描"
        verbose_name_plural = "预警扫描"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"预警扫描 {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def project_content_type() -> ContentType:
    from zhaoshang.projects.models import Project

    return ContentType.objects.get_for_model(Project)
