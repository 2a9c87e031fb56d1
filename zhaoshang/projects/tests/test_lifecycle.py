"""A project advances lead → production with evidence and the bureau's verification."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.models import AuditLog, StaleEditError
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import (
    StageClaim,
    return_event,
    set_credits,
    submit_stage,
    update_project,
    verify_event,
)
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def test_a_new_project_gets_a_code_of_unit_year_sequence_and_full_credit(personas):
    first = project(personas.officer_a, personas.town_a)
    second = project(personas.officer_a, personas.town_a, name="第二个项目")
    assert first.code == "SFX-CG-2024-0001"
    assert second.code == "SFX-CG-2024-0002"
    assert [(c.unit, c.percent) for c in first.credits.all()] == [(personas.town_a, Decimal(100))]


def test_a_project_of_one_yi_or_more_is_key_automatically(personas):
    assert project(personas.officer_a, personas.town_a, total="10000").is_key
    assert not project(personas.officer_a, personas.town_a, total="9999.9999").is_key


def test_an_officer_cannot_create_a_project_for_another_town(personas):
    with pytest.raises(ValidationError) as error:
        project(personas.officer_a, personas.town_b)
    assert "责任单位" in str(error.value)


def test_a_signed_project_needs_investor_date_and_amount(personas):
    with pytest.raises(ValidationError) as error:
        project(personas.officer_a, personas.town_a, stage="signed", investor=None, total=None, signed_on=None)
    messages = error.value.message_dict
    assert "total_investment" in messages and "signed_on" in messages


def test_a_start_before_signing_is_refused(personas):
    with pytest.raises(ValidationError) as error:
        project(personas.officer_a, personas.town_a, stage="started", started_on=datetime.date(2024, 2, 1))
    assert "开工日期（2024-02-01）不能早于签约日期（2024-04-12）" in error.value.message_dict["started_on"][0]


def test_advancing_creates_a_submitted_event_that_counts_only_once_verified(personas):
    p = project(personas.officer_a, personas.town_a, investor=company())
    event = submit_stage(
        personas.officer_a, p, StageClaim(stage="signed", date=datetime.date(2024, 5, 1), amount=Decimal("60000"))
    )
    p.refresh_from_db()
    assert (p.stage, p.verified_stage, p.signed_on, p.total_investment) == (
        "signed",
        "",
        datetime.date(2024, 5, 1),
        Decimal("60000"),
    )
    assert event.status == "submitted"
    verify_event(personas.bureau, event)
    p.refresh_from_db()
    assert p.verified_stage == "signed"
    assert AuditLog.objects.filter(action="verify", object_id=str(event.pk)).exists()


def test_only_the_bureau_verifies(personas):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    event = p.events.get()
    for user in (personas.officer_a, personas.leader, personas.sysadmin):
        with pytest.raises(PermissionDenied):
            verify_event(user, event)


def test_a_returned_claim_needs_a_reason_and_does_not_count(personas):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    event = p.events.get()
    with pytest.raises(ValidationError):
        return_event(personas.bureau, event, "  ")
    return_event(personas.bureau, event, "缺少协议扫描件")
    event.refresh_from_db()
    p.refresh_from_db()
    assert (event.status, event.return_reason, p.verified_stage) == ("returned", "缺少协议扫描件", "")


def test_moving_backwards_is_refused_and_dropping_needs_a_reason(personas):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    with pytest.raises(ValidationError):
        submit_stage(personas.officer_a, p, StageClaim(stage="negotiating", date=datetime.date(2024, 6, 1)))
    with pytest.raises(ValidationError):
        submit_stage(personas.officer_a, p, StageClaim(stage="dropped", date=datetime.date(2024, 6, 1)))
    submit_stage(
        personas.officer_a, p, StageClaim(stage="dropped", date=datetime.date(2024, 6, 1), note="企业资金链断裂")
    )
    p.refresh_from_db()
    assert (p.stage, p.drop_reason) == ("dropped", "企业资金链断裂")


def test_another_towns_officer_cannot_advance_the_project(personas):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(PermissionDenied):
        submit_stage(personas.officer_b, p, StageClaim(stage="signed", date=datetime.date(2024, 5, 1)))


def test_a_stale_edit_is_refused_and_the_first_edit_stays(personas):
    p = project(personas.officer_a, personas.town_a)
    first = Project.objects.get(pk=p.pk)
    second = Project.objects.get(pk=p.pk)
    first.remarks = "第一次修改"
    update_project(personas.officer_a, first, expected_version=1)
    second.remarks = "过期的修改"
    with pytest.raises(StaleEditError):
        update_project(personas.bureau, second, expected_version=1)
    p.refresh_from_db()
    assert p.remarks == "第一次修改"


def test_credit_shares_must_sum_to_100_and_only_the_bureau_sets_them(personas):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(PermissionDenied):
        set_credits(personas.officer_a, p, [(personas.town_a, Decimal(100), "")])
    with pytest.raises(ValidationError) as error:
        set_credits(personas.bureau, p, [(personas.town_a, Decimal(60), ""), (personas.town_b, Decimal(30), "")])
    assert "当前为 90%" in str(error.value)
    set_credits(personas.bureau, p, [(personas.town_a, Decimal(60), ""), (personas.town_b, Decimal(40), "跨区域落地")])
    assert {(c.unit.code, c.percent) for c in p.credits.all()} == {("SFX-CG", Decimal(60)), ("SFX-HK", Decimal(40))}


def test_a_credit_share_puts_the_project_in_the_other_towns_scope(personas):
    p = project(personas.officer_a, personas.town_a)
    assert not Project.objects.restrict(personas.officer_b).filter(pk=p.pk).exists()
    set_credits(personas.bureau, p, [(personas.town_a, Decimal(70), ""), (personas.town_b, Decimal(30), "")])
    assert Project.objects.restrict(personas.officer_b).filter(pk=p.pk).count() == 1
    assert Project.objects.restrict(personas.county_officer).filter(pk=p.pk).count() == 1


def test_business_data_is_invisible_to_the_system_admin_and_the_auditor(personas):
    project(personas.officer_a, personas.town_a)
    assert Project.objects.restrict(personas.leader).count() == 1
    assert Project.objects.restrict(personas.sysadmin).count() == 0
    assert Project.objects.restrict(personas.auditor).count() == 0


def test_every_change_to_a_project_is_audited_with_before_and_after(personas):
    p = project(personas.officer_a, personas.town_a)
    p.remarks = "补充说明"
    update_project(personas.officer_a, p, expected_version=1)
    row = AuditLog.objects.filter(object_type="projects.project", object_id=str(p.pk), action="update").latest("id")
    assert row.changes["remarks"] == ["", "补充说明"]


def test_projects_are_found_by_pinyin_initials_of_name_or_investor(personas):
    from zhaoshang.core.search import search_terms

    p = project(personas.officer_a, personas.town_a, stage="signed", investor=company("深圳安泰电子元件有限公司"))
    for query in ("电容器", "atnc", "szat", "SFX-CG-2024"):
        term = search_terms(query)[0]
        assert Project.objects.filter(search_text__contains=term).get() == p, query
    p.investor.name = "深圳华信电子元件有限公司"
    p.investor.save()
    assert Project.objects.filter(search_text__contains="szhx").get() == p


def test_the_project_count_goes_to_the_largest_credit_share(personas):
    p = project(personas.officer_a, personas.town_a)
    assert p.count_unit == personas.town_a
    set_credits(personas.bureau, p, [(personas.town_a, Decimal(40), ""), (personas.town_b, Decimal(60), "")])
    p.refresh_from_db()
    assert p.count_unit == personas.town_b
    set_credits(personas.bureau, p, [(personas.town_a, Decimal(50), ""), (personas.town_b, Decimal(50), "")])
    p.refresh_from_db()
    assert p.count_unit == personas.town_a  # a tie goes to the responsible unit
