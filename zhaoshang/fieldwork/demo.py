"""Demo trips and campaigns: a year of 外出招商 in every county of the demo city, at every level — county
leaders with towns along, towns on their own under their heads and deputies, a trip a town
organised for a 副县长, planned trips ahead and one cancelled — each with its visits."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.fieldwork.choices import CampaignKind, CampaignStatus, SigningDocument, TripStatus, VisitResult
from zhaoshang.fieldwork.models import Campaign, CampaignSigning, Trip, TripVisit
from zhaoshang.fieldwork.services import save_campaign, save_trip, save_visit
from zhaoshang.relations.models import Company

DEMO_MARK = "（演示数据）"
DEMO_AFTER = ("accounts", "projects")

PLACES = ["深圳", "苏州", "上海", "杭州", "宁波", "东莞", "合肥", "广州", "厦门", "无锡"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "海涛", "文军", "志强", "丽华", "晓东", "卫东", "春燕", "国平", "明辉", "小军", "红梅"]
COUNTY_TITLES = ["县委书记", "县长", "常务副县长", "副县长", "县委常委"]
TOWN_HEADS = ["镇党委书记", "镇长"]
TOWN_OTHERS = ["副镇长", "党委副书记", "招商办主任科员"]
INTERMEDIARIES = ["{place}市浙江商会", "{place}电子信息行业协会", "{place}招商代理有限公司", "{place}湖南商会"]
NOTES = [
    "了解企业扩产计划，对方有意新设生产基地",
    "推介园区标准厂房，企业将派员考察",
    "商会推荐3家拟外迁企业",
    "洽谈供应链配套项目",
]
RESULTS = [VisitResult.LEAD, VisitResult.FOLLOW_UP, VisitResult.NONE, VisitResult.FOLLOW_UP]


def _person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@transaction.atomic
def build_trips(bureau, seed: int = 20260315) -> int:
    if Trip.objects.filter(remarks__contains=DEMO_MARK).exists():
        return 0
    today = timezone.localdate()
    start = today - datetime.timedelta(days=330)
    companies = list(Company.objects.order_by("pk").values_list("name", flat=True)[:60])
    created = 0
    for county in Unit.objects.filter(type=UnitType.COUNTY, active=True).order_by("path"):
        rng = random.Random(f"{seed}-{county.code}")
        towns = list(Unit.objects.filter(parent=county, active=True).exclude(type=UnitType.DEPARTMENT).order_by("path"))
        if not towns:
            continue
        county_leaders = [(_person(rng), title) for title in COUNTY_TITLES]

        plans = []  # (organiser, (leader, title), units along)
        for _ in range(4):  # county leaders lead, towns follow
            plans.append((county, rng.choice(county_leaders), rng.sample(towns, min(len(towns), rng.randint(1, 2)))))
        for town in towns:
            head, deputy = (_person(rng), rng.choice(TOWN_HEADS)), (_person(rng), rng.choice(TOWN_OTHERS))
            for _ in range(rng.randint(1, 3)):
                plans.append((town, head, []))
            plans.append((town, deputy, []))
            if rng.random() < 0.5:  # a town's trip led by a county leader: senior-led, not independent
                plans.append((town, rng.choice(county_leaders[2:]), []))
        for index, (organiser, (leader, title), along) in enumerate(plans):
            departure = start + datetime.timedelta(days=rng.randint(0, 360))
            status = TripStatus.PLANNED if departure > today else TripStatus.DONE
            if index == 5:
                status = TripStatus.CANCELLED
            place = rng.choice(PLACES)
            trip = Trip(
                departure_on=departure,
                return_on=departure + datetime.timedelta(days=rng.randint(1, 3)),
                leader_name=leader,
                leader_title=title,
                organiser=organiser,
                destination_text=place,
                purpose=rng.choice(["产业链精准招商", "拜访在外客商", "参加投资推介会", "考察对接重点企业"]),
                status=status,
                remarks=DEMO_MARK + ("因日程调整取消" if status == TripStatus.CANCELLED else ""),
            )
            save_trip(bureau, trip, along)
            created += 1
            if status != TripStatus.DONE:
                continue
            for number in range(rng.randint(1, 3)):
                if companies and number == 0:
                    name = rng.choice(companies)
                else:
                    name = rng.choice(INTERMEDIARIES).format(place=place)
                if TripVisit.objects.filter(trip=trip, visited_name=name).exists():
                    continue
                pick = rng.randrange(len(NOTES))
                save_visit(
                    bureau,
                    TripVisit(
                        trip=trip, visited_name=name, date=trip.departure_on, notes=NOTES[pick], result=RESULTS[pick]
                    ),
                )
    return created


@transaction.atomic
def build_campaigns(bureau) -> int:
    """One 招商月 per county, its towns responsible, with the county's signed demo projects
    of that month registered as signed there (every third a 合同, the others 协议)."""
    from zhaoshang.projects.models import Project

    if Campaign.objects.filter(review__contains=DEMO_MARK).exists():
        return 0
    today = timezone.localdate()
    created = 0
    for county in Unit.objects.filter(type=UnitType.COUNTY, active=True).order_by("path"):
        signed = list(
            Project.objects.filter(responsible_unit__path__startswith=county.path, signed_on__isnull=False).order_by(
                "-signed_on", "code"
            )[:8]
        )
        if not signed:
            continue
        month = signed[0].signed_on.replace(day=1)
        campaign = Campaign(
            name=f"{month.year}年{county.name}{month.month}月招商月",
            kind=CampaignKind.MONTH,
            start_on=month,
            end_on=(month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1),
            place=county.name,
            organiser=county,
            lead_leader="县长",
            target_projects=10,
            target_investment=200000,
            target_industries="电子信息、装备制造",
            status=CampaignStatus.HELD if month <= today else CampaignStatus.PLANNED,
            review=DEMO_MARK + "活动期间集中签约一批项目，后续跟踪落地情况。",
        )
        save_campaign(bureau, campaign, Unit.objects.filter(parent=county, active=True))
        created += 1
        for index, project in enumerate(signed):
            if not CampaignSigning.objects.filter(project=project).exists():
                document = SigningDocument.CONTRACT if index % 3 == 0 else SigningDocument.AGREEMENT
                CampaignSigning.objects.create(campaign=campaign, project=project, document=document)
    return created


# --- Stationed teams and their intelligence ---------------------------------------------------

# (unit code, name if the unit is new, the city it is stationed in, its 队长 and title, industries):
# the six stationed-team units of 示范县 in accounts' demo data.
TEAMS = [
    ("SFX-ZD1", "驻长三角招商小分队", "上海市", ("孙卫东", "县委常委、常务副县长"), "集成电路、生物医药"),
    ("SFX-ZD2", "驻珠三角招商小分队", "深圳市", ("林海涛", "副县长"), "电子信息、智能终端"),
    ("SFX-ZD3", "驻京津冀招商小分队", "北京市", ("郭志强", "县委常委、组织部部长"), "软件和信息服务、总部经济"),
    ("SFX-ZD4", "驻成渝招商小分队", "成都市", ("何丽华", "副县长"), "装备制造、食品加工"),
    ("SFX-ZD5", "驻闽东南招商小分队", "厦门市", ("罗明辉", "县委常委、宣传部部长"), "新材料、精密机械"),
    ("SFX-ZD6", "驻山东半岛招商小分队", "青岛市", ("马春燕", "副县长"), "汽车零部件、现代物流"),
]
FIRM_WORDS = ["精工", "智联", "新材", "华芯", "恒泰", "博远", "瑞达", "联创"]
FIRM_SUFFIXES = ["科技有限公司", "电子股份有限公司", "机械制造有限公司", "新材料有限公司"]
SIGNAL_PLAN = [  # kind, credibility, how far it went
    ("relocation", "high", "converted"),
    ("expansion", "medium", "visited"),
    ("new_base", "high", "verified"),
    ("order_shift", "low", "signal"),
    ("financing", "medium", "excluded"),
    ("hiring", "low", "signal"),
    ("expansion", "high", "converted"),
]
SUMMARIES = {
    "relocation": "受用地和成本制约，拟将部分产线迁出{city}",
    "expansion": "订单饱满，计划新增产能约三成，正在比选新厂址",
    "new_base": "拟在中西部新设生产基地，已启动选址",
    "order_shift": "主要客户要求供应链就近配套，部分订单将转移",
    "financing": "完成新一轮融资，计划扩大生产规模",
    "hiring": "近期大规模招聘一线工人，产能扩张迹象明显",
}


def _signed(bureau, project, on, rng) -> None:
    """A demo lead signed and the signing verified, through the projects' services."""
    from zhaoshang.projects.services import StageClaim, submit_stage, verify_event

    amount = Decimal(rng.choice([20000, 35000, 50000, 80000]))
    verify_event(bureau, submit_stage(bureau, project, StageClaim(stage="signed", date=on, amount=amount)))


