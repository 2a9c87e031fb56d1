"""The dashboard's block of the two figures the speeches quote (stats.figures), by persona.

On conftest's year, 2024年1—7月 against 2023年1—7月 (verified data only):
平均项目规模 38000 ÷ 4 = 9500 against (8000 + 12000) ÷ 2 = 10000 → 同比下降5.0%;
当年新引进项目到位资金占比: the city's 2700.5 all from projects first signed in 2024 (100%),
2023's 500 from P6, first signed in 2023 (100%) → 与去年同期持平; 城关镇 had no funds in 2023.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.dashboard.tests.test_views import JAN_JUL_2024, open_dashboard

pytestmark = pytest.mark.django_db
D = Decimal
FIGURES = reverse("dashboard:figures")


def test_the_bureau_reads_the_average_size_and_its_fall_on_the_page(year, client):
    page = open_dashboard(client, year.bureau)
    figure = page.context["board"].average_size
    assert (figure.value, figure.last_year, figure.change) == (D(9500), D(10000), D("-0.05"))
    content = page.content.decode()
    assert 'data-testid="speech-figures"' in content
    assert "签约项目平均规模 <strong>9,500.00万元/个</strong>，" in content and "同比下降5.0%" in content
    assert "协议引资额 ÷ 签约项目数" in content  # the rule, on hover
    assert f'hx-get="{FIGURES}?' in content


def test_the_block_loads_the_share_of_new_projects_for_the_viewer_s_scope(year, client):
    client.force_login(year.bureau)
    city = client.get(FIGURES, JAN_JUL_2024).content.decode()
    assert ">100.0%</strong>" in city and "与去年同期持平" in city
    assert "首次签约日期在统计期所在年度1月1日至期末" in city
    client.force_login(year.officer_a)
    own = client.get(FIGURES, JAN_JUL_2024).content.decode()
    assert ">100.0%</strong>" in own and "无同期数据" in own  # 城关镇: no funds at all in 2023


def test_the_block_s_url_keeps_the_unit_chosen_and_refuses_another_town(year, client):
    page = open_dashboard(client, year.county_officer, **JAN_JUL_2024, unit=year.town_b.pk)
    assert f"unit={year.town_b.pk}" in page.context["board"].figures_url
    client.force_login(year.officer_a)
    assert client.get(FIGURES, {**JAN_JUL_2024, "unit": year.town_b.pk}).status_code == 404


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_no_figures_for_the_system_admin_or_the_auditor(year, client, persona):
    client.force_login(getattr(year, persona))
    assert client.get(FIGURES, JAN_JUL_2024).status_code == 403


def test_a_period_without_signings_says_so(year, client):
    page = open_dashboard(client, year.bureau, kind="ytd", year=2022, month=7)
    assert "本期无签约项目，不计平均项目规模" in page.content.decode()
    client.force_login(year.bureau)
    assert "本期无到位资金" in client.get(FIGURES, {"kind": "ytd", "year": 2022, "month": 7}).content.decode()
