"""The 推进阶段 form asks for a signing amount only when the claim is a signing."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advancing_to_production_does_not_ask_for_a_signing_amount(page, personas):
    from zhaoshang.projects.tests.factories import project

    started = project(personas.officer_a, personas.town_a, stage="started")
    sign_in(page, "officer_a", personas.password)
    page.goto(f"{page.base_url}/projects/{started.pk}/")
    stage = page.locator("select[name=stage]")
    assert stage.input_value() == "production"
    assert not page.get_by_text("签约金额（万元）").is_visible()
    stage.select_option("supplementary")  # 签约（补充协议）
    assert page.get_by_text("签约金额（万元）").is_visible()
    stage.select_option("production")
    assert not page.locator("input[name=amount]").is_visible()
    assert page.problems.errors == []
