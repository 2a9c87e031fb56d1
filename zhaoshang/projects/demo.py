"""Demo projects for the demo city: a few hundred believable projects over three years.

Deterministic (a fixed seed), idempotent (a unit that already has demo projects gets no
more), and built through the same services as real work, so stage events, credit shares,
follow-ups and the audit log look exactly as they would after three years of use.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.projects.choices import FollowUpKind, PromotionMethod, Stage
from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.projects.services import (
    StageClaim,
    add_follow_up,
    create_project,
    set_credits,
    submit_stage,
    verify_event,
)
from zhaoshang.reference.models import Industry
from zhaoshang.relations.models import Company, Contact

BRANDS = [
    "安泰",
    "宏远",
    "华信",
    "鑫源",
    "博研",
    "中科",
    "德晟",
    "汇金",
    "晶合",
    "恒瑞达",
    "国科",
    "联创",
    "辰光",
    "锦泰",
    "盛世",
    "卓越",
    "嘉禾",
    "天成",
    "瑞丰",
    "东方",
]
CITIES = [
    ("上海", "31", "91310115"),
    ("深圳", "44", "91440300"),
    ("杭州", "33", "91330100"),
    ("苏州", "32", "91320500"),
    ("北京", "11", "91110108"),
    ("广州", "44", "91440106"),
    ("成都", "51", "91510100"),
    ("宁波", "33", "91330200"),
    ("合肥", "34", "91340100"),
    ("青岛", "37", "91370200"),
    ("厦门", "35", "91350200"),
    ("武汉", "42", "91420100"),
    ("香港", "81", ""),
    ("新加坡", "", ""),
]
# (project name template, company word, GB/T 4754 division, leading industry, chain, amount range in 万元)
TEMPLATES = [
    ("年产{n}万吨锂电池正极材料项目", "新能源材料", "38", "新能源", "锂电池", (5000, 60000)),
    ("{n}GW高效光伏组件生产项目", "光伏科技", "38", "新能源", "光伏", (7500, 100000)),
    ("年产{n}万套新能源汽车零部件项目", "汽车零部件", "36", "汽车及零部件", "新能源汽车", (2000, 30000)),
    ("年产{n}亿片片式电容器项目", "电子元件", "39", "电子信息", "电子元器件", (1250, 24000)),
    ("智能终端整机组装项目", "智能科技", "39", "电子信息", "智能终端", (2500, 40000)),
    ("半导体封装测试项目", "半导体", "39", "电子信息", "集成电路", (7500, 120000)),
    ("生物制药研发生产基地项目", "生物医药", "27", "生物医药", "创新药", (2500, 40000)),
    ("高端医疗器械产业园项目", "医疗器械", "35", "生物医药", "医疗器械", (2000, 30000)),
    ("年产{n}吨原料药及中间体项目", "药业", "27", "生物医药", "原料药", (1250, 16000)),
    ("冷链物流园项目", "供应链管理", "59", "现代服务业", "", (750, 12000)),
    ("数据中心及算力服务项目", "数据科技", "64", "数字经济", "算力", (5000, 80000)),
    ("农产品精深加工项目", "食品", "13", "绿色食品", "", (500, 8000)),
    ("文旅综合体项目", "文化旅游发展", "90", "文化旅游", "", (1250, 20000)),
    ("区域总部及研发中心项目", "控股集团", "72", "现代服务业", "", (1250, 16000)),
    ("高端装备制造项目", "装备制造", "34", "高端装备", "智能装备", (2500, 40000)),
    ("新型建材生产线项目", "新材料", "30", "新材料", "", (1250, 12000)),
]
LEADERS = ["王建国", "李红梅", "张卫东", "刘志强", "陈晓燕", "杨海波", "赵立新", "黄文军"]
OFFICERS = ["胡波", "何静", "孙浩", "郑丽", "吴刚", "周敏", "林峰", "马骏", "朱琳", "高翔"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DEMO_CODE_MARK = "演示数据"


def _uscc(rng: random.Random, prefix: str) -> str | None:
    from zhaoshang.core.validators import uscc_check_character

    if not prefix:
        return None
    body = prefix + "".join(rng.choice(USCC_ALPHABET) for _ in range(17 - len(prefix)))
    return body + uscc_check_character(body)


def _home_division(province: str, prefix: str):
    """The investor's home: the district its credit code was issued in, else its city or
    province (empty until `load_reference` has run)."""
    from zhaoshang.reference.models import Division

    codes = [code for code in (prefix[2:8], prefix[2:6], province) if code]
    found = {division.code: division for division in Division.objects.filter(code__in=codes)}
    return next((found[code] for code in codes if code in found), None)


def _company(rng: random.Random, word: str, unit) -> Company:
    city, province, prefix = rng.choice(CITIES)
    brand = rng.choice(BRANDS)
    suffix = "股份有限公司" if rng.random() < 0.2 else "有限公司"
    name = f"{city}{brand}{word}{suffix}"
    existing = Company.objects.filter(name=name).first()
    if existing:
        return existing
    flags = []
    if rng.random() < 0.06:
        flags.append("global500")
    if rng.random() < 0.15:
        flags.append("listed")
    if rng.random() < 0.2:
        flags.append("specialised")
    company = Company.objects.create(
        name=name,
        uscc=_uscc(rng, prefix) if rng.random() < 0.8 else None,
        nature="foreign"
        if city in ("香港", "新加坡")
        else rng.choice(["private", "private", "private", "local_soe", "central_soe"]),
        flags=flags,
        home_division=_home_division(province, prefix),
        # Firms based outside the mainland have no division: 境外 is said by ``abroad``.
        abroad={"香港": "81", "新加坡": "foreign"}.get(city, ""),
        created_by_unit=unit,
    )
    surname = rng.choice("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
    Contact.objects.create(
        company=company,
        name=surname + rng.choice(["总", "经理", "董事长"]),
        title=rng.choice(["董事长", "总经理", "投资总监", "副总经理"]),
        phone=f"1{rng.choice('35789')}{rng.randint(100000000, 999999999)}",
        keeping_unit=unit,
        source="招商活动现场交换名片",
    )
    return company


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    # Log-uniform: many modest projects, a few large ones, rounded as agreements are.
    value = low * (high / low) ** rng.random()
    step = 500 if value < 20000 else 1000 if value < 100000 else 5000
    return Decimal(int(value // step * step) or step)


def _date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


@transaction.atomic
def build_projects(bureau, units, *, per_unit: int = 8, seed: int = 20241130) -> int:
    """Give each unit in ``units`` about ``per_unit`` projects (skipping units that have
    demo projects already). Returns how many projects were created."""
    today = timezone.localdate()
    first_day = datetime.date(today.year - 2, 1, 1)
    created = 0
    # Empty until `load_reference` has run; the demo then leaves the industry blank.
    industries = {industry.code: industry for industry in Industry.objects.filter(level=2)}
    for unit in units:
        unit_rng = random.Random(f"{seed}-{unit.code}")
        if Project.objects.filter(responsible_unit=unit, remarks__contains=DEMO_CODE_MARK).exists():
            continue
        count = max(1, int(per_unit * unit_rng.uniform(0.5, 1.6)))
        for _ in range(count):
            template, word, division, leading, chain, (low, high) = unit_rng.choice(TEMPLATES)
            name = template.format(n=unit_rng.choice([2, 3, 5, 8, 10, 12, 20, 30]))
            if unit_rng.random() < 0.6:
                name = unit_rng.choice(BRANDS) + name
            investor = _company(unit_rng, word, unit)
            total = _amount(unit_rng, low, high)
            created_on = _date(unit_rng, first_day, today - datetime.timedelta(days=20))
            target = unit_rng.choices(
                [
                    Stage.LEAD,
                    Stage.NEGOTIATING,
                    Stage.SIGNED,
                    Stage.REGISTERED,
                    Stage.STARTED,
                    Stage.PRODUCTION,
                    Stage.DROPPED,
                ],
                weights=[8, 22, 20, 12, 22, 12, 4],
            )[0]
            project = Project(
                name=name,
                investor=investor,
                responsible_unit=unit,
                total_investment=total,
                fixed_asset_investment=(total * Decimal("0.7")).quantize(Decimal(1)),
                land_mu=Decimal(unit_rng.randint(20, 400)),
                expected_output=(total * Decimal("1.5")).quantize(Decimal(1)),
                expected_tax=(total * Decimal("0.06")).quantize(Decimal(1)),
                expected_jobs=unit_rng.randint(30, 1200),
                industry=industries.get(division),
                industry_text="",
                leading_industry=leading,
                chain_tag=chain,
                promotion_method=unit_rng.choice(PromotionMethod.values),
                responsible_leader=unit_rng.choice(LEADERS),
                officer_in_charge=unit_rng.choice(OFFICERS),
                site=unit.name,
                stage=Stage.NEGOTIATING if target != Stage.LEAD else Stage.LEAD,
                remarks=DEMO_CODE_MARK,
            )
            project = create_project(bureau, project, year=created_on.year)
            created += 1
            _history(unit_rng, bureau, project, target, created_on, today)
            if unit_rng.random() < 0.05 and unit.parent_id:
                siblings = [sibling for sibling in unit.parent.children.all() if sibling.pk != unit.pk]
                if siblings:
                    set_credits(
                        bureau,
                        project,
                        [(unit, Decimal(70), ""), (unit_rng.choice(siblings), Decimal(30), "跨区域落地，按协议分成")],
                    )
    return created


def _history(rng, bureau, project, target, created_on, today) -> None:
    """Follow-ups and stage claims from the first contact to ``target``, mostly verified."""
    when = created_on
    for _ in range(rng.randint(1, 4)):
        when = min(today, when + datetime.timedelta(days=rng.randint(7, 60)))
        add_follow_up(
            bureau,
            project,
            FollowUp(
                date=when,
                kind=rng.choice(FollowUpKind.values),
                participants=f"{project.responsible_leader}、{project.officer_in_charge}",
                content=rng.choice(
                    [
                        "与企业高层会谈，介绍园区配套和产业政策，企业对选址表示认可。",
                        "陪同企业实地考察地块，初步确定用地范围。",
                        "就投资协议条款进行磋商，重点讨论供地时间和配套设施。",
                        "电话沟通项目推进情况，企业正在履行内部决策程序。",
                    ]
                ),
                investor_requests=rng.choice(["", "希望加快土地报批", "申请标准厂房过渡", "咨询人才公寓政策"]),
                next_step=rng.choice(["准备协议文本", "组织专题会协调用地", "邀请企业再次来访", "跟进企业决策"]),
                next_contact_on=min(
                    today + datetime.timedelta(days=30), when + datetime.timedelta(days=rng.randint(7, 45))
                ),
            ),
        )
    order = [Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.PRODUCTION]
    if target in (Stage.LEAD, Stage.NEGOTIATING):
        return
    if target == Stage.DROPPED:
        submit_stage(bureau, project, StageClaim(stage=Stage.DROPPED, date=when, note="企业投资计划调整，项目终止"))
        return
    for stage in order[: order.index(target) + 1]:
        when = min(today, when + datetime.timedelta(days=rng.randint(20, 150)))
        event = submit_stage(
            bureau,
            project,
            StageClaim(stage=stage, date=when, amount=project.total_investment if stage == Stage.SIGNED else None),
        )
        # Most claims are verified; the newest are still waiting for the bureau.
        if (today - when).days > 30 or rng.random() < 0.5:
            verify_event(bureau, event)
        project.refresh_from_db()
    if target in (Stage.SIGNED, Stage.REGISTERED) and project.signed_on:
        project.agreed_start_on = project.signed_on + datetime.timedelta(days=rng.choice([90, 120, 180]))
        project.save()


# core.demo.build_city runs this after the demo modules of these apps: the working units and the bureau.
DEMO_AFTER = ("accounts",)


def build(city) -> int:
    created = build_projects(city.bureau, city.working_units, per_unit=6)
    # Left for the builders that follow and may not import this app (notifications).
    city.demo_projects = Project.objects.filter(remarks__contains=DEMO_CODE_MARK)
    return created
