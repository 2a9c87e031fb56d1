"""外出招商与招商活动 through the API, by persona: town B's trip and campaign are 404 for town A
through every endpoint; a trip town A went along on is read but its visits are the
organiser's to record; a campaign's figures are the page's, as exact decimal strings; the
system admin and the auditor read nothing."""

import datetime
from decimal import Decimal

import pytest

from zhaoshang.fieldwork.models import Campaign, CampaignSigning, CampaignUnit, TripVisit
from zhaoshang.fieldwork.tests.factories import trip
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.stats.tests.test_engine import signed

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def fieldwork(personas):
    p, extra = personas, personas.extra
    extra["my_trip"] = trip(p.town_a, leader="城关镇长", title="镇长", on=D(2026, 3, 5), back=D(2026, 3, 7))
    extra["their_trip"] = trip(p.town_b, leader="河口镇长", title="镇长", on=D(2026, 4, 1))
    extra["along"] = trip(p.town_b, leader="李四", title="副县长", on=D(2026, 2, 1), along=[p.town_a])
    extra["visit"] = TripVisit.objects.create(trip=extra["their_trip"], visited_name="宁波港联物流有限公司")
    month = Campaign.objects.create(
        name="2026年示范县招商月",
        kind="month",
        start_on=D(2026, 5, 1),
        organiser=p.county,
        target_investment=Decimal("50000.5000"),
    )
    CampaignUnit.objects.create(campaign=month, unit=p.town_a, task="组织本镇企业参会")
    contract = project(
        p.officer_a,
        p.town_a,
        name="电容器项目",
        total="30000",
        investor=company("甲公司", unit=p.town_a),
        foreign_investment_usd=Decimal("500.25"),
    )
    framework = project(p.officer_a, p.town_a, name="物流园项目", total="20000", investor=company("乙公司"))
    signed(contract, p.officer_a, p.bureau, D(2026, 5, 8))
    signed(framework, p.officer_a, p.bureau, D(2026, 5, 8), amount="12000.5")
    CampaignSigning.objects.create(campaign=month, project=contract, document="contract")
    CampaignSigning.objects.create(campaign=month, project=framework, document="framework")
    extra["month"] = month
    extra["their_campaign"] = Campaign.objects.create(
        name="河口镇招商推介会", kind="promotion", start_on=D(2026, 5, 8), organiser=p.town_b
    )
    return p


def test_town_bs_trip_and_campaign_are_404_for_town_a_through_every_endpoint(fieldwork, token_for, call):
    extra = fieldwork.extra
    token = token_for(fieldwork.officer_a)
    for method, path, body in [
        ("get", f"/api/v1/trips/{extra['their_trip'].pk}", None),
        ("post", f"/api/v1/trips/{extra['their_trip'].pk}/visits", {"visited_name": "某商会"}),
        ("get", f"/api/v1/campaigns/{extra['their_campaign'].pk}", None),
    ]:
        answer = call(token, method, path, body)
        assert answer.status_code == 404, path
        assert "宁波港联" not in answer.content.decode()
    trips = [row["id"] for row in call(token, "get", "/api/v1/trips").json()["results"]]
    assert trips == [extra["my_trip"].pk, extra["along"].pk]  # newest first; one it went along on
    campaigns = [row["id"] for row in call(token, "get", "/api/v1/campaigns").json()["results"]]
    assert campaigns == [extra["month"].pk]
    assert TripVisit.objects.filter(trip=extra["their_trip"]).count() == 1


