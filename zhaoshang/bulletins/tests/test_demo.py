"""The demo city gets last month's bulletin, published, once."""

import pytest

from zhaoshang.bulletins.demo import build_bulletins
from zhaoshang.bulletins.forms import last_complete_month
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.funds.demo import build_tranches
from zhaoshang.projects.demo import build_projects
from zhaoshang.targets.demo import build_targets

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_last_months_city_bulletin_once(personas):
    build_projects(personas.bureau, [personas.town_a, personas.town_b], per_unit=8)
    build_tranches(personas.bureau)
    build_targets(personas.bureau)
    assert build_bulletins(personas.bureau) == 1
    assert build_bulletins(personas.bureau) == 0
    bulletin = Bulletin.objects.get()
    assert bulletin.is_published and bulletin.scope == personas.city
    assert (bulletin.year, bulletin.month) == last_complete_month()
    assert bulletin.issuer == "示范市投资促进局"
    assert bulletin.snapshot.content["title"].startswith("全市招商引资工作情况通报（")
