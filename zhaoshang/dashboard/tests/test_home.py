"""Each role lands on its own home, which shows only what the role may see."""

import pytest
from django.urls import reverse

from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

TITLES = {
    "officer_a": "单位填报员工作台",
    "bureau": "招商局工作台",
    "leader": "领导工作台",
    "sysadmin": "系统管理员工作台",
    "auditor": "审计员工作台",
}


@pytest.mark.parametrize(("persona", "title"), TITLES.items())
def test_each_role_has_its_own_home(personas, client, persona, title):
    client.force_login(getattr(personas, persona))
    assert title in client.get(reverse("core:home")).content.decode()


def test_an_officers_home_counts_only_their_own_projects(personas, client):
    project(personas.officer_a, personas.town_a, name="城关镇的项目")
    project(personas.officer_b, personas.town_b, name="河口镇的项目")
    client.force_login(personas.officer_a)
    response = client.get(reverse("core:home"))
    assert response.context["project_count"] == 1
    content = response.content.decode()
    assert "城关镇的项目" in content and "河口镇的项目" not in content


def test_the_bureau_sees_what_waits_for_verification(personas, client):
    project(personas.officer_a, personas.town_a, stage="signed")
    client.force_login(personas.bureau)
    response = client.get(reverse("core:home"))
    # The count comes from review's home panel (review/apps.py), one per waiting claim.
    pending = next(panel for panel in response.context["panels"]["cards"] if "counts" in panel["context"])
    assert pending["context"]["counts"] == {"event": 1, "tranche": 0, "payout": 0}  # every Verifiable kind
    assert "待审核" in response.text
    assert response.context["project_count"] == 1


def test_an_officer_sees_no_waiting_claims_to_decide(personas, client):
    client.force_login(personas.officer_a)
    assert client.get(reverse("core:home")).context["panels"]["cards"] == []
    assert 'data-testid="pending-link"' not in client.get(reverse("core:home")).text


def test_the_system_admins_home_shows_no_business_data(personas, client):
    # (The auditor's home lists audit events, which name the objects changed: that is the
    # audit log itself, the one thing the auditor reads.)
    project(personas.officer_a, personas.town_a, name="城关镇的项目")
    client.force_login(personas.sysadmin)
    assert "城关镇的项目" not in client.get(reverse("core:home")).content.decode()


def test_an_empty_library_says_what_to_do(personas, client):
    client.force_login(personas.officer_a)
    assert "导入现有的 Excel 台账" in client.get(reverse("core:home")).content.decode()


def test_the_bureaus_waiting_count_and_recent_projects_link_to_their_pages(personas, client):
    p = project(personas.officer_a, personas.town_a, name="城关镇的项目", stage="signed")
    client.force_login(personas.bureau)
    page = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("review:queue")}" data-testid="pending-link">待审核' in page
    assert f'href="{reverse("review:queue")}?kind=event">1<' in page
    assert f'<a href="{reverse("projects:detail", args=[p.pk])}">城关镇的项目</a>' in page


def test_an_officers_returned_claims_of_every_kind_link_to_the_claim(personas, client):
    import datetime
    from decimal import Decimal

    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.services import record_tranche, return_tranche
    from zhaoshang.projects.services import return_event

    p = project(personas.officer_a, personas.town_a, name="城关镇的项目", stage="signed")
    return_event(personas.bureau, p.events.get(), "缺少协议扫描件")
    tranche = FundsTranche(project=p, amount=Decimal("50"), date=datetime.date(2024, 6, 1), source="abroad")
    tranche = return_tranche(personas.bureau, record_tranche(personas.officer_a, tranche), "凭证金额不符")
    client.force_login(personas.officer_a)
    block = client.get(reverse("core:home")).content.decode().split('data-testid="returned-claims"')[1]
    assert block.index(reverse("funds:detail", args=[tranche.pk])) < block.index(
        reverse("projects:detail", args=[p.pk])
    )
    assert "凭证金额不符" in block and "缺少协议扫描件" in block
    client.force_login(personas.officer_b)
    assert "被退回的填报" not in client.get(reverse("core:home")).content.decode()


def test_a_project_claimed_as_dropped_is_no_longer_counted_in_the_library(personas, client):
    from zhaoshang.projects.services import StageClaim, submit_stage

    kept = project(personas.officer_a, personas.town_a, name="在谈项目", stage="negotiating")
    dropped = project(personas.officer_a, personas.town_a, name="申请退库项目", stage="negotiating")
    submit_stage(
        personas.officer_a, dropped, StageClaim(stage="dropped", date=dropped.created_at.date(), note="企业撤资")
    )
    client.force_login(personas.officer_a)
    response = client.get(reverse("core:home"))
    assert response.context["project_count"] == 1, "a 退库 claim, verified or not, takes it out of 在库"
    assert kept.pk
