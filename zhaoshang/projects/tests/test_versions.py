"""Every workflow that changes a project raises its version, so an edit form opened
before it is refused with the other change shown instead of silently undoing it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.projects.duplicates import merge_projects
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import (
    StageClaim,
    find_or_create_investor,
    return_event,
    set_credits,
    submit_stage,
    verify_event,
)
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.projects.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def test_an_edit_form_opened_before_a_signing_claim_cannot_put_the_old_amount_back(personas, client):
    p = project(personas.officer_a, personas.town_a, investor=company())
    client.force_login(personas.officer_a)
    url = reverse("projects:edit", args=[p.pk])
    opened_at = client.get(url).context["form"]["version"].value()
    submit_stage(
        personas.officer_a, p, StageClaim(stage="signed", date=datetime.date(2024, 5, 1), amount=Decimal("80000"))
    )
    data = form_data(personas, name=p.name, version=opened_at, total_investment="50000", token="")
    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "该项目已被他人修改" in content and "80000" in content  # the other change is shown
    p.refresh_from_db()
    assert p.total_investment == Decimal("80000")


def version_of(p) -> int:
    return Project.objects.get(pk=p.pk).version


def test_a_stage_claim_raises_the_version(personas):
    p = project(personas.officer_a, personas.town_a, investor=company())
    before = version_of(p)
    submit_stage(personas.officer_a, p, StageClaim(stage="signed", date=datetime.date(2024, 5, 1)))
    assert version_of(p) == before + 1


def test_verifying_and_returning_a_claim_raise_the_version_when_the_verified_stage_moves(personas):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    event = p.events.get()
    before = version_of(p)
    verify_event(personas.bureau, event)
    assert version_of(p) == before + 1  # verified stage: 签约
    return_event(personas.bureau, event, "协议未盖章")
    assert version_of(p) == before + 2  # verified stage: none again


def test_changing_the_credit_shares_raises_the_version_when_the_count_unit_moves(personas):
    p = project(personas.officer_a, personas.town_a)
    before = version_of(p)
    set_credits(personas.bureau, p, [(personas.town_a, Decimal(40), ""), (personas.town_b, Decimal(60), "跨区域")])
    assert version_of(p) == before + 1


def test_merging_raises_the_version_of_the_merged_project(personas):
    keep = project(personas.officer_a, personas.town_a)
    twin = project(personas.officer_a, personas.town_a, name="安泰电容器项目（重复）")
    before = version_of(twin)
    merge_projects(personas.bureau, keep, twin)
    assert version_of(twin) == before + 1


def test_a_credit_code_filled_in_by_a_project_raises_the_companys_version(personas):
    firm = company("宁波港湾物流有限公司")
    find_or_create_investor(personas.bureau, "宁波港湾物流有限公司", "91330200MA2AAAAA1X")
    firm.refresh_from_db()
    assert (firm.uscc, firm.version) == ("91330200MA2AAAAA1X", 2)


def test_a_bulk_edit_of_projects_someone_saved_meanwhile_is_refused_whole(personas):
    from zhaoshang.core.models import StaleEditError
    from zhaoshang.projects.services import bulk_edit, update_project

    first = project(personas.officer_a, personas.town_a, name="甲")
    second = project(personas.officer_a, personas.town_a, name="乙")
    opened = list(Project.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"))
    second.remarks = "他人刚保存"
    update_project(personas.officer_a, second, expected_version=second.version)
    with pytest.raises(StaleEditError):
        bulk_edit(personas.officer_a, opened, {"responsible_leader": "王副县长"})
    assert not Project.objects.filter(responsible_leader="王副县长").exists()
    assert Project.objects.get(pk=first.pk).version == 1
