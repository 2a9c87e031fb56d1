"""Leads that move between units: 项目信息共享 (one unit hands a project to another, keeping
a share of the credit) and the 线索池 (leads the bureau holds until a unit claims them or is
assigned them).

Seed speeches complain that departments stopped passing project information to the
zones: a handover makes passing one a recorded act with a reward (the credit share kept),
and the receiving unit answers it (accepts, or declines with a reason)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from zhaoshang.accounts.models import Unit
from zhaoshang.core.access import READ_ACTIONS, AccessRule, UnitScoped, scope_unit_ids
from zhaoshang.core.choices import Action
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.core.roles import Role
from zhaoshang.core.verification import Verifiable
from zhaoshang.leads.choices import (
    HANDOVER_BADGES,
    POOL_BADGES,
    SOURCE_FIELD,
    HandoverStatus,
    PoolStatus,
    RewardAmountKind,
    RewardCondition,
    SourceKind,
)
from zhaoshang.projects.models import PROJECT_SCOPE, money_field


class Handover(AuditedModel):
    """A project passed from one unit to another (项目信息共享)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="handovers"
    )
    from_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="移交单位", on_delete=models.PROTECT, related_name="handovers_sent"
    )
    to_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="接收单位", on_delete=models.PROTECT, related_name="handovers_received"
    )
    kept_percent = models.DecimalField(
        "移交单位保留业绩（%）",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(99))],
        help_text="接收后，移交单位按此比例保留该项目的业绩归属；默认值由招商局规定。",
    )
    note = models.TextField("项目情况说明", max_length=2000)
    status = models.CharField("状态", max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.OFFERED)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="移交人", on_delete=models.PROTECT, related_name="+"
    )
    offered_at = models.DateTimeField("移交时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decline_reason = models.CharField("拒绝原因", max_length=300, blank=True)

    access = UnitScoped("from_unit", "to_unit")

    class Meta:
        verbose_name = "项目信息共享"
        verbose_name_plural = "项目信息共享"
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(status="offered"), name="leads_one_open_handover_per_project"
            )
        ]

    def __str__(self):
        return f"{self.project} → {self.to_unit}"

    @property
    def status_badge(self) -> str:
        return HANDOVER_BADGES.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status == HandoverStatus.OFFERED


class PoolRule(AccessRule):
    """Who sees a pool lead. The bureau manages the pool and sees all of it; a leader reads
    it; an officer sees the leads waiting in the pool that are open to their unit (opened to
    a unit means to it and the units below it; opened to nobody in particular means to every
    unit), and the leads their own subtree has taken. The system admin and the auditor see
    none of it (三权分立)."""

    def allows(self, user, action):
        role = user.role if user is not None and user.is_authenticated and user.is_active else None
        if role == Role.BUREAU:
            return True
        if role == Role.LEADER:
            return action in READ_ACTIONS
        if role == Role.OFFICER:
            return action in READ_ACTIONS | {Action.CHANGE} and user.unit_id is not None
        return False

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        if user.role in (Role.BUREAU, Role.LEADER):
            return queryset
        # Opened to a unit = to its subtree: the officer's unit or any unit above it.
        own_and_above = Unit._base_manager.filter(code__in=user.unit.path.strip("/").split("/")).values("pk")
        waiting = models.Q(status=PoolStatus.POOLED) & (
            models.Q(open_to_all=True)
            | models.Q(pk__in=PoolLead.open_to.through.objects.filter(unit_id__in=own_and_above).values("poollead_id"))
        )
        taken = models.Q(taken_by_unit_id__in=scope_unit_ids(user))
        return queryset.filter(waiting | taken)


class PoolLead(AuditedModel):
    """A lead in the pool (线索池): held by the bureau until a unit claims it or the bureau
    assigns it. While pooled, the project's responsible unit is the bureau's own unit; a
    claimed lead nobody followed up for ``ZHAOSHANG_LEAD_POOL_IDLE_DAYS`` goes back."""

    project = models.OneToOneField(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="pool_entry"
    )
    pool_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="线索池所属单位", on_delete=models.PROTECT, related_name="+"
    )
    open_to_all = models.BooleanField("向所有单位开放", default=True)
    open_to = models.ManyToManyField(
        "accounts.Unit", verbose_name="开放给", blank=True, related_name="+", help_text="含其下级单位。"
    )
    note = models.TextField("线索说明", max_length=2000, blank=True)
    status = models.CharField("状态", max_length=20, choices=PoolStatus.choices, default=PoolStatus.POOLED)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="入池人", on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField("入池时间", auto_now_add=True)
    taken_by_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="认领/承接单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认领/分配人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField("认领/分配时间", null=True, blank=True)
    times_returned = models.PositiveIntegerField("退回线索池次数", default=0)

    access = PoolRule()

    class Meta:
        verbose_name = "线索池线索"
        verbose_name_plural = "线索池"
        ordering = ["-placed_at", "-id"]

    def __str__(self):
        return str(self.project)

    @property
    def status_badge(self) -> str:
        return POOL_BADGES.get(self.status, "secondary")


# --- Referrals (引荐) and their rewards (引荐奖励) ------------------------------------------------------

PROJECT_ACCESS = tuple(f"project__{field}" for field in PROJECT_SCOPE)


