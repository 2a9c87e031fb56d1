"""招商活动 pages by persona: the organiser and the responsible units read it, only the
organiser's side changes it, another town sees nothing."""

import datetime

import pytest
from django.urls import reverse

from zhaoshang.fieldwork.choices import CampaignKind, CampaignStatus
from zhaoshang.fieldwork.models import Campaign, CampaignUnit

pytestmark = pytest.mark.django_db


def make(organiser, name="城关镇招商推介会", **fields):
    return Campaign.objects.create(
        name=name, kind=CampaignKind.PROMOTION, start_on=datetime.date(2026, 5, 8), organiser=organiser, **fields
    )


def test_town_b_sees_neither_the_row_nor_the_page_of_town_as_campaign(personas, client_for):
    mine = make(personas.town_a)
    client = client_for(personas.officer_b)
    assert "城关镇招商推介会" not in client.get(reverse("fieldwork:campaign_list")).content.decode()
    for name in ("fieldwork:campaign_detail", "fieldwork:campaign_edit", "fieldwork:campaign_delete"):
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404


def test_a_responsible_unit_reads_the_campaign_and_cannot_change_it(personas, client_for):
    mine = make(personas.town_a)
    CampaignUnit.objects.create(campaign=mine, unit=personas.town_b)
    client = client_for(personas.officer_b)
    page = client.get(reverse("fieldwork:campaign_detail", args=[mine.pk]))
    assert page.status_code == 200 and "河口镇" in page.content.decode()
    assert client.get(reverse("fieldwork:campaign_edit", args=[mine.pk])).status_code == 404


def test_the_county_creates_a_campaign_month_with_responsible_units(personas, client_for):
    client = client_for(personas.county_officer)
    data = {
        "name": "2026年示范县招商月",
        "kind": CampaignKind.MONTH,
        "status": CampaignStatus.PLANNED,
        "start_on": "2026-05-01",
        "end_on": "2026-05-31",
        "organiser": personas.county.pk,
        "units": [personas.town_a.pk, personas.town_b.pk],
        "target_projects": "20",
        "target_investment": "500000",
    }
    response = client.post(reverse("fieldwork:campaign_create"), data)
    assert response.status_code == 302, response.content.decode()
    campaign = Campaign.objects.get()
    assert set(campaign.unit_links.values_list("unit", flat=True)) == {personas.town_a.pk, personas.town_b.pk}
    assert (
        "城关镇招商推介会"
        not in client_for(personas.officer_a).get(reverse("fieldwork:campaign_list")).content.decode()
    )
    assert (
        "2026年示范县招商月" in client_for(personas.officer_a).get(reverse("fieldwork:campaign_list")).content.decode()
    )


def test_a_campaign_ending_before_it_starts_is_refused(personas, client_for):
    response = client_for(personas.officer_a).post(
        reverse("fieldwork:campaign_create"),
        {
            "name": "签约仪式",
            "kind": CampaignKind.SIGNING,
            "status": CampaignStatus.PLANNED,
            "start_on": "2026-05-08",
            "end_on": "2026-05-01",
            "organiser": personas.town_a.pk,
        },
    )
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_organiser_gives_each_responsible_unit_its_task_and_the_unit_reads_it(personas, client_for):
    campaign = make(personas.county, name="2026年示范县招商月")
    CampaignUnit.objects.create(campaign=campaign, unit=personas.town_a)
    CampaignUnit.objects.create(campaign=campaign, unit=personas.town_b)
    client = client_for(personas.county_officer)
    url = reverse("fieldwork:campaign_tasks", args=[campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {f"task_{personas.town_a.pk}": "邀请电子信息企业5家", f"task_{personas.town_b.pk}": "准备签约项目2个"}
    )
    assert response.status_code == 302
    page = client_for(personas.officer_b).get(reverse("fieldwork:campaign_detail", args=[campaign.pk]))
    assert "准备签约项目2个" in page.content.decode() and "邀请电子信息企业5家" in page.content.decode()
    # A responsible unit reads its task but does not set them.
    assert client_for(personas.officer_b).get(url).status_code == 404


def test_a_task_too_long_is_refused_and_nothing_is_saved(personas, client_for):
    campaign = make(personas.county, name="2026年示范县招商月")
    CampaignUnit.objects.create(campaign=campaign, unit=personas.town_a)
    CampaignUnit.objects.create(campaign=campaign, unit=personas.town_b)
    response = client_for(personas.county_officer).post(
        reverse("fieldwork:campaign_tasks", args=[campaign.pk]),
        {f"task_{personas.town_a.pk}": "好" * 201, f"task_{personas.town_b.pk}": "准备签约项目2个"},
    )
    assert "不能超过200字" in response.content.decode()
    assert not CampaignUnit.objects.exclude(task="").exists()


def test_the_organiser_takes_a_signing_back_and_the_project_stays(personas, client_for):
    from zhaoshang.fieldwork.models import CampaignSigning
    from zhaoshang.projects.models import Project
    from zhaoshang.projects.tests.factories import project

    campaign = make(personas.town_a)
    signed = project(personas.officer_a, personas.town_a, name="电容器项目")
    signing = CampaignSigning.objects.create(campaign=campaign, project=signed, document="contract")
    page = client_for(personas.officer_a).get(reverse("fieldwork:campaign_detail", args=[campaign.pk]))
    assert "data-confirm" in page.content.decode() and "移除" in page.content.decode()
    url = reverse("fieldwork:campaign_signing_remove", args=[signing.pk])
    assert client_for(personas.officer_b).post(url).status_code == 404
    response = client_for(personas.officer_a).post(url, follow=True)
    assert "已将项目「电容器项目」移出" in response.content.decode()
    assert not CampaignSigning.objects.exists() and Project.objects.filter(pk=signed.pk).exists()
