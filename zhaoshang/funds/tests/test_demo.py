"""Demo money and targets are built once and follow the rules."""

import pytest

from zhaoshang.funds.demo import build_tranches
from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.demo import build_projects
from zhaoshang.stats.testing import rollup_rebuilt_once
from zhaoshang.targets.demo import build_targets
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db


def test_demo_tranches_and_targets_are_built_once(personas):
    with rollup_rebuilt_once():  # the demo is not about keeping the roll-up write by write
        build_projects(personas.bureau, [personas.town_a, personas.town_b], per_unit=10)
    created = build_tranches(personas.bureau)
    assert created == FundsTranche.objects.count() > 0
    assert build_tranches(personas.bureau) == 0
    for tranche in FundsTranche.objects.select_related("project"):
        assert tranche.date >= tranche.project.signed_on
        assert tranche.amount > 0
    assert build_targets(personas.bureau) == Target.objects.count() > 0
    assert build_targets(personas.bureau) == 0
