"""Demo bulletin: last month's city bulletin, published by the bureau, with a 红黑榜 of the
counties (idempotent)."""

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.bulletins.choices import BulletinKind, BulletinStatus, HonourMeasure
from zhaoshang.bulletins.forms import default_issuer, last_complete_month
from zhaoshang.bulletins.models import Bulletin, HonourRule
from zhaoshang.bulletins.services import create_draft, publish
from zhaoshang.stats.choices import Indicator


@transaction.atomic
def build_bulletins(bureau) -> int:
    """Publish the monthly bulletin of the city for the last complete month, unless it is
    already there. Returns how many bulletins were published (0 or 1)."""
    city = Unit.objects.filter(parent__isnull=True, active=True).order_by("path").first()
    if city is None:
        return 0
    if not HonourRule.objects.exists():
        # A template 红黑榜, so the demo bulletin shows one: the counties by 协议引资 completion.
        HonourRule.objects.create(
            name="各县（市、区）协议引资完成情况",
            unit_type=UnitType.COUNTY,
            measure=HonourMeasure.COMPLETION,
            indicator=Indicator.CONTRACTED_INVESTMENT,
            top_n=1,
            bottom_n=1,
        )
    year, month = last_complete_month()
    if Bulletin.objects.filter(
        kind=BulletinKind.MONTHLY, year=year, month=month, scope=city, status=BulletinStatus.PUBLISHED
    ).exists():
        return 0
    draft = create_draft(
        bureau,
        Bulletin(
            kind=BulletinKind.MONTHLY,
            year=year,
            month=month,
            scope=city,
            issuer=default_issuer(bureau),
            issue_date=timezone.localdate(),
        ),
    )
    publish(bureau, draft)
    return 1


# core.demo.build_city runs this after the demo modules of these apps: they report on the money and targets and quote problems and rounds.
DEMO_AFTER = ("funds", "targets", "supervision", "scheduling")


def build(city) -> int:
    return build_bulletins(city.bureau)
