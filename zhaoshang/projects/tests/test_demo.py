"""The demo projects are believable, complete and built only once."""

import pytest

from zhaoshang.projects.demo import build_projects
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.projects.services import required_fields_problems
from zhaoshang.stats.testing import rollup_rebuilt_once

pytestmark = pytest.mark.django_db


def test_demo_projects_follow_the_rules_and_are_not_duplicated(personas):
    units = [personas.town_a, personas.town_b]
    with rollup_rebuilt_once():  # the demo is not about keeping the roll-up write by write
        created = build_projects(personas.bureau, units, per_unit=12)
    assert created == Project.objects.count() > 12
    assert build_projects(personas.bureau, units, per_unit=12) == 0
    for project in Project.objects.all():
        assert required_fields_problems(project) == {}, project
        assert sum(credit.percent for credit in project.credits.all()) == 100
    assert StageEvent.objects.filter(status="verified").exists()
    assert StageEvent.objects.filter(status="submitted").exists() or StageEvent.objects.count() < 5


def test_demo_investors_come_from_provinces_the_map_can_show(personas):
    from django.core.management import call_command

    from zhaoshang.relations.models import Company

    call_command("load_reference", verbosity=0)
    with rollup_rebuilt_once():  # the demo is not about keeping the roll-up write by write
        build_projects(personas.bureau, [personas.town_a, personas.town_b], per_unit=12)
    homes = Company.objects.exclude(home_division=None).values_list("home_division__province_code", flat=True)
    assert len(set(homes)) >= 3  # the dashboard's map of China has several provinces to show
