"""Assessment (考核): schemes the bureau defines for a year, the bureau's manual entries,
and published results frozen as snapshots.

A scheme names the units it assesses, its indicators with weights (points), the cap on
completion, its bonus and deduction rules and what 一票否决 does. Scores are computed by
``services.compute_scores`` from the statistics engine; publishing stores every number
that went into them (``AssessmentResult.data``), and a published result never changes.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.assessment.choices import ENTRY_BADGES, EntryKind, RuleKind, UnitSelection, VetoMode
from zhaoshang.core.access import READ_ACTIONS, AccessRule, UnitScoped
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.relations.choices import CompanyFlag
from zhaoshang.stats.choices import Indicator

POINTS = {"max_digits": 8, "decimal_places": 2}


class PublishedToUnits(AccessRule):
    """Schemes and their results: the bureau configures them, a leader reads all of them,
    a unit officer reads only schemes that have a published result (and those results) —
    live, unpublished scores are the bureau's working draft. Which unit's breakdown an
    officer may open is decided by the unit (``Unit.objects.restrict``), not here."""

    def __init__(self, scheme_path: str = ""):
        self.scheme_path = scheme_path

    def allows(self, user, action: str) -> bool:
        active = user is not None and getattr(user, "is_authenticated", False) and user.is_active
        role = user.role if active else None
        if role == Role.BUREAU:
            return True
        if role == Role.LEADER:
            return action in READ_ACTIONS
        if role == Role.OFFICER:
            return action in READ_ACTIONS and user.unit_id is not None
        return False

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        if user.role == Role.OFFICER:
            published = AssessmentResult._base_manager.filter(scheme=OuterRef(self.scheme_path or "pk"))
            return queryset.filter(Exists(published))
        return queryset


class AssessmentScheme(VersionedModel, AuditedModel):
    """考核方案: what is scored for a year, for which units, and how."""

    name = models.CharField("方案名称", max_length=100)
    year = models.PositiveSmallIntegerField("考核年度")
    parent = models.ForeignKey(
        "accounts.Unit",
        verbose_name="考核范围",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="被考核单位都在这个单位之下（如示范市）。",
    )
    selection = models.CharField(
        "被考核单位", max_length=20, choices=UnitSelection.choices, default=UnitSelection.CHILDREN
    )
    unit_types = models.JSONField("单位类型", default=list, blank=True)
    chosen_units = models.JSONField("指定单位", default=list, blank=True)
    total_points = models.DecimalField(
        "指标总分", **POINTS, default=Decimal(100), help_text="各指标分值之和须等于总分。"
    )
    cap_percent = models.DecimalField(
        "完成率封顶（%）",
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        help_text="指标得分 = min(完成率, 封顶) × 分值；默认完成率超过 100% 不再加分。",
    )
    veto_mode = models.CharField("一票否决", max_length=10, choices=VetoMode.choices, default=VetoMode.ZERO)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    access = PublishedToUnits()
    audit_choices = {"unit_types": UnitType.choices}

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="assessment_scheme_unique_name")]

    def __str__(self):
        return f"{self.year}年 {self.name}"

    @property
    def cap(self) -> Decimal:
        return self.cap_percent / 100

    def assessed_units(self) -> list:
        """The units scored, in the order tables list them (active units only, except
        units chosen by name, which stay as chosen)."""
        from zhaoshang.accounts.models import Unit

        units = Unit.objects.all()
        if self.selection == UnitSelection.CHILDREN:
            units = units.filter(parent_id=self.parent_id, active=True)
        elif self.selection == UnitSelection.TYPE:
            units = units.filter(path__startswith=self.parent.path, type__in=self.unit_types, active=True).exclude(
                pk=self.parent_id
            )
        else:
            units = units.filter(pk__in=self.chosen_units, path__startswith=self.parent.path)
        return list(units.order_by("path", "sort_order"))

    def describe_units(self) -> str:
        from zhaoshang.accounts.choices import UnitType

        if self.selection == UnitSelection.CHILDREN:
            return f"{self.parent.name}的直属下级单位"
        if self.selection == UnitSelection.TYPE:
            labels = dict(UnitType.choices)
            return f"{self.parent.name}下的" + "、".join(labels.get(code, code) for code in self.unit_types)
        return f"{self.parent.name}下指定的 {len(self.chosen_units)} 个单位"


class SchemeIndicator(AuditedModel):
    """One scored indicator of a scheme and its weight (分值)."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name="方案", on_delete=models.CASCADE, related_name="indicators"
    )
    indicator = models.CharField("指标", max_length=40, choices=Indicator.choices)
    weight = models.DecimalField("分值", **POINTS, validators=[MinValueValidator(Decimal("0.01"))])
    position = models.PositiveSmallIntegerField("顺序", default=0)

    access = PublishedToUnits("scheme")

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["scheme", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="assessment_one_weight_each")]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.weight}分"