class Referral(VersionedModel, AuditedModel):
    """Who brought a project to us (引荐), and when: exactly one source of its kind — an
    intermediary, a 乡贤 or 客商 contact, a local firm (以商招商), a colleague, another
    unit, or a line of text. Read and changed as its project is."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="referrals"
    )
    source_kind = models.CharField("引荐来源", max_length=20, choices=SourceKind.choices)
    intermediary = models.ForeignKey(
        "relations.Intermediary",
        verbose_name="中介机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    # A person erased on request (PIPL) leaves the referral without a name: SET_NULL.
    contact = models.ForeignKey(
        "relations.Contact",
        verbose_name="引荐人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    company = models.ForeignKey(
        "relations.Company",
        verbose_name="本地企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="同事", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="引荐单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_text = models.CharField("其他来源", max_length=200, blank=True)
    referred_on = models.DateField("引荐日期")
    note = models.TextField("引荐经过", max_length=2000, blank=True)
    is_primary = models.BooleanField("主要引荐来源", default=True, help_text="每个项目至多一个主要引荐来源。")
    referrer_is_official = models.BooleanField(
        "引荐人为公职人员或本单位工作人员",
        default=False,
        help_text="公职人员和工作人员引荐的项目不享受引荐奖励。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    access = UnitScoped(*PROJECT_ACCESS)

    class Meta:
        verbose_name = "引荐"
        verbose_name_plural = "引荐"
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(is_primary=True), name="leads_one_primary_referral"
            )
        ]

    def __str__(self):
        return f"{self.project}（{self.source_name}引荐）"

    def get_absolute_url(self) -> str:
        return reverse("leads:referral_detail", args=[self.pk])

    @property
    def source_name(self) -> str:
        """The source as every page names it."""
        value = getattr(self, SOURCE_FIELD[self.source_kind])
        if value in (None, ""):
            return "已删除的联系人" if self.source_kind in (SourceKind.NOTABLE, SourceKind.INVESTOR) else "—"
        if self.source_kind == SourceKind.COLLEAGUE:
            return value.get_full_name() or value.username
        return value if isinstance(value, str) else getattr(value, "name", str(value))


class BureauTable(AccessRule):
    """A table of the bureau's rules: the bureau changes it; leaders and officers read it
    (everyone knows the terms they are rewarded by); the system admin and the auditor
    see none of it."""

    def allows(self, user, action):
        role = user.role if user is not None and user.is_authenticated and user.is_active else None
        if role == Role.BUREAU:
            return True
        return role in (Role.LEADER, Role.OFFICER) and action in READ_ACTIONS

    def filter(self, queryset, user, action):
        return queryset if self.allows(user, action) else queryset.none()


class RewardRule(VersionedModel, AuditedModel):
    """One line of the bureau's 引荐奖励规则: which sources it applies to, the condition the
    project must meet, the amount, and when it is in force (by the referral's date)."""

    name = models.CharField("规则名称", max_length=100)
    source_kinds = models.JSONField("适用引荐来源", default=list)
    condition = models.CharField("奖励条件", max_length=30, choices=RewardCondition.choices)
    within_days = models.PositiveIntegerField(
        "投产宽限天数（N）", null=True, blank=True, help_text="按约定投产：投产日期不晚于约定投产日期后 N 天。"
    )
    min_funds = money_field("到位资金下限（X 万元）", help_text="资金到位：累计审核通过的到位资金不少于 X 万元。")
    amount_kind = models.CharField("奖励方式", max_length=20, choices=RewardAmountKind.choices)
    amount = models.DecimalField(
        "奖励金额（万元）或比例（%）",
        max_digits=18,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )
    active_from = models.DateField("生效日期")
    active_to = models.DateField("失效日期", null=True, blank=True, help_text="不填为长期有效。")
    note = models.CharField("说明", max_length=300, blank=True)

    access = BureauTable()

    class Meta:
        verbose_name = "引荐奖励规则"
        verbose_name_plural = "引荐奖励规则"
        ordering = ["-active_from", "name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leads:rule_detail", args=[self.pk])

    @property
    def source_kind_labels(self) -> str:
        labels = dict(SourceKind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in self.source_kinds) or "—"


class Payout(VersionedModel, Verifiable, AuditedModel):
    """A referral reward paid out (奖励兑现): the amount, the date and the evidence, verified
    by the bureau as tranches are. ``project`` repeats the referral's so the review queue
    reads every claim alike."""

    referral = models.ForeignKey(Referral, verbose_name="引荐", on_delete=models.PROTECT, related_name="payouts")
    project = models.ForeignKey("projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+")
    amount = money_field("兑现金额（万元）", null=False, blank=False)
    paid_on = models.DateField("兑现日期")
    evidence = models.CharField("兑现凭证", max_length=300, help_text="如：财政拨付凭证号、银行回单号、会议纪要文号。")
    note = models.CharField("说明", max_length=300, blank=True)

    review_kind = "payout"
    review_label = "引荐奖励兑现"
    review_unit_field = "project__responsible_unit"
    review_amount_field = "amount"

    access = UnitScoped(*PROJECT_ACCESS)

    class Meta:
        verbose_name = "引荐奖励兑现"
        verbose_name_plural = "引荐奖励兑现"
        ordering = ["-paid_on", "-id"]

    def __str__(self):
        return f"{self.project} 引荐奖励 {self.amount.normalize():f}万元"

    def get_absolute_url(self) -> str:
        return reverse("leads:payout_detail", args=[self.pk])

    def verification_subject(self) -> str:
        return f"{self.project.name} 引荐奖励兑现 {self.amount.normalize():f} 万元（{self.paid_on:%Y-%m-%d}）"

    def submitting_unit(self):
        return self.project.responsible_unit

    @property
    def editable(self) -> bool:
        return self.status != "verified"
