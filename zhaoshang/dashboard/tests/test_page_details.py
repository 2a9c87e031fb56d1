"""Small things a leader or officer relies on: the latest bulletin linked, a chart with
nothing to draw says why, drill-downs lead back to the dashboard, gaps worded by the engine."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.assessment.tables import title
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.stats.choices import Indicator
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:index")
JAN_JUL_2024 = {"kind": "ytd", "year": "2024", "month": "7"}


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params or JAN_JUL_2024)
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_is_pointed_to_the_latest_published_bulletin(year, client):
    content = page(client, year.officer_a)
    assert "通报功能上线后" not in content and "招商局尚未发布通报" in content
    for month, status in ((6, "published"), (7, "published"), (8, "draft")):
        Bulletin.objects.create(
            kind="monthly",
            year=2024,
            month=month,
            scope=year.city,
            title=f"全市招商引资工作情况通报（2024年1—{month}月）",
            issuer="示范市投资促进局",
            issue_date=datetime.date(2024, month + 1, 5),
            status=status,
            created_by=year.bureau,
        )
    content = page(client, year.officer_a)
    latest = Bulletin.objects.get(month=7)
    assert f'href="{reverse("bulletins:detail", args=[latest.pk])}" data-testid="latest-bulletin"' in content
    assert "全市招商引资工作情况通报（2024年1—7月）" in content and "（2024年1—8月）" not in content


def test_the_completion_chart_says_when_no_unit_has_a_target(year, client):
    content = page(client, year.county_officer)
    assert 'id="chart-rank-completion"' in content and 'data-testid="no-targets"' not in content
    Target.objects.filter(indicator=Indicator.CONTRACTED_INVESTMENT).exclude(unit=year.county).delete()
    content = page(client, year.county_officer)
    assert 'id="chart-rank-completion"' not in content
    assert 'data-testid="no-targets"' in content and "各单位均未下达2024年协议引资额年度目标" in content
    assert content.count("未下达目标") >= 2, "each ranking row without a target says so"


def test_a_drill_down_from_the_dashboard_returns_there_with_unit_investor_and_stage(year, client):
    content = page(client, year.county_officer)
    start = content.index(reverse("stats:behind"))
    url = content[start : content.index('"', start)].replace("&amp;", "&")
    assert "came_from=dashboard" in url
    drill = client.get(url).content.decode()
    back = drill.split('data-testid="behind-back"', 1)[0].rsplit("<a", 1)[1]
    assert reverse("dashboard:index") in back and "返回领导驾驶舱" in drill and "返回统计报表" not in drill
    active = drill.split("nav-item active", 1)[1].split("</li>", 1)[0]
    assert "领导驾驶舱" in active
    for column in ("责任单位", "投资方", "当前阶段"):
        assert f"<th>{column}</th>" in drill
    p1 = year.extra["p1"]
    assert p1.responsible_unit.name in drill and p1.investor.name in drill

    plain = client.get(url.replace("&came_from=dashboard", "")).content.decode()
    assert "返回统计报表" in plain and "统计报表" in plain.split("nav-item active", 1)[1].split("</li>", 1)[0]


def test_the_table_words_a_level_gap_as_level_and_a_missing_target_neutrally(year, client):
    # 城关镇: 29000 of 49714.2857 → 58.33 %, exactly 7/12 to the rounding: 与序时进度持平.
    level = Target.objects.get(unit=year.town_a, indicator=Indicator.CONTRACTED_INVESTMENT)
    level.value = Decimal("49714.2857")
    level.save()
    Target.objects.filter(unit=year.town_b, indicator=Indicator.CONTRACTED_INVESTMENT).delete()
    client.force_login(year.bureau)
    content = client.get(
        reverse("stats:table"), {"year": "2024", "first": "1", "last": "7", "unit": year.county.pk}
    ).content.decode()
    body = content.split('data-testid="stats-table"', 1)[1].split("<tbody>", 1)[1]
    town_a = body.split(f"<td>{year.town_a.name}</td>", 1)[1].split("</tr>", 1)[0]
    town_b = body.split(f"<td>{year.town_b.name}</td>", 1)[1].split("</tr>", 1)[0]
    assert "与序时进度持平" in town_a and "超0.0" not in content
    assert 'text-secondary" data-standing="none">未下达目标</td>' in town_b
    assert 'text-green" data-standing="none"' not in content


def test_the_assessment_file_name_never_doubles_the_word(year):
    scores = type("S", (), {"scheme_name": "乡镇招商引资工作考核", "period_label": "2024年1—7月"})()
    assert title(scores) == "乡镇招商引资工作考核得分（2024年1—7月）"
