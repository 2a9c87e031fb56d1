"""What a campaign brought, counted by hand: only verified signings, contracts apart.

P1  合同      协议总投资 30,000 万元, 外资 500 万美元, signing verified
P2  框架协议  协议总投资 20,000 万元 but the signing's amount is 12,000, signing verified
P3  意向协议  协议总投资 8,000 万元, signing submitted only (not counted)

signed 2; 总投资 30,000 + 12,000 = 42,000 万元 (4.20亿元); 外资 500; contracts 1 with 500.
"""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhaoshang.fieldwork.choices import CampaignKind, SigningDocument
from zhaoshang.fieldwork.models import Campaign, CampaignSigning
from zhaoshang.fieldwork.services import campaign_figures
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.stats.tests.test_engine import signed

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def month(personas):
    p = personas
    campaign = Campaign.objects.create(
        name="2026年示范县招商月", kind=CampaignKind.MONTH, start_on=D(2026, 5, 1), organiser=p.county
    )
    p1 = project(
        p.officer_a,
        p.town_a,
        name="电容器项目",
        total="30000",
        investor=company("甲公司", unit=p.town_a),
        foreign_investment_usd=Decimal(500),
    )
    p2 = project(p.officer_a, p.town_a, name="物流园项目", total="20000", investor=company("乙公司", unit=p.town_a))
    p3 = project(p.officer_b, p.town_b, name="食品项目", total="8000", investor=company("丙公司", unit=p.town_b))
    signed(p1, p.officer_a, p.bureau, D(2026, 5, 8))
    signed(p2, p.officer_a, p.bureau, D(2026, 5, 8), amount="12000")
    signed(p3, p.officer_b, p.bureau, D(2026, 5, 9), verify=False)
    for item, document in (
        (p1, SigningDocument.CONTRACT),
        (p2, SigningDocument.FRAMEWORK),
        (p3, SigningDocument.INTENT),
    ):
        CampaignSigning.objects.create(campaign=campaign, project=item, document=document)
    return campaign


def test_the_figures_are_the_hand_counts(month):
    figures = campaign_figures(month)
    assert {key: figures[key] for key in figures if key != "sentence"} == {
        "signed_count": 2,
        "total_investment_wan": "42000",
        "foreign_wan_usd": "500",
        "contract_count": 1,
        "contract_foreign_wan_usd": "500",
    }
    assert figures["sentence"] == (
        "2026年示范县招商月，共签订合同、协议2个，总投资4.20亿元，合同、协议外资500万美元，其中合同项目1个，合同利用外资500万美元。"
    )


def test_the_command_prints_them_as_json(month):
    out = StringIO()
    call_command("campaign_report", "2026年示范县招商月", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["signed_count"] == 2 and data["total_investment_wan"] == "42000" and data["contract_count"] == 1


def test_the_organiser_registers_a_signing_on_the_page_and_a_project_is_signed_at_one_campaign(
    month, personas, client_for
):
    other = project(
        personas.officer_a,
        personas.town_a,
        name="新项目",
        total="1000",
        investor=company("丁公司", unit=personas.town_a),
    )
    client = client_for(personas.county_officer)
    url = reverse("fieldwork:campaign_signing_add", args=[month.pk])
    client.post(url, {"project_code": other.code, "document": SigningDocument.AGREEMENT})
    assert CampaignSigning.objects.filter(project=other, campaign=month).exists()
    second = Campaign.objects.create(
        name="推介会", kind=CampaignKind.PROMOTION, start_on=D(2026, 6, 1), organiser=personas.county
    )
    response = client.post(
        reverse("fieldwork:campaign_signing_add", args=[second.pk]),
        {"project_code": other.code, "document": "contract"},
        follow=True,
    )
    assert "已登记为在「2026年示范县招商月」签约" in response.content.decode()
    page = client.get(reverse("fieldwork:campaign_detail", args=[month.pk])).content.decode()
    assert "共签订合同、协议2个" in page and "新项目" in page
    # A town officer reads the county's campaign only if its town is responsible: here not.
    assert (
        client_for(personas.officer_a).post(url, {"project_code": other.code, "document": "contract"}).status_code
        == 404
    )
