"""Publishing a bulletin tells those who read it: the covered units' officers, the leaders and
the bureau's other staff — not the publisher, not units outside its scope."""

import pytest

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import User
from zhaoshang.bulletins.services import publish
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.notifications.models import Notification

pytestmark = pytest.mark.django_db


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, kind="bulletin").values_list("title", flat=True))


def test_a_published_county_bulletin_reaches_its_towns_the_leaders_and_the_bureau(personas):
    outside = User.objects.create_user("zone_officer", role=Role.OFFICER, unit=personas.city_level)
    bulletin = publish(personas.bureau, draft(personas.bureau, personas.county))
    expected = [f"已发布通报：{bulletin.title}"]
    assert told(personas.officer_a) == expected
    assert told(personas.officer_b) == expected
    assert told(personas.county_officer) == expected
    assert told(personas.leader) == expected
    assert told(personas.bureau) == []  # the publisher knows
    assert told(outside) == []
    assert told(personas.sysadmin) == [] and told(personas.auditor) == []
