"""The demo city's rounds: last month closed with one silent unit, this month open; built once."""

import pytest
from django.core.management import call_command

from zhaoshang.projects.demo import build_projects
from zhaoshang.scheduling.demo import build_rounds
from zhaoshang.scheduling.models import SchedulingRound
from zhaoshang.scheduling.services import summary
from zhaoshang.stats.testing import rollup_rebuilt_once

pytestmark = pytest.mark.django_db


def test_demo_rounds_are_built_once_with_a_unit_that_did_not_report(personas):
    call_command("load_reference", only="holidays", verbosity=0)
    with rollup_rebuilt_once():  # the demo is not about keeping the roll-up write by write
        build_projects(personas.bureau, [personas.town_a, personas.town_b], per_unit=10)
    assert build_rounds(personas.bureau) == 2
    assert build_rounds(personas.bureau) == 0
    closed = SchedulingRound.objects.get(status="closed")
    assert SchedulingRound.objects.filter(status="open").count() == 1
    data = summary(closed)
    assert data["counts"]["projects"] > 0 and data["counts"]["reported"] > 0
    assert any(row["reported"] == 0 and row["missing"] == row["projects"] for row in data["units"])
