"""Writing trips and their visits: the level read from the title, the destinations found in
the divisions, every rule checked in one transaction."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.core.parsing import normalise_text
from zhaoshang.fieldwork.choices import LeaderLevel, SigningDocument, VisitResult
from zhaoshang.fieldwork.models import (
    Campaign,
    CampaignSigning,
    CampaignUnit,
    LeaderTitleLevel,
    Trip,
    TripUnit,
    TripVisit,
)
from zhaoshang.projects.models import Project
from zhaoshang.reference.models import Division
from zhaoshang.relations.models import Company
from zhaoshang.relations.normalise import normalise_company_name

# --- Reading a leader's title ------------------------------------------------------------

_IN_BRACKETS = re.compile(r"^(?P<name>[^（(]+?)\s*[（(]\s*(?P<title>[^）)]*?)\s*[）)]\s*$")


def split_leader(text) -> tuple[str, str]:
    """ "张三（副县长）" → ("张三", "副县长"); "张三 副县长" → the same; "张三" → ("张三", "")."""
    text = normalise_text(text)
    match = _IN_BRACKETS.match(text)
    if match:
        return match["name"].strip(), match["title"].strip()
    parts = text.split()
    if len(parts) == 2:
        return parts[0], parts[1]
    return text, ""


def title_table() -> dict[str, str]:
    return dict(LeaderTitleLevel.objects.values_list("title", "level"))


def level_for_title(title: str, table: dict[str, str] | None = None) -> str:
    """The level of ``title`` by the table: the title itself, else the longest title of the
    table it contains (常务副县长 → 副县长 → 县级领导及以上; 副镇长 is in the table on its own,
    so it does not read as 镇长). A title the table does not know is 其他."""
    table = title_table() if table is None else table
    title = normalise_text(title).replace(" ", "")
    if title in table:
        return table[title]
    best = None
    for known, level in table.items():
        if known and known in title and (best is None or len(known) > len(best[0])):
            best = (known, level)
    return best[1] if best else LeaderLevel.OTHER


# --- Destinations --------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[、，,；;/\s]+")


def find_destinations(text: str) -> list[Division]:
    """The divisions (province, prefecture or county level) a destination as written names:
    "深圳、东莞" → 深圳市, 东莞市. A place the dictionary does not know (an industrial park, a
    foreign city) is kept only as text."""
    found = []
    for piece in _SEPARATORS.split(normalise_text(text)):
        if not piece:
            continue
        names = [piece] + [piece + suffix for suffix in ("市", "省", "区", "县")]
        division = Division.objects.filter(name__in=names, level__lte=3).order_by("level", "code").first()
        if division is not None and division not in found:
            found.append(division)
    return found


# --- Trips ---------------------------------------------------------------------------------


def along_units(user):
    """The units a user may name as having gone along on a trip: every unit they see and,
    for an officer, the units under their unit's parent too — a town's trip takes the next
    town or a county department along, and an officer sees only their own subtree. Only the
    names are offered; the other units' data stay out of reach."""
    units = Unit.objects.restrict(user).filter(active=True)
    if user.role == "officer" and user.unit is not None and user.unit.parent_id is not None:
        units = Unit.objects.filter(active=True, path__startswith=user.unit.parent.path)
    return units.order_by("path")


def validate_trip(trip: Trip) -> None:
    errors = {}
    if trip.return_on and trip.departure_on and trip.return_on < trip.departure_on:
        errors["return_on"] = "返回日期不能早于出发日期。"
    if not normalise_text(trip.leader_name):
        errors["leader_name"] = "请填写带队领导。"
    if not normalise_text(trip.destination_text):
        errors["destination_text"] = "请填写目的地。"
    if errors:
        raise ValidationError(errors)


def _check_organiser(user, obj, noun: str) -> None:
    if not type(obj).access.allows(user, Action.ADD if obj.pk is None else Action.CHANGE):
        raise PermissionDenied(f"您没有登记{noun}的权限。")
    if not Unit.objects.restrict(user).filter(pk=obj.organiser_id).exists():
        raise PermissionDenied(f"{type(obj)._meta.get_field('organiser').verbose_name}不在您的管理范围内。")
    if user.role == "officer" and not obj.organiser.is_within(user.unit):
        raise PermissionDenied(f"只能登记本单位或下级单位组织的{noun}。")


def _set_units(user, link_model, owner_field: str, owner, units) -> None:
    """The units taking part (随行单位, 责任单位), never the organiser, all of them units the
    user may name (``along_units``)."""
    allowed = set(along_units(user).filter(pk__in=[unit.pk for unit in units]).values_list("pk", flat=True))
    if any(unit.pk not in allowed for unit in units):
        raise PermissionDenied("所选单位不在可选范围内。")
    wanted = {unit.pk for unit in units} - {owner.organiser_id}
    links = link_model.objects.filter(**{owner_field: owner})
    links.exclude(unit_id__in=wanted).delete()
    have = set(links.values_list("unit_id", flat=True))
    for pk in sorted(wanted - have):  # one save each (a handful): the statistics roll-up listens to them
        link_model.objects.create(**{owner_field: owner}, unit_id=pk)


