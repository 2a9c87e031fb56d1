"""Bulletins (通报): the monthly scheduling bulletin and the quarterly bulletin.

A ``Bulletin`` is the bureau's decision to issue one for a period and a scope (the city by
default); while it is a draft its content is computed afresh from the statistics engine on
every preview. Publishing writes a ``BulletinSnapshot`` once: every number used (JSON), the
content as rendered, and the generated .docx and .xlsx files. The snapshot refuses updates
and deletes, so a published bulletin never changes; the live figures are compared with it
(``services.changes_since_publication``).

Who reads what (decided here, see docs/architecture.md): the bureau generates, previews,
publishes and deletes drafts; leaders read every published bulletin; a unit officer reads
the published bulletins whose scope contains their unit — the city's bulletin, their
county's — because a bulletin is a public document circulated to every unit it ranks. Drafts
are the bureau's alone. The system admin and the auditor read none.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.bulletins.choices import (
    COMPARE,
    STATUS_BADGES,
    BasicWorkCheck,
    BulletinKind,
    BulletinStatus,
    HonourMeasure,
)
from zhaoshang.core.access import READ_ACTIONS, AccessRule
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditedModel, AuditLog, RestrictedQuerySet
from zhaoshang.stats.choices import Indicator


def _active_role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


class BulletinRule(AccessRule):
    """Bureau: everything. Leader: reads published bulletins and compares them with today's
    data. Officer: reads published
    bulletins whose scope is their unit or one above it. Others: nothing.

    ``prefix`` is the path from the model to the bulletin ("" for Bulletin itself)."""

    def __init__(self, prefix: str = ""):
        self.prefix = prefix

    def allows(self, user, action: str) -> bool:
        role = _active_role(user)
        if role == Role.BUREAU:
            return True
        if role == Role.LEADER:
            return action in READ_ACTIONS or action == COMPARE
        if role == Role.OFFICER:
            return action in READ_ACTIONS and user.unit_id is not None
        return False

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        if user.role == Role.BUREAU:
            return queryset
        queryset = queryset.filter(**{f"{self.prefix}status": BulletinStatus.PUBLISHED})
        if user.role == Role.LEADER:
            return queryset
        from zhaoshang.accounts.models import Unit

        path = user.unit.path  # "SFS/SFX/SFX-CG/": its prefixes are the unit and its ancestors
        prefixes = [path[: index + 1] for index, char in enumerate(path) if char == "/"]
        ancestors = Unit._base_manager.filter(path__in=prefixes).values("pk")
        return queryset.filter(**{f"{self.prefix}scope__in": ancestors})


class Bulletin(AuditedModel):
    """One bulletin for a period (1 January to the end of ``month``) and a scope unit."""

    kind = models.CharField("类型", max_length=20, choices=BulletinKind.choices, default=BulletinKind.MONTHLY)
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    month = models.PositiveSmallIntegerField(
        "截止月份",
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="统计期为当年1月至该月；季度通报为季末月。",
    )
    scope = models.ForeignKey(
        "accounts.Unit", verbose_name="通报范围", on_delete=models.PROTECT, related_name="bulletins"
    )
    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("发文单位", max_length=100)
    issue_date = models.DateField("印发日期")
    # The speech's sentence 「已完成招商任务的部门只有9个，完成一半的11个…」: over which kind of
    # unit and which indicator's annual target (bulletins.sections.completion_distribution).
    distribution_unit_type = models.CharField(
        "任务完成分布：单位类型",
        max_length=20,
        choices=UnitType.choices,
        blank=True,
        help_text="总体情况中写“已完成年度任务的部门X个，完成一半以上的Y个……”所按的单位类型；留空则按通报范围的下级单位的类型。",
    )
    distribution_indicator = models.CharField(
        "任务完成分布：指标",
        max_length=40,
        choices=Indicator.choices,
        default=Indicator.CONTRACTED_INVESTMENT,
        help_text="按该指标的年度目标完成率（年初至截止月累计 ÷ 年度目标）分档。",
    )
    status = models.CharField(
        "状态", max_length=20, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    access = BulletinRule()

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-year", "-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "month", "scope"],
                condition=models.Q(status="published"),
                name="bulletins_one_published_per_period",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED


def _file_path(instance, filename):
    # Generated names: nothing a user typed becomes a path on the server.
    extension = filename.rsplit(".", 1)[-1]
    return f"bulletins/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class SnapshotQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise TypeError("已发布通报的快照不能修改。")

    def delete(self):
        raise TypeError("已发布通报的快照不能删除。")


class BulletinSnapshot(models.Model):
    """What was published, frozen: the numbers, the content and the files. Written once."""

    bulletin = models.OneToOneField(Bulletin, verbose_name="通报", on_delete=models.PROTECT, related_name="snapshot")
    numbers = models.JSONField("数据（发布时）", default=dict)
    content = models.JSONField("正文（发布时）", default=dict)
    docx = models.FileField("Word 文件", upload_to=_file_path, max_length=200)
    xlsx = models.FileField("Excel 文件", upload_to=_file_path, max_length=200)
    docx_sha256 = models.CharField("Word SHA-256", max_length=64)
    xlsx_sha256 = models.CharField("Excel SHA-256", max_length=64)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    access = BulletinRule("bulletin__")
    objects = models.Manager.from_queryset(SnapshotQuerySet)()

    class Meta:
        verbose_name = "通报快照"
        verbose_name_plural = "通报快照"

    def __str__(self):
        return f"{self.bulletin}（发布快照）"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("已发布通报的快照不能修改。")
        super().save(*args, **kwargs)
        AuditLog.record(
            AuditAction.CREATE,
            self,
            detail=f"发布通报快照：docx {self.docx_sha256[:12]}…，xlsx {self.xlsx_sha256[:12]}…",
        )

    def delete(self, *args, **kwargs):
        raise TypeError("已发布通报的快照不能删除。")


class HonourRuleAccess(AccessRule):
    """The bureau names the rules; nobody else reads or changes them (the lists they make
    are read in the published bulletin)."""

    def allows(self, user, action: str) -> bool:
        return _active_role(user) == Role.BUREAU

    def filter(self, queryset, user, action):
        return queryset if self.allows(user, action) else queryset.none()


class HonourRule(AuditedModel):
    """One 红黑榜 a bulletin prints: the top N (红榜) and bottom N (黑榜) units of one type,
    by an indicator's annual completion or by a checklist of basic work.

    A rule with ``bulletin`` is that bulletin's; a bulletin with rules of its own prints only
    those. Otherwise the rules of its kind (``bulletin_kind``, the template; blank = every
    kind) apply. ``bulletins.honour`` builds the lists; publication freezes them."""

    name = models.CharField("榜单名称", max_length=60, help_text="例如：乡镇招商指标完成情况")
    bulletin_kind = models.CharField(
        "适用通报类型", max_length=20, choices=BulletinKind.choices, blank=True, help_text="留空则适用于各类通报。"
    )
    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name="仅用于通报",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="honour_rules",
        help_text="选定后只用于这一期通报，该期通报不再使用按类型设置的榜单。",
    )
    unit_type = models.CharField("参评单位类型", max_length=20, choices=UnitType.choices)
    measure = models.CharField("排名依据", max_length=20, choices=HonourMeasure.choices)
    indicator = models.CharField("指标", max_length=40, choices=Indicator.choices, blank=True)
    checks = models.JSONField("基础工作检查项", default=list, blank=True)
    top_n = models.PositiveSmallIntegerField("红榜名额", default=3, validators=[MaxValueValidator(50)])
    bottom_n = models.PositiveSmallIntegerField("黑榜名额", default=3, validators=[MaxValueValidator(50)])
    sort_order = models.IntegerField("排序", default=0)

    access = HonourRuleAccess()

    class Meta:
        verbose_name = "红黑榜规则"
        verbose_name_plural = "红黑榜规则"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.measure == HonourMeasure.COMPLETION and not self.indicator:
            errors["indicator"] = "按指标完成率排名时，请选择指标。"
        if self.measure == HonourMeasure.BASIC_WORK:
            unknown = set(self.checks or []) - set(BasicWorkCheck.values)
            if not self.checks or unknown:
                errors["checks"] = "按基础工作排名时，请至少选择一个检查项。"
        if not (self.top_n or self.bottom_n):
            errors["top_n"] = "红榜、黑榜名额不能都为0。"
        if errors:
            raise ValidationError(errors)
