"""Passing a lead in a browser: town A hands a project to town B from the project page, town B
(on a phone) reads the offer and accepts it, and the project page then shows town B's
project; the bureau's pool lead is claimed by a town."""

import pytest

from tests.browser.conftest import open_page, sign_in
from zhaoshang.projects.tests.factories import company, project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, username, password, **size):
    page = open_page(browser, live_server, **size)
    sign_in(page, username, password)
    return page


def test_a_town_hands_a_lead_to_another_town_which_accepts_it_on_a_phone(browser, live_server, personas):
    lead = project(personas.officer_a, personas.town_a, name="物流分拨中心项目", stage="lead", investor=company())
    town_a = signed_in(browser, live_server, "officer_a", personas.password)
    town_a.goto(f"{live_server.url}/projects/{lead.pk}/")
    town_a.click("[data-testid=leads-panel] >> text=移交项目")
    town_a.select_option("#id_to_unit", label="河口镇")
    town_a.fill("#id_note", "投资方倾向靠近河口镇物流园，建议由河口镇跟进。")
    town_a.click("button:has-text('发出移交')")
    town_a.wait_for_load_state("networkidle")
    assert "等待对方接收" in town_a.inner_text(".alert")
    assert town_a.inner_text("[data-testid=handover-status]") == "待接收"

    town_b = signed_in(browser, live_server, "officer_b", personas.password, width=390, height=844)
    town_b.goto(f"{live_server.url}/leads/handovers/")
    town_b.click("text=物流分拨中心项目")
    town_b.once("dialog", lambda dialog: dialog.accept())
    town_b.click("button:has-text('接收项目')")
    town_b.wait_for_load_state("networkidle")
    assert town_b.inner_text("[data-testid=handover-status]") == "已接收"
    town_b.goto(f"{live_server.url}/projects/{lead.pk}/")
    assert "物流分拨中心项目" in town_b.inner_text("h1")


def test_a_town_claims_a_lead_from_the_bureaus_pool(browser, live_server, personas):
    from zhaoshang.leads.services import place_in_pool

    lead = project(personas.bureau, personas.bureau_unit, name="锂电隔膜生产基地", stage="lead", investor=company())
    place_in_pool(personas.bureau, lead, note="在沪客商座谈会上获悉", open_to=[personas.county])
    town_a = signed_in(browser, live_server, "officer_a", personas.password)
    town_a.goto(f"{live_server.url}/leads/pool/")
    town_a.click("text=锂电隔膜生产基地")
    town_a.once("dialog", lambda dialog: dialog.accept())
    town_a.click("button:has-text('认领线索')")
    town_a.wait_for_load_state("networkidle")
    assert "已认领" in town_a.inner_text(".alert")
    assert "锂电隔膜生产基地" in town_a.inner_text("h1")
