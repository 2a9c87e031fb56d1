"""活动后评估 counted by hand, on the page, in the command, and frozen when published.

2026年示范县招商月 (held, 1—31 May 2026), organised by the county:

P1 城关镇 合同     signing 30,000 verified; 注册 10 Jun and 开工 1 Aug verified; funds 6,000
                   verified (+1,000 waiting, not counted)
P2 城关镇 框架协议 signing amount 12,000 verified; only 投产 1 Oct verified (so also 注册, 开工);
                   funds 2,000 verified
P3 河口镇 意向协议 signing 8,000 verified; 注册 claimed, not verified → never landed
P4 河口镇 合同     signing waiting → not in the review at all

As of 2026-12-04: signed 3, 注册 2, 开工 2, 投产 1, never landed 1 (P3, 河口镇);
签约金额 30,000 + 12,000 + 8,000 = 50,000; funds 8,000; rate 16.0%.
城关镇 42,000 and 8,000 → 19.0%; 河口镇 8,000 and 0 → 0.0%.
"""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhaoshang.fieldwork.choices import CampaignKind, CampaignStatus, SigningDocument
from zhaoshang.fieldwork.models import Campaign, CampaignReview, CampaignSigning, CampaignUnit
from zhaoshang.fieldwork.review import campaign_review, publish_review
from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.services import StageClaim, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.stats.tests.test_engine import signed

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2026, 12, 4)


def stage(p, user, bureau, name, on, verify=True):
    event = submit_stage(user, p, StageClaim(stage=name, date=on))
    if verify:
        verify_event(bureau, event)


def tranche(p, on, amount, status="verified"):
    FundsTranche.objects.create(project=p, date=on, amount=Decimal(amount), status=status, source="outside_province")


@pytest.fixture
def month(personas):
    p = personas
    campaign = Campaign.objects.create(
        name="2026年示范县招商月",
        kind=CampaignKind.MONTH,
        start_on=D(2026, 5, 1),
        end_on=D(2026, 5, 31),
        organiser=p.county,
        status=CampaignStatus.HELD,
    )
    CampaignUnit.objects.create(campaign=campaign, unit=p.town_b)
    p1 = project(p.officer_a, p.town_a, name="电容器项目", total="30000", investor=company("甲公司", unit=p.town_a))
    p2 = project(p.officer_a, p.town_a, name="物流园项目", total="20000", investor=company("乙公司", unit=p.town_a))
    p3 = project(p.officer_b, p.town_b, name="食品项目", total="8000", investor=company("丙公司", unit=p.town_b))
    p4 = project(p.officer_b, p.town_b, name="包装项目", total="5000", investor=company("丁公司", unit=p.town_b))
    signed(p1, p.officer_a, p.bureau, D(2026, 5, 8))
    signed(p2, p.officer_a, p.bureau, D(2026, 5, 8), amount="12000")
    signed(p3, p.officer_b, p.bureau, D(2026, 5, 9))
    signed(p4, p.officer_b, p.bureau, D(2026, 5, 9), verify=False)
    stage(p1, p.officer_a, p.bureau, "registered", D(2026, 6, 10))
    stage(p1, p.officer_a, p.bureau, "started", D(2026, 8, 1))
    # Started, as the project says, but the 开工 claim never filed: only 投产 was.
    p2.started_on = D(2026, 9, 1)
    p2.save()
    stage(p2, p.officer_a, p.bureau, "production", D(2026, 10, 1))
    stage(p3, p.officer_b, p.bureau, "registered", D(2026, 7, 1), verify=False)
    tranche(p1, D(2026, 7, 1), "6000")
    tranche(p1, D(2026, 9, 1), "1000", status="submitted")
    tranche(p2, D(2026, 11, 1), "2000")
    for item, document in (
        (p1, SigningDocument.CONTRACT),
        (p2, SigningDocument.FRAMEWORK),
        (p3, SigningDocument.INTENT),
        (p4, SigningDocument.CONTRACT),
    ):
        CampaignSigning.objects.create(campaign=campaign, project=item, document=document)
    campaign.p3 = p3
    return campaign


