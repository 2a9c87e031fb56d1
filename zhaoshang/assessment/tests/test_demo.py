"""The demo city's assessment builds once, scores every town and zone, and publishes the
last complete month's year-to-date result."""

import pytest
from django.utils import timezone

from zhaoshang.assessment.demo import build_assessment
from zhaoshang.assessment.models import AssessmentResult, AssessmentScheme
from zhaoshang.assessment.services import compute_scores, default_period_key
from zhaoshang.funds.demo import build_tranches
from zhaoshang.projects.demo import build_projects
from zhaoshang.targets.demo import build_targets

pytestmark = pytest.mark.django_db


def test_the_demo_scheme_scores_the_towns_and_is_built_once(personas):
    build_projects(personas.bureau, [personas.town_a, personas.town_b], per_unit=10)
    build_tranches(personas.bureau)
    build_targets(personas.bureau)
    assert build_assessment(personas.bureau) == 1
    assert build_assessment(personas.bureau) == 0
    scheme = AssessmentScheme.objects.get()
    assert scheme.year == timezone.localdate().year
    scores = compute_scores(scheme, default_period_key(scheme))
    assert {unit.unit_name for unit in scores.units} == {"城关镇", "河口镇"}
    assert sum(weight.weight for weight in scheme.indicators.all()) == scheme.total_points
    assert any(unit.total > 0 for unit in scores.units)
    assert AssessmentResult.objects.exists() == (timezone.localdate().month > 1)
