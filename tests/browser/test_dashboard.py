"""The dashboard in a real browser: every chart draws, the China map is registered, no
JavaScript errors, the figures link to their rows, and printing hides the chrome."""

import pytest

from tests.browser.conftest import sign_in
from zhaoshang.dashboard.tests.conftest import (
    CHARTS,
    year,  # noqa: F401 (the hand-made year, as a fixture)
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_every_chart_without_errors(page, year):  # noqa: F811
    sign_in(page, "county_officer", year.password)
    page.goto(f"{page.base_url}/dashboard/?kind=ytd&year=2024&month=7")
    page.wait_for_function("window.zhaoshangDashboard && window.zhaoshangDashboard.charts.length > 0")
    assert page.evaluate("window.zhaoshangDashboard.charts.length") == len(CHARTS)
    for chart in CHARTS:
        assert page.locator(f"#{chart} canvas").count() >= 1, f"{chart} drew nothing"
    assert page.evaluate("!!echarts.getMap('china')"), "the vendored China map did not register"
    # Each chart can be saved as an image.
    assert page.evaluate("window.zhaoshangDashboard.charts.every(c => !!c.getOption().toolbox[0].feature.saveAsImage)")
    assert "3.80" in page.inner_text("[data-testid='kpi-contracted_investment']")
    assert page.problems.errors == []


def test_a_kpi_opens_the_rows_behind_it(page, year):  # noqa: F811
    sign_in(page, "county_officer", year.password)
    page.goto(f"{page.base_url}/dashboard/?kind=ytd&year=2024&month=7")
    page.click("[data-testid='kpi-funds_in_place'] [data-testid='kpi-value']")
    page.wait_for_load_state("networkidle")
    assert "/stats/behind/" in page.url and "indicator=funds_in_place" in page.url
    assert page.problems.errors == []


def test_the_leader_s_home_draws_the_dashboard_and_prints_without_the_sidebar(page, year):  # noqa: F811
    sign_in(page, "leader", year.password)
    assert "领导工作台" in page.inner_text("[data-testid=home-title]")
    page.wait_for_function("window.zhaoshangDashboard && window.zhaoshangDashboard.charts.length > 0")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('aside')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=period-form]')).display") == "none"
    assert page.problems.errors == []


def test_names_typed_by_users_are_not_run_as_html_in_tooltips(page, year):  # noqa: F811
    p1 = year.extra["p1"]
    p1.leading_industry = '<img src=x onerror="window.__injected=1">电子'
    p1.save()
    sign_in(page, "county_officer", year.password)
    page.goto(f"{page.base_url}/dashboard/?kind=ytd&year=2024&month=7")
    page.wait_for_function("window.zhaoshangDashboard && window.zhaoshangDashboard.charts.length > 0")
    page.evaluate(
        """() => { const chart = window.zhaoshangDashboard.charts.find(c => c.getDom().id === 'chart-leading');
        const index = chart.getOption().series[0].data.findIndex(item => item.name.startsWith('<img'));
        chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: index}); }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__injected") is None
    assert "<img" in page.inner_text("#chart-leading")  # shown as text
    assert page.problems.errors == []
