"""The demo city's relationship network: 乡贤 of several towns living in Shanghai and
Shenzhen, the chambers of commerce there with the bureau's entrusted-promotion agreements,
key investors and the visits and receptions recorded with them. Built on the companies
and contacts of the demo projects (projects/demo.py); idempotent."""

import datetime
import random

from django.utils import timezone

from zhaoshang.accounts.choices import UnitType
from zhaoshang.reference.models import Division
from zhaoshang.relations.choices import ConsentBasis, ContactKind, IntermediaryKind
from zhaoshang.relations.models import Company, Contact, Interaction, Intermediary, PromotionAgreement

DEMO_AFTER = ("projects",)
DEMO_SOURCE = "演示数据：春节乡贤座谈会"

NOTABLES = [
    ("陈建国", "上海", "上海陈氏实业集团董事长", "电子信息", "上海示范商会会长"),
    ("林海燕", "深圳", "深圳海燕新能源科技有限公司总经理", "新能源", "深圳示范商会副会长"),
    ("周立群", "上海", "复兴投资管理合伙人", "股权投资", "上海交通大学校友会理事"),
    ("黄志远", "深圳", "深圳远航精密制造有限公司创始人", "高端装备", "深圳示范商会常务理事"),
    ("吴德华", "杭州", "德华生物医药研究院院长", "生物医药", "省人大代表"),
    ("郑明辉", "上海", "明辉供应链管理有限公司董事长", "现代物流", "上海示范商会秘书长"),
]
CHAMBERS = [
    ("上海示范商会", IntermediaryKind.REGIONAL_CHAMBER, "31", "长三角", "电子信息、股权投资、现代物流"),
    ("深圳示范商会", IntermediaryKind.REGIONAL_CHAMBER, "4403", "粤港澳大湾区", "新能源、高端装备"),
    ("长三角产业招商咨询有限公司", IntermediaryKind.AGENCY, "31", "长三角", "新材料、生物医药"),
]
VISITS = [
    (
        "visit",
        "赴总部拜访，介绍开发区产业政策和标准地供给，对方有在长三角布局生产基地的意向。",
        "希望明确用地指标和能耗指标。",
    ),
    ("reception", "来访考察，实地查看园区标准厂房和待出让地块，座谈产业配套。", "关注上下游配套企业和人才公寓。"),
    ("call", "视频连线沟通项目推进，对方董事会已原则同意投资方案。", "希望尽快提供投资协议文本。"),
]


def build(city) -> int:
    if Contact.objects.filter(source=DEMO_SOURCE).exists():
        return 0
    rng = random.Random(20241206)
    towns = [unit for unit in city.working_units if unit.type == UnitType.TOWN][:3] or city.working_units[:3]
    officers = {user.unit_id: user for _, user in city.accounts if user.unit_id}
    created = 0
    for index, (name, residence, workplace, sector, standing) in enumerate(NOTABLES):
        town = towns[index % len(towns)]
        Contact.objects.create(
            kind=ContactKind.NOTABLE,
            name=name,
            title=standing.split("、")[0],
            phone=f"139{rng.randint(10000000, 99999999)}",
            wechat=f"xx_{rng.randint(100000, 999999)}",
            native_division=Division.objects.filter(name=town.name, level__gte=3).first(),
            residence=residence,
            workplace=workplace,
            sector=sector,
            standing=standing,
            keeping_unit=town,
            keeping_officer=officers.get(town.pk),
            consent_basis=ConsentBasis.CONSENT,
            source=DEMO_SOURCE,
            consent_on=datetime.date(2024, 2, 15),
            is_key=True,
        )
        created += 1
    for name, kind, code, regions, sectors in CHAMBERS:
        chamber, made = Intermediary.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "home_division": Division.objects.filter(code=code).first(),
                "regions": regions,
                "sectors": sectors,
                "created_by_unit": city.bureau.unit,
            },
        )
        created += made
        PromotionAgreement.objects.create(
            intermediary=chamber,
            unit=city.bureau.unit,
            title=f"委托{name}开展招商推介",
            scope=f"{sectors}领域企业的信息推送、对接和项目促成",
            start_on=datetime.date(2024, 1, 1),
            end_on=datetime.date(2025, 12, 31),
            fee_terms="工作经费按年度包干" if kind == IntermediaryKind.AGENCY else "",
            reward_terms="引荐项目签约并开工后，按实际到位资金的 1‰ 给予奖励，单个项目最高 50 万元。",
            results="已推荐企业 4 家，其中 1 家已签约。",
        )
    # Key investors: the contacts of the first companies with projects, met this year.
    today = timezone.localdate()
    investors = Company.objects.filter(projects__isnull=False, contacts__isnull=False).distinct().order_by("pk")[:6]
    for number, company in enumerate(investors):
        contact = company.contacts.order_by("pk").first()
        contact.is_key = True
        contact.save()
        kind, content, requests = VISITS[number % len(VISITS)]
        unit = contact.keeping_unit or city.bureau.unit
        interaction = Interaction.objects.create(
            kind=kind,
            date=today - datetime.timedelta(days=10 + 20 * number),
            unit=unit,
            company=company,
            leader_level="county" if number % 2 else "town",
            content=content,
            requests=requests,
            next_step="整理对方诉求，报分管领导研究",
            next_contact_on=today + datetime.timedelta(days=7 + number),
            received_by="园区管委会主任、招商科科长" if kind == "reception" else "",
            sites_seen="标准厂房、3 号待出让地块" if kind == "reception" else "",
            project=company.projects.order_by("pk").first(),
            created_by=officers.get(unit.pk, city.bureau),
        )
        interaction.contacts.add(contact)
        created += 1
    return created
