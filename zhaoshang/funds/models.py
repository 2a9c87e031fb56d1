"""Funds in place (到位资金): money that really arrived, tranche by tranche.

Append-only business history like stage events: a tranche is entered, verified or
returned; only verified tranches count. A unit may correct its tranche while it waits or
after it was returned (optimistic locking, like projects); a verified tranche is fixed.
Amounts in 万元, exact; foreign money also in 万美元 as the bank voucher states it.
"""

from django.db import models
from django.urls import reverse

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.core.verification import Verifiable
from zhaoshang.funds.choices import FundsKind, FundsSource
from zhaoshang.projects.choices import Verification
from zhaoshang.projects.models import PROJECT_SCOPE, money_field


class FundsTranche(VersionedModel, Verifiable, AuditedModel):
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
    review_kind = "tranche"
    review_label = "到位资金"
    review_unit_field = "project__responsible_unit"
    review_amount_field = "amount"

    access = UnitScoped(*(f"project__{field}" for field in PROJECT_SCOPE))

    class Meta:
        verbose_name = "到位资金"
        verbose_name_plural = "到位资金"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "date"]), models.Index(fields=["project", "date"])]

    def __str__(self):
        return f"{self.project} {self.date:%Y-%m-%d} {self.amount}万元"

    def get_absolute_url(self) -> str:
        return reverse("funds:detail", args=[self.pk])

    def verification_subject(self) -> str:
        return f"{self.project.name} {self.date:%Y-%m-%d} 到位资金 {self.amount.normalize():f} 万元"

    def submitting_unit(self):
        return self.project.responsible_unit

    def evidence_files(self) -> list:
        return [link.attachment for link in self.evidence.select_related("attachment")]

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