def _team_unit(county, code, name) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = Unit.objects.create(code=code, name=name, type=UnitType.STATIONED_TEAM, parent=county, sort_order=90)
    return unit


@transaction.atomic
def build_teams(bureau, seed: int = 20260601) -> int:
    """Six stationed teams of 示范县, each with its 队长, three seconded members, two monthly
    reports and seven signals at every stage of the pipeline, two converted to leads."""
    from zhaoshang.fieldwork.models import Signal, StationedTeam, TeamMember, TeamReport
    from zhaoshang.fieldwork.services_teams import (
        advance_signal,
        convert_signal,
        exclude_signal,
        save_member,
        save_report,
        save_signal,
        save_team,
    )
    from zhaoshang.reference.models import Division

    county = Unit.objects.filter(code="SFX").first()
    if county is None or StationedTeam.objects.filter(remarks__contains=DEMO_MARK).exists():
        return 0
    homes = list(
        Unit.objects.filter(parent=county, active=True, type__in=[UnitType.TOWN, UnitType.DEPARTMENT]).order_by("path")
    )
    today = timezone.localdate()
    created = 0
    for number, (code, name, city, (leader, title), industries) in enumerate(TEAMS):
        rng = random.Random(f"{seed}-{code}")
        unit = _team_unit(county, code, name)
        if StationedTeam.objects.filter(unit=unit).exists():
            continue
        division = Division.objects.filter(name=city).order_by("level").first()
        team = save_team(
            bureau,
            StationedTeam(
                unit=unit,
                leader_name=leader,
                leader_title=title,
                target_industries=industries,
                base_address=f"{city}示范县驻{city[:-1]}联络处",
                remarks=DEMO_MARK,
            ),
            [division] if division else [],
        )
        created += 1
        members = [
            save_member(
                bureau,
                TeamMember(
                    team=team,
                    name=_person(rng),
                    home_unit=home,
                    home_share=Decimal(40) if index == 0 else None,
                    duty=["联络员", "产业研究", "企业走访"][index],
                ),
            )
            for index, home in enumerate(homes[(number + i) % len(homes)] if homes else None for i in range(3))
        ]
        for back in (2, 1):
            month = (today.replace(day=1) - datetime.timedelta(days=28 * back)).replace(day=1)
            save_report(
                bureau,
                TeamReport(
                    team=team,
                    month=month,
                    text=f"走访{city}{industries.split('、')[0]}企业，对接商协会，报送企业外迁、扩产信息。",
                    firms_visited=rng.randint(4, 12),
                    signals_reported=rng.randint(2, 6),
                    leads_formed=rng.randint(0, 2),
                ),
                submit=back == 2,
            )
        for index, (kind, credibility, reach) in enumerate(SIGNAL_PLAN):
            firm_name = f"{city[:-1]}{FIRM_WORDS[(number + index) % len(FIRM_WORDS)]}{FIRM_SUFFIXES[index % 4]}"
            company = Company.objects.filter(name=firm_name).first() or Company.objects.create(
                name=firm_name, home_division=division
            )
            signal = save_signal(
                bureau,
                Signal(
                    company=company,
                    kind=kind,
                    summary=SUMMARIES[kind].format(city=city),
                    source=rng.choice(["企业高管交流", "行业协会", "公开报道", "在外客商推荐"]),
                    evidence="走访记录、公开报道摘录" if credibility == "high" else "",
                    credibility=credibility,
                    investment_category=rng.choice(["生产基地", "研发中心", "区域总部", "供应链配套"]),
                    reporting_unit=unit,
                    team=team,
                    member=members[index % 3],
                    reported_on=today - datetime.timedelta(days=rng.randint(10, 150)),
                ),
            )
            if reach in ("verified", "visited"):
                advance_signal(bureau, signal, reach, "小分队电话核实，企业确认有此计划")
            elif reach == "excluded":
                advance_signal(bureau, signal, "verified")
                exclude_signal(bureau, signal, "企业已决定在原地扩建，无外迁计划")
            elif reach == "converted":
                advance_signal(bureau, signal, "visited", "队长带队上门拜访")
                signal = convert_signal(bureau, signal)
                if index == 0 and number < 3:  # the first three teams' first lead was signed since
                    _signed(bureau, signal.project, today - datetime.timedelta(days=rng.randint(1, 9)), rng)
    return created


def build(city) -> int:
    return build_trips(city.bureau) + build_campaigns(city.bureau) + build_teams(city.bureau)
