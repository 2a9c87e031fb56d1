"""Publishing freezes a period's results: the snapshot never changes, a second publication
is refused, and recomputing shows what changed since."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.assessment.models import AssessmentResult
from zhaoshang.assessment.services import compute_scores, differences, publish, result_scores
from zhaoshang.assessment.tests.conftest import TODAY, investor, signed
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_published_result_does_not_change_when_the_data_does(scheme):
    p = scheme
    result = publish(p.bureau, p.extra["scheme"], "m7", today=TODAY)
    frozen = dict(result.data)
    # After publication the bureau verifies another July signing for 河口镇.
    signed(
        project(p.officer_b, p.town_b, name="B3", investor=investor("壬"), total="4000"),
        p.officer_b,
        p.bureau,
        datetime.date(2024, 7, 15),
    )
    result.refresh_from_db()
    assert result.data == frozen
    before = result_scores(result)
    now = compute_scores(p.extra["scheme"], "m7", today=TODAY)
    b_then = next(unit for unit in before.units if unit.unit_name == "河口镇")
    b_now = next(unit for unit in now.units if unit.unit_name == "河口镇")
    assert b_then.total == D("77.00")
    assert b_now.indicators[0].value == D(10000) and b_now.total == D("77.00") + D(24) + D(10)
    changes = {(change.unit_name, change.what): (change.published, change.now) for change in differences(before, now)}
    assert changes[("河口镇", "协议引资额完成值")] == ("6000", "10000")
    assert changes[("河口镇", "总分")] == ("77", "111")
    assert changes[("石桥镇", "排名")] == ("2", "3")  # no longer tied with 河口镇
    assert ("城关镇", "总分") not in changes


def test_a_period_is_published_once_and_the_snapshot_refuses_edits(scheme):
    p = scheme
    result = publish(p.bureau, p.extra["scheme"], "m7", today=TODAY)
    with pytest.raises(ValidationError, match="已于"):
        publish(p.bureau, p.extra["scheme"], "m7", today=TODAY)
    result.data = {}
    with pytest.raises(TypeError):
        result.save()
    with pytest.raises(TypeError):
        result.delete()
    assert AssessmentResult.objects.count() == 1


def test_only_the_bureau_publishes(scheme):
    for user in (scheme.leader, scheme.officer_a, scheme.sysadmin):
        with pytest.raises(PermissionDenied):
            publish(user, scheme.extra["scheme"], "m7", today=TODAY)
    assert not AssessmentResult.objects.exists()


def test_editing_the_scheme_after_publication_leaves_the_result_alone(scheme):
    from zhaoshang.assessment.services import save_scheme

    p = scheme
    s = p.extra["scheme"]
    result = publish(p.bureau, s, "m7", today=TODAY)
    s.cap_percent = D(100)
    save_scheme(p.bureau, s, [("contracted_investment", D(50)), ("signed_count", D(50))], [])
    frozen = result_scores(AssessmentResult.objects.get(pk=result.pk))
    assert frozen.cap == D("1.2")
    assert [unit.total for unit in frozen.units] == [D("120.00"), D("77.00"), D("77.00"), D(0)]
