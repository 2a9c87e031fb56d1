"""An officer withdraws (撤回) a project they entered in error while it is an unverified
lead, after a confirmation page and with the audit log keeping what was deleted."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.models import FollowUp, Project, StageEvent
from zhaoshang.projects.services import StageClaim, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def test_an_officer_withdraws_a_lead_they_entered_after_confirming_with_a_reason(personas, client):
    p = project(personas.officer_a, personas.town_a, investor=company())
    FollowUp.objects.create(project=p, date=datetime.date(2024, 3, 1), kind="call", content="初次电话")
    submit_stage(personas.officer_a, p, StageClaim(stage="signed", date=datetime.date(2024, 5, 1)))  # waiting
    client.force_login(personas.officer_a)
    assert "撤回项目" in client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    url = reverse("projects:withdraw", args=[p.pk])
    assert "确认撤回" in client.get(url).content.decode()
    refused = client.post(url, {"reason": " "})
    assert "请说明撤回原因" in refused.content.decode() and Project.objects.filter(pk=p.pk).exists()
    response = client.post(url, {"reason": "重复录入"})
    assert response["Location"] == reverse("projects:list")
    assert not Project.objects.filter(pk=p.pk).exists()
    assert not StageEvent.objects.exists() and not FollowUp.objects.exists()
    deleted = AuditLog.objects.filter(action="delete", detail="撤回项目：重复录入")
    assert {row.object_type for row in deleted} >= {
        "projects.project",
        "projects.stageevent",
        "projects.followup",
        "projects.projectcredit",
    }


def test_another_towns_officer_and_a_leader_cannot_withdraw_town_as_project(personas, client):
    p = project(personas.officer_a, personas.town_a)
    url = reverse("projects:withdraw", args=[p.pk])
    for persona in ("officer_b", "leader", "sysadmin", "auditor"):
        client.force_login(getattr(personas, persona))
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "误录"}).status_code == 404
    assert Project.objects.filter(pk=p.pk).exists()


def test_only_the_officer_who_entered_it_or_the_bureau_may_withdraw(personas, client):
    p = project(personas.officer_a, personas.town_a)
    client.force_login(personas.county_officer)  # sees town A's projects, did not enter this one
    response = client.post(reverse("projects:withdraw", args=[p.pk]), {"reason": "误录"})
    assert response.status_code == 409 and "只有创建该项目的人员" in response.content.decode()
    client.force_login(personas.bureau)
    client.post(reverse("projects:withdraw", args=[p.pk]), {"reason": "镇里误录"})
    assert not Project.objects.filter(pk=p.pk).exists()


def test_a_project_with_a_verified_stage_is_refused_with_the_way_to_end_it(personas, client):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    verify_event(personas.bureau, p.events.get())
    client.force_login(personas.officer_a)
    assert "撤回项目" not in client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    response = client.post(reverse("projects:withdraw", args=[p.pk]), {"reason": "误录"})
    assert response.status_code == 409
    assert "已有经招商局审核通过的阶段，不能撤回；如项目终止，请填报「退库」" in response.content.decode()
    assert Project.objects.filter(pk=p.pk).exists()


def test_a_project_with_money_recorded_is_refused(personas, client):
    p = project(personas.officer_a, personas.town_a)
    FundsTranche.objects.create(
        project=p, date=datetime.date(2024, 6, 1), amount=Decimal(100), source="outside_province"
    )
    client.force_login(personas.officer_a)
    response = client.post(reverse("projects:withdraw", args=[p.pk]), {"reason": "误录"})
    assert "已登记到位资金" in response.content.decode() and Project.objects.filter(pk=p.pk).exists()
