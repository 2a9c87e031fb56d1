"""The relationship network's indicators (docs/counting-rules.md, 客商与乡贤) on a small
fixture counted by hand.

Units: 示范市 > 示范县 > 城关镇 (A), 河口镇 (B); 市投资促进局 under 市本级.

Interactions (recording unit, date):
  I1 A 2026-03-05   I2 A 2026-03-20   I3 B 2026-01-10   I4 county 2026-02-01
  I5 A 2025-12-30 (outside 2026)      I6 市投促局 2026-04-01
Contacts (kind, key, keeping unit, entered):
  C1 客商 key  A       2026-02-03      C2 客商 key  B      2025-11-01
  C3 客商      A       2026-05-01      C4 乡贤 key  A      2026-03-01
  C5 乡贤      B       2025-06-01      C6 乡贤      A      2026-08-15
  C7 乡贤      (no keeping unit)       C8 客商 key  county 2026-12-31 23:30 (local time)

             interactions 2026   new_key_investors 2026   xiangxian_network end 2026 / end July
  A          I1 I2 = 2           C1 = 1                   C4 C6 = 2 / C4 = 1
  B          I3 = 1              0 (C2 is 2025's)         C5 = 1 / 1
  county     4                   C1 C8 = 2                3 / 2
  city       5 (with I6)         2                        3 / 2
"""

import datetime
import json
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from zhaoshang.relations.models import Contact, Interaction
from zhaoshang.stats import tables
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import Period, value

pytestmark = pytest.mark.django_db
D = datetime.date
INTERACTIONS, NEW_KEY, XIANGXIAN = Indicator.INTERACTIONS, Indicator.NEW_KEY_INVESTORS, Indicator.XIANGXIAN_NETWORK
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def network(personas):
    p = personas
    for unit, day in [
        (p.town_a, D(2026, 3, 5)),
        (p.town_a, D(2026, 3, 20)),
        (p.town_b, D(2026, 1, 10)),
        (p.county, D(2026, 2, 1)),
        (p.town_a, D(2025, 12, 30)),
        (p.bureau_unit, D(2026, 4, 1)),
    ]:
        Interaction.objects.create(kind="visit", date=day, unit=unit, content="走访")

    def contact(name, kind, key, unit, entered):
        made = Contact.objects.create(name=name, kind=kind, is_key=key, keeping_unit=unit)
        # (the entry time is set by the database on insert: put back as a fixture, no audit row)
        models.QuerySet(Contact).filter(pk=made.pk).update(created_at=entered)

    at = lambda *parts: datetime.datetime(*parts, tzinfo=SHANGHAI)  # noqa: E731
    contact("C1", "investor", True, p.town_a, at(2026, 2, 3, 10))
    contact("C2", "investor", True, p.town_b, at(2025, 11, 1, 10))
    contact("C3", "investor", False, p.town_a, at(2026, 5, 1, 10))
    contact("C4", "notable", True, p.town_a, at(2026, 3, 1, 10))
    contact("C5", "notable", False, p.town_b, at(2025, 6, 1, 10))
    contact("C6", "notable", False, p.town_a, at(2026, 8, 15, 10))
    contact("C7", "notable", False, None, at(2026, 1, 1, 10))
    contact("C8", "investor", True, p.county, at(2026, 12, 31, 23, 30))
    return p


EXPECTED_2026 = {
    "town_a": {INTERACTIONS: 2, NEW_KEY: 1, XIANGXIAN: 2},
    "town_b": {INTERACTIONS: 1, NEW_KEY: 0, XIANGXIAN: 1},
    "county": {INTERACTIONS: 4, NEW_KEY: 2, XIANGXIAN: 3},
    "city": {INTERACTIONS: 5, NEW_KEY: 2, XIANGXIAN: 3},
}


@pytest.mark.parametrize("unit_name", sorted(EXPECTED_2026))
def test_each_units_counts_are_the_hand_counts(network, unit_name):
    unit = getattr(network, unit_name)
    for indicator, expected in EXPECTED_2026[unit_name].items():
        assert value(indicator, unit, Period.year(2026)) == Decimal(expected), (unit_name, indicator)


def test_the_xiangxian_network_is_a_stock_at_the_periods_end(network):
    to_july = Period.months(2026, 1, 7)
    assert value(XIANGXIAN, network.town_a, to_july) == 1  # C4; C6 entered in August
    assert value(XIANGXIAN, network.county, to_july) == 2  # C4, C5 (entered in 2025: still kept)
    assert value(XIANGXIAN, network.county, Period.month(2026, 3)) == 2  # a stock, not March's new ones
    # Flows count only the period: March's interactions, 2025's key investors.
    assert value(INTERACTIONS, network.county, Period.month(2026, 3)) == 2
    assert value(NEW_KEY, network.town_b, Period.year(2025)) == 1


def test_the_stats_table_command_and_page_show_them(network, client_for):
    indicators = [INTERACTIONS, NEW_KEY, XIANGXIAN]
    result = tables.build(network.bureau, year=2026, first=1, last=12, parent=network.county, indicators=indicators)
    cells = {row.unit.code: row.cells for row in result.table.rows}
    assert [cells["SFX-CG"][i].value for i in indicators] == [2, 1, 2]
    assert [result.total.rows[0].cells[i].value for i in indicators] == [4, 2, 3]
    assert result.total.rows[0].cells[INTERACTIONS].last_year == 1  # I5
    out = StringIO()
    call_command(
        "stats", "--year", "2026", "--unit", "SFX", "--indicators", "interactions,xiangxian_network", stdout=out
    )
    rows = {(row["unit"], row["total"]): row["cells"] for row in json.loads(out.getvalue())["rows"]}
    assert rows[("SFX-HK", False)]["interactions"]["value"] == "1"
    assert rows[("SFX", True)]["xiangxian_network"]["value"] == "3"
    # The town officer's page: asked for by ticking them, no drill-down to projects.
    query = {"year": 2026, "first": 1, "last": 12, "indicators": ["interactions", "new_key_investors"]}
    text = client_for(network.officer_a).get(reverse("stats:table"), query).content.decode()
    assert "走访接待次数（次）" in text and "新增重点客商（人）" in text
    assert "indicator=interactions&" not in text


def test_targets_and_assessment_offer_them(personas):
    from zhaoshang.assessment.forms import IndicatorRowForm
    from zhaoshang.targets.forms import DistributeForm

    for form in (DistributeForm, IndicatorRowForm):
        choices = dict(form.base_fields["indicator"].choices)
        assert choices["interactions"] == "走访接待次数" and choices["xiangxian_network"] == "乡贤人数"
