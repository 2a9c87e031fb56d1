"""Demo trips and campaigns: a year of 外出招商 in every county of the demo city, at every level — county
leaders with towns along, towns on their own under their heads and deputies, a trip a town
organised for a 副县长, planned trips ahead and one cancelled — each with its visits."""

import datetime
import random

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


def build(city) -> int:
    return build_trips(city.bureau) + build_campaigns(city.bureau)
