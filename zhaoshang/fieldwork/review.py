"""活动后评估: what became, months later, of the projects signed at a campaign.

Over the same projects as the campaign's figures (``services.counted_signings``: the
signing verified), as of a day: how many reached 注册, 开工, 投产 by a verified stage event
dated by then, the verified funds in place by then against the signing's amount, and the
projects signed and never landed (no verified 注册/开工/投产), by responsible unit. Rules in
docs/counting-rules.md (活动后评估). Publishing freezes the figures (``CampaignReview``), as
bulletins do, and the page compares them with today's.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.fieldwork.choices import CampaignStatus
from zhaoshang.fieldwork.models import Campaign, CampaignReview
from zhaoshang.fieldwork.services import counted_signings, exact, signing_amount
from zhaoshang.projects.choices import Stage, Verification
from zhaoshang.projects.models import Project, StageEvent

# How far a verified event takes a project: a project that went straight to 投产 has also
# registered and started, whether or not those claims were filed.
REACH = {Stage.REGISTERED: 1, Stage.STARTED: 2, Stage.PRODUCTION: 3}
REACHED_LABELS = {0: "未落地", 1: "已注册", 2: "已开工", 3: "已投产"}
COUNTS = (("registered_count", 1), ("started_count", 2), ("production_count", 3))
ZERO = Decimal(0)


def rate(part: Decimal, whole: Decimal) -> str:
    """part ÷ whole as a percentage with one decimal (half-up), "—" when whole is zero."""
    if not whole:
        return "—"
    return f"{(part * 100 / whole).quantize(Decimal('0.1'), rounding='ROUND_HALF_UP')}%"


def months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (1 if end.day < start.day else 0))


def campaign_review(campaign: Campaign, as_of: datetime.date | None = None) -> dict:
    """The review as of ``as_of`` (today by default), as plain JSON values: exact decimals
    as strings, so the published snapshot and today's figures compare as they are shown."""
    as_of = as_of or timezone.localdate()
    pairs = counted_signings(campaign)
    ids = [signing.project_id for signing, _ in pairs]
    reached: dict[int, int] = {}
    for project_id, stage in StageEvent.objects.filter(
        project_id__in=ids, stage__in=list(REACH), status=Verification.VERIFIED, date__lte=as_of
    ).values_list("project_id", "stage"):
        reached[project_id] = max(reached.get(project_id, 0), REACH[stage])
    # Through the project's reverse relation: funds sits beside fieldwork in the layers and
    # is not imported. Summed in Python, as funds does, so SQLite does not add floats.
    funds: dict[int, Decimal] = {}
    for project_id, amount in Project.objects.filter(
        pk__in=ids, tranches__status=Verification.VERIFIED, tranches__date__lte=as_of
    ).values_list("pk", "tranches__amount"):
        funds[project_id] = funds.get(project_id, ZERO) + amount

    projects, units = [], {}
    for signing, event in sorted(pairs, key=lambda pair: (pair[0].project.responsible_unit.path, pair[0].project.code)):
        project = signing.project
        level = reached.get(project.pk, 0)
        contracted = signing_amount(signing, event) or ZERO
        in_place = funds.get(project.pk, ZERO)
        unit = project.responsible_unit
        projects.append(
            {
                "id": project.pk,
                "code": project.code,
                "name": project.name,
                "unit": unit.name,
                "document": signing.get_document_display(),
                "signed_on": event.date.isoformat(),
                "reached": REACHED_LABELS[level],
                "landed": level > 0,
                "contracted_wan": exact(contracted),
                "funds_wan": exact(in_place),
            }
        )
        row = units.setdefault(
            unit.pk,
            {"unit": unit.name, "signed": [], "levels": [], "contracted": ZERO, "funds": ZERO, "not_landed": []},
        )
        row["signed"].append(project.pk)
        row["levels"].append(level)
        row["contracted"] += contracted
        row["funds"] += in_place
        if level == 0:
            row["not_landed"].append(f"{project.code} {project.name}")

    def figures(levels, contracted, in_place, count):
        numbers = {"signed_count": count}
        for key, level in COUNTS:
            numbers[key] = sum(1 for reached_level in levels if reached_level >= level)
        numbers["not_landed_count"] = sum(1 for reached_level in levels if reached_level == 0)
        numbers |= {
            "contracted_wan": exact(contracted),
            "funds_wan": exact(in_place),
            "funds_rate": rate(in_place, contracted),
        }
        return numbers

    levels = [reached.get(project_id, 0) for project_id in ids]
    contracted_total = sum((row["contracted"] for row in units.values()), ZERO)
    funds_total = sum((row["funds"] for row in units.values()), ZERO)
    ended = campaign.end_on or campaign.start_on
    return {
        "campaign": campaign.name,
        "as_of": as_of.isoformat(),
        "months_after": months_between(ended, as_of) if as_of >= ended else 0,
        "totals": figures(levels, contracted_total, funds_total, len(ids)),
        "units": [
            {
                "unit": row["unit"],
                **figures(row["levels"], row["contracted"], row["funds"], len(row["signed"])),
                "not_landed": row["not_landed"],
            }
            for row in units.values()
        ],
        "projects": projects,
    }


FIGURE_LABELS = {
    "signed_count": "签约项目数（个）",
    "registered_count": "已注册（个）",
    "started_count": "已开工（个）",
    "production_count": "已投产（个）",
    "not_landed_count": "签约未落地（个）",
    "contracted_wan": "签约金额（万元）",
    "funds_wan": "到位资金（万元）",
    "funds_rate": "资金到位率",
}


def compare(published: dict, current: dict) -> list[dict]:
    """Every figure of the frozen review that differs today: the totals and each unit's
    row (a unit only one side has compares with nothing), in the order of the labels."""
    changes = []

    def differ(where: str, before: dict, after: dict):
        for key, label in FIGURE_LABELS.items():
            old, new = before.get(key, "—"), after.get(key, "—")
            if old != new:
                changes.append({"unit": where, "figure": label, "published": old, "current": new})

    differ("合计", published["totals"], current["totals"])
    now = {row["unit"]: row for row in current["units"]}
    for row in published["units"]:
        differ(row["unit"], row, now.pop(row["unit"], {}))
    for name, row in now.items():
        differ(name, {}, row)
    return changes


@transaction.atomic
def publish_review(user, campaign: Campaign) -> CampaignReview:
    """Freeze today's review of a held campaign. One published review per campaign."""
    if not Campaign.objects.restrict(user, Action.CHANGE).filter(pk=campaign.pk).exists():
        raise PermissionDenied("只有主办单位可以发布活动后评估。")
    # Locked by its key alone: the scope's joins would put FOR UPDATE on an outer join,
    # which PostgreSQL refuses.
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.HELD:
        raise ValidationError("只有已举办的活动可以发布活动后评估。")
    if CampaignReview.objects.filter(campaign=campaign).exists():
        raise ValidationError("该活动的评估已发布，不能重复发布。")
    numbers = campaign_review(campaign)
    try:
        with transaction.atomic():
            review = CampaignReview.objects.create(
                campaign=campaign,
                as_of=datetime.date.fromisoformat(numbers["as_of"]),
                numbers=numbers,
                published_by=user,
            )
    except IntegrityError:  # published by another request meanwhile
        raise ValidationError("该活动的评估已发布，不能重复发布。") from None
    AuditLog.record(AuditAction.CREATE, review, detail=f"发布活动后评估（截至{review.as_of:%Y-%m-%d}）")
    return review
