"""Demo money: tranches for signed demo projects, most verified, a few waiting."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.funds.choices import FundsKind, FundsSource
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche, return_tranche, verify_tranche
from zhaoshang.projects.choices import STAGE_ORDER, Stage
from zhaoshang.projects.demo import DEMO_CODE_MARK
from zhaoshang.projects.models import Project

REGIONS = [
    ("宁波", FundsSource.OUTSIDE_PROVINCE),
    ("深圳", FundsSource.OUTSIDE_PROVINCE),
    ("合肥", FundsSource.OUTSIDE_CITY),
    ("香港", FundsSource.ABROAD),
]
RETURN_REASONS = ["凭证金额与填报金额不符，请核对后重新上传", "缺少银行进账凭证", "到账单位不是项目公司，请说明"]


@transaction.atomic
def build_tranches(bureau, seed: int = 20241201) -> int:
    """Give each signed demo project without money 1–4 tranches after its signing date."""
    today = timezone.localdate()
    created = 0
    projects = (
        Project.objects.filter(
            remarks__contains=DEMO_CODE_MARK, signed_on__isnull=False, total_investment__isnull=False
        )
        .exclude(stage__in=[Stage.DROPPED, Stage.ON_HOLD])
        .filter(tranches__isnull=True)
        .order_by("code")
    )
    for project in projects:
        rng = random.Random(f"{seed}-{project.code}")
        share = Decimal(rng.choice([15, 25, 40, 60, 80])) / 100
        if STAGE_ORDER.get(project.stage, 0) <= STAGE_ORDER[Stage.SIGNED]:
            share /= 3
        count = rng.randint(1, 4)
        remaining = (project.total_investment * share).quantize(Decimal(1))
        when = project.signed_on
        for index in range(count):
            if remaining <= 0:
                break
            when = when + datetime.timedelta(days=rng.randint(15, 120))
            if when > today:  # money still to come; none is dated in the future or piled on today
                break
            amount = (
                remaining
                if index == count - 1
                else (remaining * Decimal(rng.choice([30, 40, 50])) / 100).quantize(Decimal(1))
            )
            region, source = rng.choice(REGIONS)
            foreign = source == FundsSource.ABROAD
            tranche = record_tranche(
                bureau,
                FundsTranche(
                    project=project,
                    date=when,
                    amount=amount,
                    kind=FundsKind.FOREIGN if foreign else FundsKind.DOMESTIC,
                    amount_usd=(amount / Decimal("7.2")).quantize(Decimal("0.01")) if foreign else None,
                    source=source,
                    source_region=region,
                    voucher_no=f"PZ{project.pk:06d}{index:02d}",
                ),
            )
            chance = rng.random()
            if (today - when).days > 45 or chance < 0.4:
                verify_tranche(bureau, tranche)
            elif chance > 0.85:  # a few come back for a better voucher, as in real life
                return_tranche(bureau, tranche, rng.choice(RETURN_REASONS))
            remaining -= amount
            created += 1
    return created


# core.demo.build_city runs this after the demo modules of these apps: money arrives for the demo projects.
DEMO_AFTER = ("projects",)


def build(city) -> int:
    return build_tranches(city.bureau)
