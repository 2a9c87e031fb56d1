"""The demo's problem list is built once, with every kind of problem in it."""

import pytest
from django.utils import timezone

from zhaoshang.projects.demo import build_projects
from zhaoshang.stats.testing import rollup_rebuilt_once
from zhaoshang.supervision.demo import build_problems
from zhaoshang.supervision.models import Instruction, Problem
from zhaoshang.supervision.services import overdue_problems

pytestmark = pytest.mark.django_db


def test_demo_problems_are_built_once_with_a_mix_of_states(personas, calendar):
    with rollup_rebuilt_once():  # the demo is not about keeping the roll-up write by write
        build_projects(personas.bureau, [personas.town_a, personas.town_b, personas.county], per_unit=8)
    created = build_problems(personas.bureau)
    assert created == Problem.objects.count() >= 15
    assert build_problems(personas.bureau) == 0
    today = timezone.localdate()
    closed = Problem.objects.filter(status="closed")
    assert closed.exists() and all(problem.satisfaction for problem in closed)
    assert overdue_problems(None, today).filter(escalated_on=today).exists()
    assert Problem.objects.filter(status="open", deadline__gte=today).exists()
    assert Instruction.objects.filter(replied_on__isnull=True).exists()
    assert Instruction.objects.filter(replied_on__isnull=False).exists()
