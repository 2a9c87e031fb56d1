"""Logging a signal on a phone: a stationed officer (390 px wide) reports a firm's plan to
expand, reads it back, marks it verified and turns it into a project lead."""

import pytest

from tests.browser.conftest import open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_logs_a_signal_and_converts_it_on_a_phone(browser, live_server, personas):
    from zhaoshang.fieldwork.models import Signal

    phone = open_page(browser, live_server, width=390, height=844)
    sign_in(phone, "officer_a", personas.password)
    phone.goto(f"{live_server.url}/fieldwork/intelligence/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    phone.fill("#id_company_name", "宁波恒泰精工机械有限公司")
    phone.select_option("#id_kind", label="扩产能")
    phone.fill("#id_summary", "新增两条数控机床产线，正在比选厂址")
    phone.fill("#id_source", "在甬客商座谈会")
    phone.select_option("#id_credibility", label="高")
    phone.click("button[type=submit]:has-text('保存')")
    phone.wait_for_load_state("networkidle")
    assert "已保存招商情报" in phone.inner_text(".alert")
    assert "宁波恒泰精工机械有限公司" in phone.inner_text("h1")
    phone.click("button:has-text('标记为已核实')")
    phone.wait_for_load_state("networkidle")
    assert "已核实" in phone.inner_text(".alert")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.click("button:has-text('转为项目线索')")
    phone.wait_for_load_state("networkidle")
    assert "已转为项目线索" in phone.inner_text(".alert")
    signal = Signal.objects.get()
    assert signal.stage == "converted" and signal.project is not None
    assert signal.project.name in phone.inner_text("[data-testid=signal-project]")
    # Each page below is checked by axe-core too (tests/browser/conftest.py).
    for path in ("/fieldwork/intelligence/", f"/fieldwork/intelligence/{signal.pk}/"):
        phone.goto(live_server.url + path)
        assert "宁波恒泰精工机械有限公司" in phone.inner_text("main")
    phone.goto(f"{live_server.url}/fieldwork/intelligence/regions/")
    assert "没有未结束的情报" in phone.inner_text("main")  # converted: no longer an open signal


def test_the_bureau_reads_a_teams_page_with_its_figures(browser, live_server, personas):
    from zhaoshang.fieldwork.models import TeamMember
    from zhaoshang.fieldwork.services_teams import convert_signal
    from zhaoshang.fieldwork.tests.factories import signal, team

    squad = team(personas.county)
    member = TeamMember.objects.create(team=squad, name="王海涛", home_unit=personas.town_a)
    convert_signal(personas.bureau, signal(squad.unit, team=squad, member=member))
    signal(squad.unit, team=squad, company="深圳智联电子股份有限公司")
    page = open_page(browser, live_server)
    sign_in(page, "bureau", personas.password)
    page.goto(f"{live_server.url}/fieldwork/teams/")
    page.click("text=驻深圳招商小分队")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-figure=signals]") == "2" and page.inner_text("[data-figure=leads]") == "1"
    assert "王海涛" in page.inner_text("[data-testid=member-row]")
    page.goto(f"{live_server.url}/fieldwork/teams/{squad.pk}/edit/")
    page.goto(f"{live_server.url}/fieldwork/teams/{squad.pk}/reports/new/")
