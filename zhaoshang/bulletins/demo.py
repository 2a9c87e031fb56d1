"""Demo bulletin: last month's city bulletin, published by the bureau (idempotent)."""

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.bulletins.choices import BulletinKind, BulletinStatus
from zhaoshang.bulletins.forms import default_issuer, last_complete_month
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.bulletins.services import create_draft, publish


@transaction.atomic
def build_bulletins(bureau) -> int:
    """Publish the monthly bulletin of the city for the last complete month, unless it is
    already there. Returns how many bulletins were published (0 or 1)."""
    city = Unit.objects.filter(parent__isnull=True, active=True).order_by("path").first()
    if city is None:
        return 0
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
