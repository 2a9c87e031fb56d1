"""Funds-in-place workflows: record or correct a tranche with its evidence, verify or
return it, sum a project's money and a list's money exactly."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.utils import timezone

from zhaoshang.core.choices import Action
from zhaoshang.core.verification import return_for_correction, verify
from zhaoshang.funds.choices import FundsKind
from zhaoshang.funds.models import FundsTranche, TrancheEvidence
from zhaoshang.projects.choices import Verification
from zhaoshang.projects.models import Project


def validate_tranche(tranche: FundsTranche) -> None:
    problems = {}
    if tranche.amount is None or tranche.amount <= 0:
        problems["amount"] = "到位金额须大于 0。"
    if tranche.date and tranche.date > timezone.localdate():
        problems["date"] = "到位日期不能晚于今天。"
    if tranche.kind == FundsKind.FOREIGN and tranche.amount_usd is not None and tranche.amount_usd <= 0:
        problems["amount_usd"] = "外资金额须大于 0。"
    if tranche.kind == FundsKind.DOMESTIC and tranche.amount_usd:
        problems["amount_usd"] = "内资不填外资金额（万美元）。"
    if problems:
        raise ValidationError(problems)
    tranche.full_clean(exclude=["project", "submitted_by", "verified_by"])


@transaction.atomic
def record_tranche(user, tranche: FundsTranche) -> FundsTranche:
    """A unit enters money that arrived; it waits for the bureau's verification."""
    if not Project.objects.restrict(user, Action.CHANGE).filter(pk=tranche.project_id).exists():
        raise PermissionDenied("该项目不在您的管理范围内。")
    validate_tranche(tranche)
    tranche.submitted_by = user
    tranche.status = Verification.SUBMITTED
    tranche.save()
    return tranche


@transaction.atomic
def update_tranche(user, tranche: FundsTranche, *, expected_version: int) -> FundsTranche:
    """A unit corrects its tranche while it waits or after it was returned; a returned
    tranche goes back to the bureau. A verified tranche is fixed (the bureau returns it
    first). Raises StaleEditError when someone saved it since the form was opened."""
    if not FundsTranche.objects.restrict(user, Action.CHANGE).filter(pk=tranche.pk).exists():
        raise PermissionDenied("该到位资金不在您的管理范围内。")
    stored = FundsTranche.objects.get(pk=tranche.pk)
    if not stored.editable:
        raise ValidationError("已审核通过的到位资金不能修改；如需更正，请招商局先退回。")
    if tranche.project_id != stored.project_id:
        raise ValidationError({"project": "不能把到位资金改到其他项目。"})
    validate_tranche(tranche)
    if stored.status == Verification.RETURNED:
        tranche.status = Verification.SUBMITTED  # corrected: back to the bureau
    tranche.save_versioned(expected_version)
    return tranche


@transaction.atomic
def add_evidence(user, tranche: FundsTranche, uploaded) -> TrancheEvidence:
    """Store an uploaded voucher as a project attachment and link it to the tranche."""
    from zhaoshang.projects.attachments import save_attachment

    if not FundsTranche.objects.restrict(user, Action.CHANGE).filter(pk=tranche.pk).exists():
        raise PermissionDenied("该到位资金不在您的管理范围内。")
    description = f"到位资金凭证 {tranche.date:%Y-%m-%d} {tranche.amount.normalize():f}万元"
    attachment = save_attachment(user, tranche.project, uploaded, description=description[:200])
    return TrancheEvidence.objects.create(tranche=tranche, attachment=attachment)


def verify_tranche(user, tranche: FundsTranche, *, by_import: bool = False) -> FundsTranche:
    """The bureau confirms a tranche (``core.verification.verify``); it then counts."""
    return verify(user, tranche, by_import=by_import)


def return_tranche(user, tranche: FundsTranche, reason: str) -> FundsTranche:
    """The bureau returns a tranche with a reason; its unit corrects it, which resubmits it."""
    return return_for_correction(user, tranche, reason)


@dataclass
class ProjectFunds:
    verified: Decimal
    submitted: Decimal
    rate: Decimal | None  # 资金到位率 = cumulative verified funds ÷ 协议总投资

    @property
    def reported(self) -> Decimal:
        return self.verified + self.submitted


def project_funds(project: Project) -> ProjectFunds:
    """A project's cumulative money in place, verified and waiting, and 资金到位率."""
    # Summed in Python: a project has few tranches, and SQLite would add them as floats.
    sums: dict[str, Decimal] = {}
    for status, amount in FundsTranche.objects.filter(project=project).values_list("status", "amount"):
        sums[status] = sums.get(status, Decimal(0)) + amount
    verified = Decimal(sums.get(Verification.VERIFIED, 0))
    submitted = Decimal(sums.get(Verification.SUBMITTED, 0))
    rate = verified / project.total_investment if project.total_investment else None
    return ProjectFunds(verified, submitted, rate)


def project_panel(user, project: Project) -> dict:
    """What funds shows on a project's page (its panels, registered in apps.py): the
    summary and the latest tranches, read once for both panels."""
    cached = getattr(project, "_funds_panel", None)
    if cached is None:
        cached = {"funds": project_funds(project), "tranches": project.tranches.order_by("-date")[:20]}
        project._funds_panel = cached
    return cached


@dataclass
class TrancheTotals:
    """The money of a set of tranches: exact sums, as the list's 合计 row shows them."""

    count: int
    amount: Decimal  # 万元
    amount_usd: Decimal  # 万美元, foreign tranches that state it
    verified: Decimal  # 万元, of which verified


def tranche_totals(tranches) -> TrancheTotals:
    """Σ of a (filtered, restricted) queryset of tranches, in one query. Amounts are summed
    as integer 元 inside the SQL (core.numbers.as_yuan), so SQLite's floating-point NUMERIC storage
    never reaches a total."""
    from zhaoshang.core.numbers import YUAN_PER_WAN, as_yuan

    def exact(field: str, **condition):
        return Sum(as_yuan(F(field)), filter=Q(**condition) if condition else None, output_field=BigIntegerField())

    row = tranches.order_by().aggregate(
        n=Count("pk"),
        total_yuan=exact("amount"),
        total_usd_yuan=exact("amount_usd"),
        verified_yuan=exact("amount", status=Verification.VERIFIED),
    )

    def wan(value) -> Decimal:
        return Decimal(value or 0) / YUAN_PER_WAN

    return TrancheTotals(row["n"], wan(row["total_yuan"]), wan(row["total_usd_yuan"]), wan(row["verified_yuan"]))
