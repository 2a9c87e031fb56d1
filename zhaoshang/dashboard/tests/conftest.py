"""A small hand-made year for the dashboard: two towns of one county, 2024 against 2023.

Expected figures for 2024年1—7月 (verified data only), worked out by hand:

| | town A (城关镇) | town B (河口镇) | county / city |
|---|---|---|---|
| 签约项目数 | 3 (P1, P4 60 %, P5) | 1 (P2) | 4 |
| 亿元以上签约 | 2 (P1, P4) | 0 | 2 |
| 协议引资额（万元） | 29000 = 20000 + 6000 + 3000 | 9000 = 5000 + 4000 | 38000 |
| 到位资金（万元） | 1600.5 = 1000.5 + 600 | 1100 = 400 + 700 | 2700.5 |
| 实际到位外资（万美元） | 0 | 100 | 100 |
| 开工 / 投产 | 1 / 1 (P1) | 0 / 0 | 1 / 1 |
| 2023年1—7月 签约 / 亿元以上 / 协议引资额 / 到位资金 | 1 / 1 / 12000 / 0 | 1 / 0 / 8000 / 500 | 2 / 1 / 20000 / 500 |

P3 (30000, signing only submitted) and P1's supplementary agreement never count; P2's
August tranche is after July.
"""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.services import StageClaim, set_credits, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.reference.models import Division, Industry
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.testing import rollup_rebuilt_once
from zhaoshang.targets.models import Target

D = Decimal

# The dashboard's chart containers, as the template names them.
CHARTS = [
    "chart-trend-contracted",
    "chart-trend-funds",
    "chart-rank-value",
    "chart-rank-completion",
    "chart-funnel",
    "chart-industry",
    "chart-sectors",
    "chart-leading",
    "chart-chains",
    "chart-map",
]


def claim(user, bureau, p, stage, date, amount=None, verify=True, supplementary=False):
    event = submit_stage(
        user,
        p,
        StageClaim(stage=stage, date=date, amount=D(amount) if amount else None, is_supplementary=supplementary),
    )
    if verify:
        verify_event(bureau, event)
    p.refresh_from_db()
    return event


def tranche(p, date, amount, status="verified", kind="domestic", usd=None):
    return FundsTranche.objects.create(
        project=p,
        date=date,
        amount=D(amount),
        status=status,
        kind=kind,
        amount_usd=D(usd) if usd else None,
        source="outside_province",
    )


def reference():
    """Two provinces and two industries, as the reference data has them."""
    zhejiang = Division.objects.create(code="33", name="浙江省", level=1, province_code="33")
    ningbo = Division.objects.create(code="3302", name="宁波市", level=2, parent=zhejiang, province_code="33")
    guangdong = Division.objects.create(code="44", name="广东省", level=1, province_code="44")
    shenzhen = Division.objects.create(code="4403", name="深圳市", level=2, parent=guangdong, province_code="44")
    manufacturing = Industry.objects.create(code="C", name="制造业", level=1)
    electronics = Industry.objects.create(
        code="39", name="计算机、通信和其他电子设备制造业", level=2, parent=manufacturing, sector=2
    )
    information = Industry.objects.create(code="I", name="信息传输、软件和信息技术服务业", level=1)
    software = Industry.objects.create(code="65", name="软件和信息技术服务业", level=2, parent=information, sector=3)
    return {"ningbo": ningbo, "shenzhen": shenzhen, "electronics": electronics, "software": software}


def investor(name, division=None):
    firm = company(name)
    if division is not None:
        firm.home_division = division
        firm.save()
    return firm


@pytest.fixture
def year(personas):
    """The dataset of the module docstring; returns the personas with the projects in
    ``extra``. Built with the roll-up off and rebuilt once after it (test_services.py
    builds it write by write and checks the roll-up kept up)."""
    with rollup_rebuilt_once():
        return build_year(personas)


def build_year(personas):
    ref = reference()
    a, b, bureau = personas.officer_a, personas.officer_b, personas.bureau
    town_a, town_b = personas.town_a, personas.town_b

    p1 = project(
        a,
        town_a,
        name="P1 电子元件",
        investor=investor("甲公司", ref["ningbo"]),
        total="20000",
        industry=ref["electronics"],
        leading_industry="电子信息",
        chain_tag="集成电路",
    )
    claim(a, bureau, p1, "signed", datetime.date(2024, 3, 10))
    claim(a, bureau, p1, "started", datetime.date(2024, 6, 1))
    claim(a, bureau, p1, "production", datetime.date(2024, 7, 10))
    claim(a, bureau, p1, "signed", datetime.date(2024, 5, 1), amount="5000", supplementary=True)

    p2 = project(
        b,
        town_b,
        name="P2 软件园",
        investor=investor("乙公司", ref["shenzhen"]),
        total="5000",
        industry=ref["software"],
        leading_industry="数字经济",
    )
    claim(b, bureau, p2, "signed", datetime.date(2024, 5, 20))

    p3 = project(a, town_a, name="P3 待审核", investor=investor("丙公司"), total="30000")
    claim(a, bureau, p3, "signed", datetime.date(2024, 6, 15), verify=False)

    p4 = project(
        a,
        town_a,
        name="P4 跨区域",
        investor=investor("丁公司", ref["ningbo"]),
        total="10000",
        industry=ref["electronics"],
        leading_industry="电子信息",
        chain_tag="集成电路",
    )
    set_credits(bureau, p4, [(town_a, D(60), ""), (town_b, D(40), "跨区域落地")])
    claim(a, bureau, p4, "signed", datetime.date(2024, 2, 1))

    p5 = project(
        a, town_a, name="P5 增资", investor=investor("戊公司"), total="50000", construction_nature="capital_increase"
    )
    claim(a, bureau, p5, "signed", datetime.date(2024, 4, 1), amount="3000")

    p6 = project(b, town_b, name="P6 去年", investor=investor("己公司"), total="8000")
    claim(b, bureau, p6, "signed", datetime.date(2023, 4, 15))
    p7 = project(a, town_a, name="P7 去年亿元", investor=investor("庚公司"), total="12000")
    claim(a, bureau, p7, "signed", datetime.date(2023, 6, 10))

    tranche(p1, datetime.date(2024, 4, 1), "1000.5")
    tranche(p1, datetime.date(2024, 5, 1), "2000", status="submitted")
    tranche(p4, datetime.date(2024, 3, 3), "1000")
    tranche(p2, datetime.date(2024, 7, 7), "700", kind="foreign", usd="100")
    tranche(p2, datetime.date(2024, 8, 8), "999")
    tranche(p6, datetime.date(2023, 5, 5), "500")

    for unit, value in ((personas.county, 60000), (town_a, 40000), (town_b, 30000)):
        Target.objects.create(year=2024, unit=unit, indicator=Indicator.CONTRACTED_INVESTMENT, value=D(value))
    Target.objects.create(year=2024, unit=personas.county, indicator=Indicator.SIGNED_COUNT, value=D(8))
    personas.extra.update(p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, p6=p6, p7=p7, **ref)
    return personas
