"""``visible_ids(user, action, ids)`` answers exactly what ``restrict(user, action)`` answers
for those rows, for every model, persona and action: it is a second way to ask the same
rule (for a few rows and many viewers, as the webhooks do), not a second rule."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps

from zhaoshang.core.choices import Action
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche
from zhaoshang.projects.services import StageClaim, submit_stage
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def test_visible_ids_agrees_with_restrict_for_every_model_persona_and_action(personas):
    a = project(personas.officer_a, personas.town_a, name="城关镇项目", investor=company(unit=personas.town_a))
    b = project(
        personas.officer_b, personas.town_b, name="河口镇项目", investor=company("河口公司", unit=personas.town_b)
    )
    landed = project(
        personas.officer_b,
        personas.town_b,
        name="落地城关镇",
        landing_unit=personas.town_a,
        investor=company("落地公司"),
    )
    for item in (a, b, landed):
        submit_stage(personas.bureau, item, StageClaim("signed", datetime.date(2024, 5, 6), Decimal("10")))
        record_tranche(
            personas.bureau,
            FundsTranche(project=item, date=datetime.date(2024, 6, 1), amount=Decimal("1"), source="outside_province"),
        )
    checked = 0
    for model in apps.get_models():
        if getattr(model, "access", None) is None or not hasattr(model.objects, "visible_ids"):
            continue
        ids = list(model._base_manager.values_list("pk", flat=True)[:50])
        if not ids:
            continue
        for user in personas.all_users():
            for action in (Action.VIEW, Action.CHANGE, Action.VERIFY):
                expected = set(model.objects.restrict(user, action).filter(pk__in=ids).values_list("pk", flat=True))
                assert model.objects.visible_ids(user, action, ids) == expected, (model, user.username, action)
                checked += 1
    assert checked > 100
