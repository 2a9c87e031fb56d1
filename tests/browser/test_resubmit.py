"""The daily loop in a browser: the unit claims a stage, the bureau returns it, the unit
corrects and resubmits the same stage, the bureau verifies it and the project shows it."""

import pytest

from tests.browser.conftest import open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = {"name": "施工许可证.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 permit"}


def signed_in(browser, live_server, username, password):
    page = open_page(browser, live_server)
    sign_in(page, username, password)
    return page


def claim(page, url, stage_label, date, amount=None, evidence=False):
    page.goto(url)
    page.select_option("#id_stage", label=stage_label)
    page.fill("#id_date", date)
    if amount is not None:
        page.fill("#id_amount", amount)
    if evidence:
        page.set_input_files("#id_evidence", files=[PDF])
    page.click("text=提交，等待招商局审核")
    page.wait_for_load_state("networkidle")
    assert "等待招商局审核" in page.inner_text(".alert")


def return_then_verify_resubmission(browser, live_server, personas, project, stage_label, first, again, **extra):
    url = f"{live_server.url}/projects/{project.pk}/"
    officer = signed_in(browser, live_server, "officer_a", personas.password)
    bureau = signed_in(browser, live_server, "bureau", personas.password)

    claim(officer, url, stage_label, first, **extra)
    bureau.goto(url)
    bureau.fill("[data-testid=timeline] input[name=reason]", "证明材料不清楚")
    bureau.click("[data-testid=timeline] button:has-text('退回')")
    bureau.wait_for_load_state("networkidle")

    officer.goto(url)
    again_label = f"{stage_label}（重新填报，上次被退回）"
    assert officer.eval_on_selector("#id_stage", "s => s.options[s.selectedIndex].text") == again_label
    claim(officer, url, again_label, again, **extra)
    assert "被退回，原因：证明材料不清楚" in officer.inner_text("[data-testid=resubmission]")

    bureau.goto(url)
    assert "已重新填报。" in bureau.inner_text("[data-testid=timeline]")  # the return stays as history
    bureau.locator("[data-testid=timeline] button:has-text('审核通过')").first.click()  # the newest: the correction
    bureau.wait_for_load_state("networkidle")
    assert f"已审核：{stage_label}" in bureau.inner_text("[data-testid=stage-line]").replace(" ", "")
    assert officer.problems.errors == [] and bureau.problems.errors == []


def test_a_returned_signing_is_resubmitted_and_verified(browser, live_server, personas):
    from zhaoshang.projects.tests.factories import company, project

    p = project(personas.officer_a, personas.town_a, investor=company())
    return_then_verify_resubmission(
        browser, live_server, personas, p, "签约", "2024-05-01", "2024-05-03", amount="60000"
    )
    p.refresh_from_db()
    assert (p.verified_stage, str(p.signed_on)) == ("signed", "2024-05-03")
    assert p.events.filter(stage="signed", is_supplementary=True).count() == 0


def test_a_returned_start_is_offered_again_resubmitted_and_verified(browser, live_server, personas):
    from zhaoshang.projects.tests.factories import project

    p = project(personas.officer_a, personas.town_a, stage="signed")
    return_then_verify_resubmission(
        browser, live_server, personas, p, "开工", "2024-11-01", "2024-11-03", evidence=True
    )
    p.refresh_from_db()
    assert (p.verified_stage, str(p.started_on)) == ("started", "2024-11-03")
