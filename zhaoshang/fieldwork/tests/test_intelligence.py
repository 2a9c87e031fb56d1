"""Stationed teams and their intelligence, as the people who use them rely on them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.fieldwork.choices import SignalStage
from zhaoshang.fieldwork.models import Signal, TeamMember
from zhaoshang.fieldwork.services_teams import (
    advance_signal,
    convert_signal,
    exclude_signal,
    firms_by_region,
    team_figures,
)
from zhaoshang.fieldwork.tests.factories import signal, team
from zhaoshang.projects.models import Project, ProjectCredit, StageEvent

pytestmark = pytest.mark.django_db


def test_town_b_officer_does_not_see_town_a_signals(personas, client_for):
    mine = signal(personas.town_a, company="城关精密有限公司")
    theirs = signal(personas.town_b, company="河口电子有限公司")
    client = client_for(personas.officer_b)
    page = client.get(reverse("fieldwork:signal_list")).content.decode()
    assert "河口电子有限公司" in page and "城关精密有限公司" not in page
    assert client.get(reverse("fieldwork:signal_detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("fieldwork:signal_detail", args=[theirs.pk])).status_code == 200
    regions = client.get(reverse("fieldwork:signal_regions")).content.decode()
    assert "城关精密有限公司" not in regions and "河口电子有限公司" in regions
    # The county above both and the leaders read both.
    for user in (personas.county_officer, personas.leader, personas.bureau):
        page = client_for(user).get(reverse("fieldwork:signal_list")).content.decode()
        assert "城关精密有限公司" in page and "河口电子有限公司" in page


def test_officer_logs_a_signal_for_a_new_firm(personas, client_for):
    client = client_for(personas.officer_a)
    form = client.get(reverse("fieldwork:signal_create"))
    token = form.context["form"].initial["token"]
    data = {
        "company_name": "苏州博远新材料股份有限公司",
        "kind": "expansion",
        "summary": "计划新增一条锂电隔膜产线，选址未定",
        "source": "企业副总交流",
        "evidence": "",
        "credibility": "high",
        "investment_category": "生产基地",
        "reporting_unit": personas.town_a.pk,
        "reported_on": "2026-04-02",
        "token": token,
    }
    response = client.post(reverse("fieldwork:signal_create"), data)
    saved = Signal.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert saved.company.name == "苏州博远新材料股份有限公司" and saved.stage == SignalStage.SIGNAL
    client.post(reverse("fieldwork:signal_create"), data)  # Back → 保存
    assert Signal.objects.count() == 1
    # Another town is not a unit the officer reports for.
    data.update(token="", reporting_unit=personas.town_b.pk)
    page = client.post(reverse("fieldwork:signal_create"), data)
    assert page.status_code == 200 and Signal.objects.count() == 1


def test_converting_twice_makes_one_lead(personas, client_for):
    item = signal(personas.town_a, company="东莞立讯配件有限公司", kind="order_shift")
    client = client_for(personas.officer_a)
    page = client.get(reverse("fieldwork:signal_detail", args=[item.pk]))
    token = page.context["convert_token"]
    url = reverse("fieldwork:signal_convert", args=[item.pk])
    first = client.post(url, {"token": token})
    second = client.post(url, {"token": token})  # a double click
    third = client.post(url, {"token": ""})  # a second tab without the token
    assert Project.objects.count() == 1
    project = Project.objects.get()
    item.refresh_from_db()
    assert item.project == project and item.stage == SignalStage.CONVERTED
    assert project.responsible_unit == personas.town_a and project.investor == item.company
    assert project.stage == "lead"
    assert first.status_code == second.status_code == third.status_code == 302
    assert item.converted_on is not None and item.verified_on is not None


def test_excluding_needs_a_reason_in_chinese(personas, client_for):
    item = signal(personas.town_a)
    client = client_for(personas.officer_a)
    response = client.post(reverse("fieldwork:signal_exclude", args=[item.pk]), {"reason": "  "}, follow=True)
    assert "排除情报须填写原因。" in response.content.decode()
    item.refresh_from_db()
    assert item.stage == SignalStage.SIGNAL
    client.post(reverse("fieldwork:signal_exclude", args=[item.pk]), {"reason": "企业已在本地扩产"})
    item.refresh_from_db()
    assert item.stage == SignalStage.EXCLUDED and item.exclude_reason == "企业已在本地扩产"
    # An excluded signal goes no further.
    response = client.post(reverse("fieldwork:signal_convert", args=[item.pk]), follow=True)
    assert "不能转为项目线索" in response.content.decode() and not Project.objects.exists()


def test_pipeline_keeps_each_steps_date(personas):
    item = signal(personas.town_a)
    visited = advance_signal(personas.officer_a, item, SignalStage.VISITED, on=datetime.date(2026, 3, 9))
    assert visited.stage == SignalStage.VISITED
    assert visited.verified_on == visited.visited_on == datetime.date(2026, 3, 9)
    with pytest.raises(Exception, match="不能标记为"):
        advance_signal(personas.officer_a, visited, SignalStage.VERIFIED)


def test_a_members_lead_is_credited_to_the_home_unit(personas, settings):
    settings.ZHAOSHANG_TEAM_HOME_SHARE_PERCENT = 30
    squad = team(personas.county)
    member = TeamMember.objects.create(team=squad, name="陈静", home_unit=personas.town_b)
    item = signal(squad.unit, team=squad, member=member)
    convert_signal(personas.county_officer, item)
    shares = dict(ProjectCredit.objects.values_list("unit__code", "percent"))
    assert shares == {squad.unit.code: Decimal(70), personas.town_b.code: Decimal(30)}


def test_team_figures_on_a_hand_counted_fixture(personas, client_for):
    """Seven signals of one team (and one of another):
    A signal only; B verified; C visited; D verified then excluded; E converted, lead only;
    F converted, signing verified; G converted, signing claimed but not verified.
    By hand: signals 7; verified 6 (B, C, D, E, F, G — a visit or a conversion straight from
    线索信号 fills the skipped steps' dates, an exclusion keeps them); visited 4 (C, E, F, G);
    leads 3 (E, F, G); signed 1 (F)."""
    squad = team(personas.county)
    other = team(personas.county, code="ZD-SH", name="驻上海招商小分队")
    officer = personas.county_officer
    make = [signal(squad.unit, team=squad, company=f"企业{letter}有限公司") for letter in "ABCDEFG"]
    signal(other.unit, team=other, company="他队企业有限公司")
    _, b, c, d, e, f, g = make
    advance_signal(officer, b, SignalStage.VERIFIED)
    advance_signal(officer, c, SignalStage.VISITED)
    advance_signal(officer, d, SignalStage.VERIFIED)
    exclude_signal(officer, d, "企业否认外迁计划")
    for item in (e, f, g):
        convert_signal(officer, item)
    for item, status in ((f, "verified"), (g, "pending")):
        item.refresh_from_db()
        StageEvent.objects.create(project=item.project, stage="signed", date=datetime.date(2026, 5, 1), status=status)
    assert team_figures(squad) == {"signals": 7, "verified": 6, "visited": 4, "leads": 3, "signed": 1}
    page = client_for(personas.leader).get(reverse("fieldwork:team_detail", args=[squad.pk])).content.decode()
    assert 'data-figure="signals">7<' in page and 'data-figure="signed">1<' in page


def test_firms_by_region_groups_open_signals_by_home_division(personas):
    from zhaoshang.reference.models import Division

    shenzhen = Division.objects.filter(code="4403").first() or Division.objects.create(
        code="4403", name="深圳市", level=2, province_code="44"
    )
    a = signal(personas.town_a, company="深圳甲有限公司")
    a.company.home_division = shenzhen
    a.company.save()
    signal(personas.town_a, company="深圳甲有限公司", kind="expansion")
    closed = signal(personas.town_a, company="深圳乙有限公司")
    closed.company.home_division = shenzhen
    closed.company.save()
    exclude_signal(personas.officer_a, closed, "已落户他地")
    groups = firms_by_region(Signal.objects.all())
    assert groups[0]["division"] == shenzhen
    assert [firm["company"].name for firm in groups[0]["firms"]] == ["深圳甲有限公司"]
    assert len(groups[0]["firms"][0]["signals"]) == 2


def test_team_page_members_and_reports(personas, client_for):
    squad = team(personas.county)
    client = client_for(personas.county_officer)
    add = client.get(reverse("fieldwork:member_add", args=[squad.pk]))
    client.post(
        reverse("fieldwork:member_add", args=[squad.pk]),
        {
            "name": "王海涛",
            "home_unit": personas.town_a.pk,
            "home_share": "",
            "duty": "联络员",
            "token": add.context["form"].initial["token"],
        },
    )
    report = client.get(reverse("fieldwork:report_add", args=[squad.pk]))
    client.post(
        reverse("fieldwork:report_add", args=[squad.pk]),
        {
            "month": "2026-03-15",
            "text": "走访电子信息企业6家",
            "firms_visited": 6,
            "signals_reported": 2,
            "leads_formed": 1,
            "submit": "on",
            "token": report.context["form"].initial["token"],
        },
    )
    page = client.get(reverse("fieldwork:team_detail", args=[squad.pk])).content.decode()
    assert "王海涛" in page and "城关镇" in page and "（默认）" in page
    assert "2026年03月" in page and "已报送" in page
    submitted = squad.reports.get()
    assert client.get(reverse("fieldwork:report_edit", args=[submitted.pk])).status_code == 404
    # Town A's officer does not reach a county team.
    assert client_for(personas.officer_a).get(reverse("fieldwork:team_detail", args=[squad.pk])).status_code == 404


def test_a_leader_reads_a_signal_but_does_not_move_it(personas, client_for):
    item = signal(personas.town_a)
    client = client_for(personas.leader)
    page = client.get(reverse("fieldwork:signal_detail", args=[item.pk]))
    assert page.status_code == 200 and "转为项目线索</button>" not in page.content.decode()
    for name in ("fieldwork:signal_convert", "fieldwork:signal_exclude"):
        assert client.post(reverse(name, args=[item.pk]), {"reason": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.stage == SignalStage.SIGNAL and not Project.objects.exists()