def test_a_trip_reads_with_its_level_units_and_visits_and_the_pages_filter(fieldwork, token_for, call):
    extra = fieldwork.extra
    token = token_for(fieldwork.officer_a)
    along = call(token, "get", f"/api/v1/trips/{extra['along'].pk}").json()
    assert (along["leader_level"], along["leader_level_label"]) == ("senior", "县级领导及以上")
    assert along["accompanying_units"] == [{"id": fieldwork.town_a.pk, "name": fieldwork.town_a.name}]
    assert along["organiser"] == fieldwork.town_b.name and along["visits"] == []
    senior = call(token, "get", "/api/v1/trips?level=senior").json()["results"]
    assert [row["id"] for row in senior] == [extra["along"].pk]
    assert [row["id"] for row in call(token, "get", "/api/v1/trips?year=2025").json()["results"]] == []
    refused = call(token, "get", "/api/v1/trips?level=nonsense")
    assert refused.status_code == 422 and "筛选条件有误" in refused.json()["message"]
    leader = call(token_for(fieldwork.leader), "get", f"/api/v1/trips/{extra['their_trip'].pk}").json()
    assert [visit["visited_name"] for visit in leader["visits"]] == ["宁波港联物流有限公司"]


def test_a_visit_is_recorded_once_by_the_organiser_and_not_by_a_town_that_went_along(fieldwork, token_for, call):
    extra = fieldwork.extra
    token = token_for(fieldwork.officer_a)
    url = f"/api/v1/trips/{extra['my_trip'].pk}/visits"
    body = {"visited_name": "深圳安泰电子元件有限公司", "date": "2026-03-06", "notes": "有意扩产", "result": "lead"}
    first = call(token, "post", url, body, headers={"Idempotency-Key": "visit-1"})
    assert first.status_code == 201, first.content
    again = call(token, "post", url, body, headers={"Idempotency-Key": "visit-1"})
    assert again.json()["id"] == first.json()["id"] and first.json()["result_label"] == "获得项目线索"
    assert TripVisit.objects.filter(trip=extra["my_trip"]).count() == 1
    late = call(token, "post", url, {**body, "date": "2026-03-20"})
    assert late.status_code == 422 and "拜访日期应在出发与返回日期之间" in late.json()["message"]
    unknown = call(token, "post", url, {**body, "project_code": "NOPE-1"})
    assert unknown.status_code == 422 and "未找到编号为「NOPE-1」的项目" in unknown.json()["message"]
    went_along = call(token, "post", f"/api/v1/trips/{extra['along'].pk}/visits", body)
    assert went_along.status_code == 403 and "组织单位" in went_along.json()["message"]
    assert call(token_for(fieldwork.leader), "post", url, body).status_code == 403
    assert TripVisit.objects.filter(trip=extra["my_trip"]).count() == 1


def test_a_campaigns_figures_are_exact_decimal_strings_as_on_its_page(fieldwork, token_for, call):
    from zhaoshang.fieldwork.services import campaign_figures

    month = fieldwork.extra["month"]
    detail = call(token_for(fieldwork.officer_a), "get", f"/api/v1/campaigns/{month.pk}").json()
    assert detail["figures"] == campaign_figures(month)
    assert detail["figures"]["total_investment_wan"] == "42000.5"
    assert detail["figures"]["foreign_wan_usd"] == "500.25" == detail["figures"]["contract_foreign_wan_usd"]
    assert (detail["figures"]["signed_count"], detail["figures"]["contract_count"]) == (2, 1)
    assert detail["target_investment"] == "50000.5"
    assert detail["responsible_units"] == [
        {"id": fieldwork.town_a.pk, "name": fieldwork.town_a.name, "task": "组织本镇企业参会"}
    ]
    assert [row["document_label"] for row in detail["signings"]] == ["合同", "框架协议"]


def test_the_system_admin_and_the_auditor_get_role_forbidden(fieldwork, token_for, call):
    extra = fieldwork.extra
    for persona in (fieldwork.sysadmin, fieldwork.auditor):
        token = token_for(persona)
        for method, path, body in [
            ("get", "/api/v1/trips", None),
            ("get", f"/api/v1/trips/{extra['my_trip'].pk}", None),
            ("post", f"/api/v1/trips/{extra['my_trip'].pk}/visits", {"visited_name": "某商会"}),
            ("get", "/api/v1/campaigns", None),
            ("get", f"/api/v1/campaigns/{extra['month'].pk}", None),
        ]:
            answer = call(token, method, path, body)
            assert (answer.status_code, answer.json()["code"]) == (403, "role_forbidden"), (persona.username, path)