def test_the_review_is_the_hand_count(month):
    review = campaign_review(month, AS_OF)
    assert review["totals"] == {
        "signed_count": 3,
        "registered_count": 2,
        "started_count": 2,
        "production_count": 1,
        "not_landed_count": 1,
        "contracted_wan": "50000",
        "funds_wan": "8000",
        "funds_rate": "16.0%",
    }
    assert review["months_after"] == 6
    units = {row["unit"]: row for row in review["units"]}
    assert units["城关镇"]["funds_rate"] == "19.0%" and units["城关镇"]["not_landed"] == []
    assert units["河口镇"]["funds_rate"] == "0.0%"
    assert units["河口镇"]["not_landed"] == [f"{month.p3.code} 食品项目"]
    assert {item["name"] for item in review["projects"]} == {"电容器项目", "物流园项目", "食品项目"}


def test_an_earlier_day_counts_only_what_had_happened_by_then(month):
    review = campaign_review(month, D(2026, 7, 15))
    assert review["totals"]["registered_count"] == 1  # P1 registered; P2's production came in October
    assert review["totals"]["started_count"] == 0
    assert review["totals"]["funds_wan"] == "6000"


def test_the_command_prints_the_review_as_json(month):
    out = StringIO()
    call_command("campaign_review", "2026年示范县招商月", "--as-of", "2026-12-04", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["totals"]["production_count"] == 1 and data["totals"]["funds_rate"] == "16.0%"


def test_publishing_freezes_the_figures_and_the_page_shows_what_changed_since(month, personas, client_for):
    client = client_for(personas.county_officer)
    response = client.post(reverse("fieldwork:campaign_review_publish", args=[month.pk]))
    assert response.status_code == 302
    frozen = CampaignReview.objects.get(campaign=month)
    assert frozen.numbers["totals"]["not_landed_count"] == 1
    # Then 食品项目's registration is verified: the published review keeps 1 never landed.
    verify_event(personas.bureau, month.p3.events.get(stage="registered"))
    page = client.get(reverse("fieldwork:campaign_review", args=[month.pk])).content.decode()
    assert "已于" in page and "冻结数据" in page
    assert 'data-testid="review-not_landed_count">1<' in page
    frozen.refresh_from_db()
    assert frozen.numbers["totals"]["not_landed_count"] == 1
    assert 'data-testid="review-change"' in page and "签约未落地（个）" in page
    # Published once: a second publication is refused with a message, nothing is added.
    again = client.post(reverse("fieldwork:campaign_review_publish", args=[month.pk]), follow=True)
    assert "不能重复发布" in again.content.decode()
    assert CampaignReview.objects.count() == 1


def test_a_responsible_unit_reads_the_review_but_cannot_publish_it(month, personas, client_for):
    client = client_for(personas.officer_b)
    page = client.get(reverse("fieldwork:campaign_review", args=[month.pk]))
    assert page.status_code == 200 and "发布评估" not in page.content.decode()
    assert client.post(reverse("fieldwork:campaign_review_publish", args=[month.pk])).status_code == 404
    assert not CampaignReview.objects.exists()


def test_town_a_sees_no_review_of_a_campaign_it_has_no_part_in(month, personas, client_for):
    assert client_for(personas.officer_a).get(reverse("fieldwork:campaign_review", args=[month.pk])).status_code == 404


def test_a_campaign_not_yet_held_is_not_published(month, personas):
    month.status = CampaignStatus.PLANNED
    month.save()
    with pytest.raises(Exception, match="只有已举办的活动"):
        publish_review(personas.county_officer, month)


def test_the_frozen_review_cannot_be_changed(month, personas):
    review = publish_review(personas.county_officer, month)
    with pytest.raises(TypeError):
        review.save()
