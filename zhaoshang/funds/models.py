"""Funds in place (到位资金): money that really arrived, tranche by tranche.

Append-only business history like stage events: a tranche is entered, verified or
returned; only verified tranches count. A unit may correct its tranche while it waits or
after it was returned (optimistic locking, like projects); a verified tranche is fixed.
Amounts in 万元, exact; foreign money also in 万美元 as the bank voucher states it.
"""

from django.conf import settings
from django.db import models

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.funds.choices import FundsKind, FundsSource
from zhaoshang.projects.choices import VERIFICATION_BADGES, Verification
from zhaoshang.projects.models import PROJECT_SCOPE, money_field


class FundsTranche(VersionedModel, AuditedModel):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="tranches"
    )
    date = models.DateField("到位日期", db_index=True)
    amount = money_field("到位金额（万元）", null=False, blank=False)
    kind = models.CharField("资金类型", max_length=20, choices=FundsKind.choices, default=FundsKind.DOMESTIC)
    amount_usd = money_field("外资金额（万美元）")
    source = models.CharField("资金来源", max_length=20, choices=FundsSource.choices)
    source_region = models.CharField("来源地", max_length=50, blank=True, help_text="例如：宁波、香港")
    voucher_no = models.CharField("凭证编号", max_length=50, blank=True, db_index=True)
    note = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField(
        "审核状态", max_length=20, choices=Verification.choices, default=Verification.SUBMITTED, db_index=True
    )
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("填报时间", auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField("审核时间", null=True, blank=True)
    verified_by_import = models.BooleanField("导入时审核", default=False)

    access = UnitScoped(*(f"project__{field}" for field in PROJECT_SCOPE))

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "date"]), models.Index(fields=["project", "date"])]

    def __str__(self):
        return f"{self.project} {self.date:%Y-%m-%d} {self.amount}万元"

    @property
    def status_badge(self) -> str:
        return VERIFICATION_BADGES.get(self.status, "secondary")

    @property
    def editable(self) -> bool:
        """A tranche waiting for verification or returned may be corrected; a verified one not."""
        return self.status in (Verification.SUBMITTED, Verification.RETURNED)


class TrancheEvidence(AuditedModel):
    """A bank voucher or receipt proving a tranche: a project attachment (stored, checked
    and served by the projects app) linked to the tranche it proves."""

    tranche = models.ForeignKey(
        FundsTranche, verbose_name="到位资金", on_delete=models.CASCADE, related_name="evidence"
    )
    attachment = models.OneToOneField(
        "projects.Attachment", verbose_name="附件", on_delete=models.CASCADE, related_name="tranche_link"
    )

    access = UnitScoped(*(f"tranche__project__{field}" for field in PROJECT_SCOPE))

    class Meta:
        verbose_name = "到位资金凭证"
        verbose_name_plural = "到位资金凭证"
        ordering = ["id"]

    def __str__(self):
        return f"{self.tranche} {self.attachment}"
