"""A stationed officer logs a trip's visit on a phone-sized screen (390 px, DingTalk's
browser) while the signal drops: the form says it is kept on the phone, and it is sent, once,
when the network returns."""

import pytest

from tests.browser.conftest import open_page, sign_in
from zhaoshang.fieldwork.models import TripVisit
from zhaoshang.fieldwork.tests.factories import trip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JPEG = {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0" + b"\x00" * 200}


def test_a_visit_logged_offline_is_sent_once_when_the_network_returns(browser, live_server, personas):
    mine = trip(personas.town_a, title="镇长")
    page = open_page(browser, live_server, width=390, height=844)
    sign_in(page, "officer_a", personas.password)
    page.goto(f"{live_server.url}/fieldwork/m/")
    page.click("[data-testid=mobile-trip]")
    page.wait_for_load_state("networkidle")
    # Made for the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.fill("#id_visited_name", "深圳市华芯电子有限公司")
    page.fill("#id_notes", "洽谈扩产，拟新设基地")
    page.select_option("#id_result", "lead")
    page.set_input_files("#id_photos", files=[JPEG])
    page.context.set_offline(True)
    page.click("button:has-text('提交拜访记录')")
    status = page.locator("[data-testid=draft-status]")
    assert status.inner_text() == "已保存在本机，联网后自动提交"
    assert "深圳市华芯电子有限公司" in page.evaluate(f"localStorage.getItem('zhaoshang-draft-visit-{mine.pk}')")
    assert not TripVisit.objects.exists()

    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=mobile-visit]:has-text('深圳市华芯电子有限公司')")
    assert "已提交拜访记录" in page.inner_text(".alert-success")
    visit = TripVisit.objects.get()
    assert visit.result == "lead" and visit.photos.count() == 1
    assert page.evaluate(f"localStorage.getItem('zhaoshang-draft-visit-{mine.pk}')") is None
    assert not page.problems.errors, page.problems.errors


def test_the_county_sets_tasks_and_publishes_a_campaign_review(page, personas):
    import datetime

    from zhaoshang.fieldwork.models import Campaign, CampaignReview, CampaignUnit

    campaign = Campaign.objects.create(
        name="2026年示范县招商月",
        kind="month",
        start_on=datetime.date(2026, 5, 1),
        end_on=datetime.date(2026, 5, 31),
        organiser=personas.county,
        status="held",
    )
    CampaignUnit.objects.create(campaign=campaign, unit=personas.town_a)
    sign_in(page, "county_officer", personas.password)
    page.goto(f"{page.base_url}/fieldwork/campaigns/{campaign.pk}/tasks/")
    page.fill(f"#task_{personas.town_a.pk}", "邀请电子信息企业5家")
    page.click("button:has-text('保存任务')")
    page.wait_for_load_state("networkidle")
    assert "邀请电子信息企业5家" in page.inner_text("[data-testid=task-row]")
    page.click("text=活动后评估")
    page.wait_for_load_state("networkidle")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('发布评估')")
    page.wait_for_load_state("networkidle")
    assert "冻结数据" in page.inner_text("[data-testid=review-status]")
    assert CampaignReview.objects.filter(campaign=campaign).exists()
    assert page.problems.errors == []
