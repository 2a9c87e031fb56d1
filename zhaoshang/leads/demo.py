"""Demo leads: a few leads in the bureau's pool (open to everyone, to one county, one claimed
by a town), a department's project handed to the development zone and accepted, and a
town's lead offered to another town and still waiting — so 线索池 and 项目信息共享 show
what they are for."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import Unit, User
from zhaoshang.leads.models import PoolLead
from zhaoshang.leads.services import accept_handover, claim_lead, offer_handover, place_in_pool
from zhaoshang.projects.demo import DEMO_CODE_MARK
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import create_project

POOL_LEADS = [
    (
        "长三角某锂电隔膜企业拟新建生产基地",
        "新能源",
        "80000",
        "在沪客商座谈会上获悉，企业计划在中部布局第二基地，用地约300亩。",
        None,
    ),
    (
        "深圳某智能终端企业区域结算中心",
        "电子信息",
        "20000",
        "深圳商会推荐，企业希望设立区域结算中心，关注税收政策。",
        None,
    ),
    (
        "浙江某纺织企业产能转移项目",
        "纺织服装",
        "15000",
        "企业拟转移部分印染产能，需符合环保准入，适合县域园区。",
        "SFX",
    ),
    ("某生物医药企业中试基地", "生物医药", "30000", "高校校友引荐，企业寻找中试基地，需洁净厂房。", None),
]


def _user(username):
    return User.objects.filter(username=username, is_active=True).first()


@transaction.atomic
def build_leads() -> int:
    """The demo's pool and handovers; nothing is added when they exist already."""
    if PoolLead.objects.filter(project__remarks__contains=DEMO_CODE_MARK).exists():
        return 0
    bureau, town_a, town_b, zone = (_user(name) for name in ("demo_bureau", "demo_town_a", "demo_town_b", "demo_zone"))
    if not all((bureau, town_a, town_b, zone)):
        return 0
    made = 0
    for index, (name, industry, amount, note, open_to_code) in enumerate(POOL_LEADS):
        lead = create_project(
            bureau,
            Project(
                name=name,
                responsible_unit=bureau.unit,
                leading_industry=industry,
                total_investment=Decimal(amount),
                remarks=DEMO_CODE_MARK,
            ),
        )
        open_to = [Unit.objects.get(code=open_to_code)] if open_to_code else []
        entry = place_in_pool(bureau, lead, note=note, open_to=open_to)
        if index == 0:
            claim_lead(town_a, entry)
        made += 1
    # A town's early projects: one handed to the zone and accepted, one offered to the other town.
    early = Project.objects.filter(
        responsible_unit=town_a.unit, verified_stage__in=["", "lead", "negotiating"], merged_into__isnull=True
    ).order_by("pk")[:2]
    for index, project in enumerate(early):
        if index == 0:
            handover = offer_handover(
                town_a, project, zone.unit, "企业用地需求超过本镇园区承载能力，经开区有成熟地块。", Decimal(30)
            )
            accept_handover(zone, handover)
        else:
            offer_handover(town_a, project, town_b.unit, "投资方倾向靠近河口镇物流园，建议由河口镇跟进。")
        made += 1
    return made


REFERRAL_NOTE = "演示数据：引荐记录"


