"""Under the Content-Security-Policy the page behaviours that were inline handlers still
work from static/js/zhaoshang.js, and no page reports a violation (PageProblems collects
the console's "Refused to execute…" errors)."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_select_all_and_the_bulk_form_work_without_inline_handlers(page, personas):
    from zhaoshang.projects.tests.factories import project

    project(personas.officer_a, personas.town_a, name="锂电池项目")
    project(personas.officer_a, personas.town_a, name="电容器项目")
    sign_in(page, "officer_a", personas.password)
    page.goto(f"{page.base_url}/projects/")
    page.check("[data-check-all]")
    assert page.eval_on_selector_all(".row-check", "boxes => boxes.map(b => b.checked)") == [True, True]
    page.uncheck("[data-check-all]")
    page.click("text=打开批量修改")
    page.wait_for_selector("[data-collect-checked]")
    alerts = []
    page.once("dialog", lambda dialog: (alerts.append(dialog.message), dialog.accept()))
    page.click("[data-collect-checked] button[type=submit]")
    assert alerts == ["请先勾选项目"]
    assert page.url.endswith("/projects/")
    assert page.problems.errors == []


def test_a_delete_asks_first_and_nothing_goes_when_the_answer_is_no(page, personas):
    from zhaoshang.notifications.models import UnitWebhook
    from zhaoshang.notifications.services import save_webhook

    url = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"
    save_webhook(personas.bureau, UnitWebhook(unit=personas.town_a, name="城关镇招商工作群", url=url))
    sign_in(page, "bureau", personas.password)
    page.goto(f"{page.base_url}/notifications/webhooks/")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("text=删除")
    assert questions == ["确定删除该群机器人？"] and UnitWebhook.objects.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=删除")
    page.wait_for_selector("text=已删除群机器人")
    assert UnitWebhook.objects.count() == 0
    assert page.problems.errors == []
