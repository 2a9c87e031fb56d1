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

from zhaoshang.accounts.models import Unit
from zhaoshang.core.access import READ_ACTIONS, AccessRule, UnitScoped, scope_unit_ids
from zhaoshang.core.choices import Action
from zhaoshang.core.models import AuditedModel
from zhaoshang.core.roles import Role
from zhaoshang.leads.choices import HANDOVER_BADGES, POOL_BADGES, HandoverStatus, PoolStatus


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
