"""The generic import pages in a browser: the upload, the preview whose commit button waits
until every error row is excluded, the commit and its result — under the CSP, no errors."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEDGER = (
    "项目名称,投资方,总投资（万元）,项目进展,签约时间,责任单位\n"
    "城关镇的项目,某某有限公司,100,在谈,,城关镇\n"
    "日期写错的项目,另一有限公司,200,在谈,2024年13月5日,城关镇\n"
).encode()


def test_an_officer_imports_a_ledger_excluding_its_bad_row(page, personas):
    from zhaoshang.projects.models import Project

    sign_in(page, "officer_a", personas.password)
    page.goto(f"{page.base_url}/imports/ledger/")
    assert "导入项目台账" in page.inner_text("h1.page-title")
    page.set_input_files("input[name=file]", files=[{"name": "台账.csv", "mimeType": "text/csv", "buffer": LEDGER}])
    page.click("#upload-button")
    page.wait_for_selector("[data-testid=count-error]")
    page.goto(page.url)  # opened again through goto, so that axe checks the preview too
    assert page.inner_text("[data-testid=count-create]") == "1"
    assert page.inner_text("[data-testid=count-error]") == "1"
    assert "无法识别的日期「2024年13月5日」" in page.inner_text("[data-testid=preview-rows]")
    assert page.is_disabled("#commit-button")
    page.check("input.exclude")
    assert not page.is_disabled("#commit-button")
    page.click("#commit-button")
    page.wait_for_selector("[data-testid=result-create]")
    assert page.inner_text("[data-testid=result-create]") == "1"
    assert page.inner_text("[data-testid=result-excluded]") == "1"
    assert list(Project.objects.values_list("name", flat=True)) == ["城关镇的项目"]
    page.goto(page.url)  # and the result page
    assert page.problems.errors == []