@transaction.atomic
def save_campaign(user, campaign: Campaign, units=None, *, expected_version: int | None = None) -> Campaign:
    """Create or change a campaign and its responsible units."""
    _check_organiser(user, campaign, "招商活动")
    campaign.name = normalise_text(campaign.name)
    if campaign.end_on and campaign.end_on < campaign.start_on:
        raise ValidationError({"end_on": "结束日期不能早于开始日期。"})
    if expected_version is not None and campaign.pk:
        campaign.save_versioned(expected_version)
    else:
        campaign.save()
    if units is not None:
        _set_units(user, CampaignUnit, "campaign", campaign, list(units))
    return campaign


@transaction.atomic
def save_trip(user, trip: Trip, accompanying: list[Unit] | None = None, *, expected_version: int | None = None) -> Trip:
    """Create or change a trip: the level from the title unless given, the destinations
    from the text, the accompanying units (the organiser never among them). The organiser
    and every accompanying unit must be units the user may see."""
    _check_organiser(user, trip, "外出招商")
    trip.leader_name = normalise_text(trip.leader_name)
    trip.leader_title = normalise_text(trip.leader_title)
    trip.destination_text = normalise_text(trip.destination_text)
    if not trip.level_given or not trip.leader_level:
        trip.level_given = False
        trip.leader_level = level_for_title(trip.leader_title)
    validate_trip(trip)
    if expected_version is not None and trip.pk:
        trip.save_versioned(expected_version)
    else:
        trip.save()
    trip.destinations.set(find_destinations(trip.destination_text))
    if accompanying is not None:
        _set_units(user, TripUnit, "trip", trip, list(accompanying))
    return trip


@transaction.atomic
def save_visit(user, visit: TripVisit, *, project_code: str = "", expected_version: int | None = None) -> TripVisit:
    """A visit of a trip the user may change: the firm found in the company registry by its
    name when it is there, the project by its code among the projects the user may see."""
    if not Trip.objects.restrict(user, Action.CHANGE).filter(pk=visit.trip_id).exists():
        raise PermissionDenied("只有组织单位可以登记这次外出的拜访。")
    visit.visited_name = normalise_text(visit.visited_name)
    if not visit.visited_name:
        raise ValidationError({"visited_name": "请填写拜访对象。"})
    normalised = normalise_company_name(visit.visited_name)
    visit.company = Company.objects.filter(normalised_name=normalised).order_by("pk").first() if normalised else None
    project_code = normalise_text(project_code)
    visit.project = None
    if project_code:
        visit.project = Project.objects.restrict(user).filter(code=project_code).first()
        if visit.project is None:
            raise ValidationError({"project_code": f"未找到编号为「{project_code}」的项目。"})
        visit.result = VisitResult.PROJECT
    trip = visit.trip
    if visit.date and (visit.date < trip.departure_on or (trip.return_on and visit.date > trip.return_on)):
        raise ValidationError({"date": "拜访日期应在出发与返回日期之间。"})
    if expected_version is not None and visit.pk:
        visit.save_versioned(expected_version)
    else:
        visit.save()
    return visit


# --- Signings at a campaign ------------------------------------------------------------------


@transaction.atomic
def add_signing(user, campaign: Campaign, project_code: str, document: str) -> CampaignSigning:
    """Record that a project the user may see was signed at a campaign the user may change."""
    if not Campaign.objects.restrict(user, Action.CHANGE).filter(pk=campaign.pk).exists():
        raise PermissionDenied("只有主办单位可以登记活动签约项目。")
    if document not in SigningDocument.values:
        raise ValidationError({"document": "请选择签约文书：合同、协议、框架协议或意向协议。"})
    code = normalise_text(project_code)
    project = Project.objects.restrict(user).filter(code=code, merged_into__isnull=True).first() if code else None
    if project is None:
        raise ValidationError({"project_code": f"未找到编号为「{code}」的项目。"})
    other = CampaignSigning.objects.filter(project=project).select_related("campaign").first()
    if other is not None:
        raise ValidationError({"project_code": f"项目「{project.name}」已登记为在「{other.campaign.name}」签约。"})
    signing = CampaignSigning(campaign=campaign, project=project, document=document)
    signing.save()
    return signing


@transaction.atomic
def remove_signing(user, signing: CampaignSigning) -> None:
    """Take back a signing registered at the wrong campaign: the organiser's side only. The
    project and its signing event stay; only the campaign no longer counts it."""
    if not CampaignSigning.objects.restrict(user, Action.DELETE).filter(pk=signing.pk).exists():
        raise PermissionDenied("只有主办单位可以移除活动签约项目。")
    signing.delete()