class SchemeRule(AuditedModel):
    """A bonus or deduction rule: so many points per project (or record), optionally at
    most so many points in all. Whether it adds or subtracts follows from its kind."""

    scheme = models.ForeignKey(AssessmentScheme, verbose_name="方案", on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField("加减分项", max_length=30, choices=RuleKind.choices)
    points = models.DecimalField("每项分值", **POINTS, validators=[MinValueValidator(Decimal("0.01"))])
    max_points = models.DecimalField("最多计分", **POINTS, null=True, blank=True, help_text="不填则不设上限。")
    threshold_wan = models.DecimalField(
        "金额标准（万元）",
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="大项目加分用，例如 100000 万元（10亿元）。",
    )
    flag = models.CharField("企业标签", max_length=30, choices=CompanyFlag.choices, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    access = PublishedToUnits("scheme")

    class Meta:
        verbose_name = "加减分项"
        verbose_name_plural = "加减分项"
        ordering = ["scheme", "position", "id"]

    def __str__(self):
        from zhaoshang.assessment.rules import describe_rule

        return describe_rule(self)


class ManualEntry(VersionedModel, AuditedModel):
    """What the bureau records by hand against a unit: a falsified record found (deducted
    by the scheme's 弄虚作假 rule), a veto (一票否决) or a points adjustment, each with
    its reason and evidence. Counted in every period of the scheme's year that ends on or
    after its date."""

    scheme = models.ForeignKey(AssessmentScheme, verbose_name="方案", on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=EntryKind.choices)
    date = models.DateField("认定日期")
    points = models.DecimalField(
        "调整分值", **POINTS, null=True, blank=True, help_text="仅加减分调整填写：加分为正，扣分为负。"
    )
    reason = models.CharField("事由", max_length=300)
    evidence = models.TextField("依据/证据", blank=True, help_text="文件文号、核查记录、审计报告等。")
    project = models.ForeignKey(
        "projects.Project", verbose_name="相关项目", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    access = UnitScoped("unit")

    class Meta:
        verbose_name = "考核登记事项"
        verbose_name_plural = "考核登记事项"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["scheme", "kind", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.reason[:40]}"

    @property
    def badge(self) -> str:
        return ENTRY_BADGES.get(self.kind, "secondary")


class AssessmentResult(AuditedModel):
    """A published result: the scores of every unit for one period with every input
    number, frozen. It is never updated or deleted; recomputing shows the differences."""

    scheme = models.ForeignKey(AssessmentScheme, verbose_name="方案", on_delete=models.PROTECT, related_name="results")
    period_key = models.CharField("考核期", max_length=10)
    period_label = models.CharField("考核期名称", max_length=50)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    data = models.JSONField("得分明细（发布时快照）")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", default=timezone.now)

    # The snapshot itself is the record; the audit row names the publication, not every number.
    audit_ignored_fields = ("data",)
    access = PublishedToUnits("scheme")

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        ordering = ["-period_end", "-id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period_key"], name="assessment_publish_once")]

    def __str__(self):
        return f"{self.scheme} {self.period_label}考核结果"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("已发布的考核结果不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("已发布的考核结果不能删除。")
