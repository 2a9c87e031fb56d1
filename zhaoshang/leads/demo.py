"""Demo leads: a few leads in the bureau's pool (open to everyone, to one county, one claimed
by a town), a department's project handed to the development zone and accepted, and a
town's lead offered to another town and still waiting — so 线索池 and 项目信息共享 show
what they are for."""

from decimal import Decimal

from django.db import transaction

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


# Last: its new pool projects must not change what the other apps' seeded picks choose.
DEMO_AFTER = ("projects", "bulletins")


def build(city) -> int:
    return build_leads()