TASK_LENGTH = CampaignUnit._meta.get_field("task").max_length


@transaction.atomic
def set_tasks(user, campaign: Campaign, tasks: dict[int, str]) -> int:
    """The task of each responsible unit before the campaign (unit id → text); returns how
    many changed. Only the organiser's side sets them; a unit not responsible is refused."""
    if not Campaign.objects.restrict(user, Action.CHANGE).filter(pk=campaign.pk).exists():
        raise PermissionDenied("只有主办单位可以分配责任单位的任务。")
    links = {link.unit_id: link for link in campaign.unit_links.select_related("unit")}
    errors, changed = {}, []
    for unit_id, text in tasks.items():
        link = links.get(unit_id)
        if link is None:
            raise ValidationError("所选单位不是本活动的责任单位。")
        text = normalise_text(text)
        if len(text) > TASK_LENGTH:
            errors[f"task_{unit_id}"] = f"{link.unit.name}的任务不能超过{TASK_LENGTH}字。"
        elif text != link.task:
            link.task = text
            changed.append(link)
    if errors:
        raise ValidationError(errors)
    CampaignUnit.objects.bulk_update(changed, ["task"])
    if changed:
        detail = "；".join(f"{link.unit.name}：{link.task or '（清空）'}" for link in changed)
        AuditLog.record(AuditAction.UPDATE, campaign, detail=f"分配责任单位任务：{detail}"[:500])
    return len(changed)


CONTRACT_DOCUMENTS = {SigningDocument.CONTRACT}


def campaign_named(name: str) -> Campaign:
    """The one campaign of that name, for the commands; ValueError (in Chinese) otherwise."""
    campaigns = list(Campaign.objects.filter(name=normalise_text(name)).order_by("-start_on")[:2])
    if not campaigns:
        raise ValueError(f"没有名为「{name}」的招商活动。")
    if len(campaigns) > 1:
        raise ValueError(f"有多个名为「{name}」的招商活动，请先在页面上区分名称。")
    return campaigns[0]


def counted_signings(campaign: Campaign):
    """The signings of a campaign that count (the project's first non-supplementary signing
    event verified), each with that event; and the signing's amount (the event's amount,
    else the project's 协议总投资, 万元). Shared by the figures and the review."""
    from zhaoshang.projects.choices import Stage, Verification
    from zhaoshang.projects.models import StageEvent

    signings = list(campaign.signings.select_related("project", "project__responsible_unit"))
    events = {}
    for event in StageEvent.objects.filter(
        project__in=[signing.project for signing in signings],
        stage=Stage.SIGNED,
        is_supplementary=False,
        status=Verification.VERIFIED,
    ).order_by("date", "pk"):
        events.setdefault(event.project_id, event)
    return [(signing, events[signing.project_id]) for signing in signings if signing.project_id in events]


def signing_amount(signing: CampaignSigning, event):
    return event.amount if event.amount is not None else signing.project.total_investment


def campaign_figures(campaign: Campaign) -> dict:
    """What a campaign brought, over the projects signed there whose signing is verified
    (the project's first non-supplementary signing event): 签约项目数, 总投资 (the signing's
    amount, else the project's 协议总投资; 万元), 外资 (万美元), and the same for contracts alone
    (合同; 协议 includes 框架协议 and 意向协议). Exact decimals, as strings; and the sentence of
    the speech filled in."""
    from decimal import Decimal

    pairs = counted_signings(campaign)
    events = {signing.project_id: event for signing, event in pairs}
    counted = [signing for signing, _ in pairs]
    zero = Decimal(0)

    def total(rows, amount):
        return sum((amount(signing) or zero for signing in rows), zero)

    def investment(signing):
        return signing_amount(signing, events[signing.project_id])

    def foreign(signing):
        return signing.project.foreign_investment_usd

    contracts = [signing for signing in counted if signing.document in CONTRACT_DOCUMENTS]
    figures = {
        "signed_count": len(counted),
        "total_investment_wan": total(counted, investment),
        "foreign_wan_usd": total(counted, foreign),
        "contract_count": len(contracts),
        "contract_foreign_wan_usd": total(contracts, foreign),
    }
    yi = (figures["total_investment_wan"] / 10000).quantize(Decimal("0.01"))
    figures["sentence"] = (
        f"{campaign.name}，共签订合同、协议{figures['signed_count']}个，总投资{yi}亿元，"
        f"合同、协议外资{exact(figures['foreign_wan_usd'])}万美元，其中合同项目{figures['contract_count']}个，"
        f"合同利用外资{exact(figures['contract_foreign_wan_usd'])}万美元。"
    )
    for key in ("total_investment_wan", "foreign_wan_usd", "contract_foreign_wan_usd"):
        figures[key] = exact(figures[key])
    return figures


def exact(number) -> str:
    """An exact decimal without trailing zeros: 12500, 37.5."""
    return format(number.normalize(), "f") if number else "0"