@transaction.atomic
def build_referrals(city) -> int:
    """Referrals from the Shanghai chamber, a 乡贤 and a local firm on demo projects, the
    bureau's two reward rules, and the chamber's reward paid out and verified."""
    from zhaoshang.core.verification import verify
    from zhaoshang.leads.choices import RewardAmountKind, RewardCondition, SourceKind
    from zhaoshang.leads.models import Payout, Referral, RewardRule
    from zhaoshang.leads.referrals import record_payout, reward_eligibility, save_referral
    from zhaoshang.relations.choices import ContactKind, LocalStatus
    from zhaoshang.relations.models import Company, Contact, Intermediary

    if Referral.objects.filter(note__startswith=REFERRAL_NOTE).exists():
        return 0
    bureau = city.bureau
    chamber = Intermediary.objects.filter(name="上海示范商会").first()
    notable = Contact.objects.filter(kind=ContactKind.NOTABLE).order_by("pk").first()
    demo = Project.objects.filter(remarks__contains=DEMO_CODE_MARK, merged_into__isnull=True)
    # The three demo projects with the most verified money: the chamber's reward is then due.
    working = {unit.pk for unit in city.working_units}
    verified: dict[int, Decimal] = {}
    rows = demo.filter(tranches__status="verified", responsible_unit__in=working)
    for project_id, amount in rows.values_list("pk", "tranches__amount"):
        verified[project_id] = verified.get(project_id, Decimal(0)) + amount
    ranked = sorted(verified, key=lambda pk: (-verified[pk], pk))[:3]
    funded = [Project.objects.get(pk=pk) for pk in ranked]
    if chamber is None or notable is None or len(funded) < 3:
        return 0
    RewardRule.objects.create(
        name="资金到位引荐奖励",
        source_kinds=[SourceKind.INTERMEDIARY, SourceKind.NOTABLE, SourceKind.INVESTOR, SourceKind.LOCAL_FIRM],
        condition=RewardCondition.FUNDS_AT_LEAST,
        min_funds=Decimal("1000"),
        amount_kind=RewardAmountKind.PERCENT_OF_FUNDS,
        amount=Decimal("0.1"),
        active_from=datetime.date(2024, 1, 1),
        note="审核通过的到位资金累计 1000 万元以上，按到位资金的 1‰ 奖励。",
    )
    RewardRule.objects.create(
        name="按期投产引荐奖励",
        source_kinds=[SourceKind.INTERMEDIARY, SourceKind.NOTABLE, SourceKind.LOCAL_FIRM],
        condition=RewardCondition.IN_PRODUCTION_IN_TIME,
        within_days=90,
        amount_kind=RewardAmountKind.FIXED,
        amount=Decimal("10"),
        active_from=datetime.date(2024, 1, 1),
        note="在协议约定投产日期后 90 天内投产（经审核），奖励 10 万元。",
    )
    firm = Company.objects.filter(local_status=LocalStatus.LOCAL, merged_into__isnull=True).first()
    if firm is None:
        firm = Company.objects.create(
            name="示范市华联电子有限公司", local_status=LocalStatus.LOCAL, created_by_unit=bureau.unit
        )
    sources = [
        (SourceKind.INTERMEDIARY, {"intermediary": chamber}, "上海示范商会组织会员企业来访，促成项目签约。"),
        (SourceKind.NOTABLE, {"contact": notable}, "春节乡贤座谈会上推荐其合作伙伴回乡投资。"),
        (SourceKind.LOCAL_FIRM, {"company": firm}, "本地龙头企业引荐上游配套企业（以商招商）。"),
    ]
    made = 0
    for project, (kind, source, note) in zip(funded, sources, strict=True):
        on = (project.signed_on or datetime.date(2024, 3, 1)) - datetime.timedelta(days=60)
        referral = Referral(
            project=project, source_kind=kind, referred_on=on, note=f"{REFERRAL_NOTE}。{note}", **source
        )
        if Referral.objects.filter(project=project, is_primary=True).exists():
            referral.is_primary = False
        save_referral(bureau, referral)
        made += 1
        if kind == SourceKind.INTERMEDIARY:
            found = reward_eligibility(referral)
            if found.eligible:
                payout = record_payout(
                    bureau,
                    referral,
                    Payout(amount=found.amount, paid_on=timezone.localdate(), evidence="示财拨〔2025〕12号"),
                )
                verify(bureau, payout)
    return made


# Last: its new pool projects must not change what the other apps' seeded picks choose.
DEMO_AFTER = ("projects", "relations", "funds", "bulletins")


def build(city) -> int:
    return build_leads() + build_referrals(city)
