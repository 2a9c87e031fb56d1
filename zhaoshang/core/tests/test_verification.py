"""Verification written once: stage claims and tranches are decided by the same service,
with the same checks, audit rows and notifications."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.models import AuditLog
from zhaoshang.core.verification import return_for_correction, verifiable_models, verify
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche
from zhaoshang.notifications.models import Notification
from zhaoshang.projects.models import StageEvent
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def a_tranche(personas, amount="300"):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    tranche = FundsTranche(project=p, amount=Decimal(amount), date=datetime.date(2024, 6, 1), source="outside_province")
    return record_tranche(personas.officer_a, tranche)


def a_claim(personas):
    return project(personas.officer_a, personas.town_a, stage="signed").events.get()


def test_both_kinds_are_verifiable():
    assert {model.review_kind for model in verifiable_models()} >= {"event", "tranche"}


@pytest.mark.parametrize("make", [a_tranche, a_claim], ids=["tranche", "claim"])
def test_the_bureau_verifies_and_the_submitter_is_told(personas, make):
    record = make(personas)
    verify(personas.bureau, record)
    record.refresh_from_db()
    assert record.status == "verified" and record.verified_by == personas.bureau
    assert AuditLog.objects.filter(action="verify", object_id=str(record.pk)).count() == 1
    told = Notification.objects.get(recipient=personas.officer_a, kind="verification_approved")
    assert told.title.startswith("招商局审核通过：") and told.url == record.get_absolute_url()


@pytest.mark.parametrize("make", [a_tranche, a_claim], ids=["tranche", "claim"])
def test_officers_and_leaders_cannot_decide(personas, make):
    record = make(personas)
    for user in (personas.officer_a, personas.county_officer, personas.leader, personas.sysadmin, personas.auditor):
        with pytest.raises(PermissionDenied):
            verify(user, record)
        with pytest.raises(PermissionDenied):
            return_for_correction(user, record, "材料不全")
    record.refresh_from_db()
    assert record.status == "submitted"


def test_a_decided_claim_is_not_decided_again(personas):
    record = a_tranche(personas)
    verify(personas.bureau, record)
    with pytest.raises(ValidationError, match="已审核通过"):
        verify(personas.bureau, record)
    return_for_correction(personas.bureau, record, "凭证金额不符")
    with pytest.raises(ValidationError, match="已退回"):
        verify(personas.bureau, record)
    with pytest.raises(ValidationError, match="已退回"):
        return_for_correction(personas.bureau, record, "再退一次")
    assert AuditLog.objects.filter(action="verify", object_id=str(record.pk)).count() == 2


def test_a_return_reason_is_one_to_three_hundred_characters(personas):
    record = a_claim(personas)
    for reason in ("", "   ", "长" * 301):
        with pytest.raises(ValidationError) as error:
            return_for_correction(personas.bureau, record, reason)
        assert "退回" in error.value.message_dict["return_reason"][0]
    record.refresh_from_db()
    assert record.status == "submitted" and not AuditLog.objects.filter(action="verify").exists()
    return_for_correction(personas.bureau, record, "长" * 300)
    record.refresh_from_db()
    assert record.status == "returned" and len(record.return_reason) == 300


def test_a_decision_makes_an_open_correction_form_stale(personas):
    record = a_tranche(personas)
    opened_at = record.version
    verify(personas.bureau, record)
    record.refresh_from_db()
    assert record.version == opened_at + 1


def test_returning_a_verified_claim_takes_back_the_verified_stage(personas):
    claim = a_claim(personas)
    verify(personas.bureau, claim)
    claim.project.refresh_from_db()
    assert claim.project.verified_stage == "signed"
    return_for_correction(personas.bureau, StageEvent.objects.get(pk=claim.pk), "协议扫描件缺页")
    claim.project.refresh_from_db()
    assert claim.project.verified_stage == ""
    told = Notification.objects.get(recipient=personas.officer_a, kind="verification_returned")
    assert "协议扫描件缺页" in told.body


def test_a_claim_the_bureau_entered_itself_tells_nobody_when_verified(personas):
    claim = project(personas.bureau, personas.town_a, stage="signed").events.get()
    verify(personas.bureau, claim)
    assert not Notification.objects.filter(kind="verification_approved").exists()


def test_the_old_verify_buttons_explain_a_claim_already_decided(personas, client):
    from django.urls import reverse

    claim, tranche = a_claim(personas), a_tranche(personas)
    verify(personas.bureau, claim)
    verify(personas.bureau, tranche)
    client.force_login(personas.bureau)
    for url in (reverse("projects:event_verify", args=[claim.pk]), reverse("funds:verify", args=[tranche.pk])):
        page = client.post(url, follow=True).content.decode()
        assert "已审核通过，无需重复审核" in page
