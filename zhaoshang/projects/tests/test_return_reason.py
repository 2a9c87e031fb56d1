"""A return reason is held to its field's 300 characters on the pages that take it: a
5,000-character reason is refused in Chinese and the claim or tranche stays as it was."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

LONG = "缺" * 5000


def test_a_five_thousand_character_reason_for_a_stage_claim_is_refused(personas, client_for):
    event = project(personas.officer_a, personas.town_a, stage="signed").events.get()
    response = client_for(personas.bureau).post(
        reverse("projects:event_return", args=[event.pk]), {"reason": LONG}, follow=True
    )
    assert "退回原因" in response.content.decode() and "300" in response.content.decode()
    event.refresh_from_db()
    assert (event.status, event.return_reason) == ("submitted", "")


def test_a_five_thousand_character_reason_for_a_tranche_is_refused(personas, client_for):
    signed = project(personas.officer_a, personas.town_a, stage="signed")
    tranche = record_tranche(
        personas.officer_a,
        FundsTranche(project=signed, amount=Decimal(100), date=signed.signed_on, source="outside_province"),
    )
    response = client_for(personas.bureau).post(
        reverse("funds:return", args=[tranche.pk]), {"reason": LONG}, follow=True
    )
    assert "300" in response.content.decode()
    tranche.refresh_from_db()
    assert (tranche.status, tranche.return_reason) == ("submitted", "")
