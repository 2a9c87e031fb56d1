"""The trip counting rules (docs/counting-rules.md, 外出招商) on a small fixture counted by hand.

Units: 示范市 > 示范县 > 城关镇 (A), 河口镇 (B). Trips departing in 2026 unless said:

  T1  organised by A, led by 副县长 (县级), B went along        2026-03-05
  T2  organised by A, led by 镇长                               2026-03-12
  T3  organised by the county, led by 县长, A went along        2026-02-01
  T4  organised by B, led by 副镇长, 已取消                      2026-03-20  (never counted)
  T5  organised by B, led by 镇长                               2025-12-30  (outside 2026)
  T6  organised by B, led by 科长, A went along                 2026-01-10

            trips                 senior-led      independent (organised, below 县级)
  A         T1 T2 T3 T6 = 4        T1 T3 = 2       T2 = 1 (T1 is the 副县长's: not independent)
  B         T1 T6 = 2              T1 = 1          T6 = 1
  county    T1 T2 T3 T6 = 4        T1 T3 = 2       T2 T6 = 2   (T1 and T6 each once, not twice)
  city      as the county

The county's bulletin sentence: N1 = the county's senior-led = 2; N2 = A's 4 + B's 2 = 6;
N3 = A's 1 + B's 1 = 2.
"""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from zhaoshang.fieldwork.choices import TripStatus
from zhaoshang.fieldwork.tests.factories import trip
from zhaoshang.stats import tables
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import Period, direct_values, rollup, subtrees, value

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = Period.year(2026)
TRIPS, SENIOR, INDEPENDENT = Indicator.TRIPS, Indicator.TRIPS_SENIOR_LED, Indicator.TRIPS_INDEPENDENT


@pytest.fixture
def trips(personas):
    p = personas
    trip(p.town_a, on=D(2026, 3, 5), leader="张三", title="副县长", along=[p.town_b])
    trip(p.town_a, on=D(2026, 3, 12), leader="李四", title="镇长")
    trip(p.county, on=D(2026, 2, 1), leader="钱七", title="县长", along=[p.town_a])
    trip(p.town_b, on=D(2026, 3, 20), leader="王五", title="副镇长", status=TripStatus.CANCELLED)
    trip(p.town_b, on=D(2025, 12, 30), leader="孙八", title="镇长")
    trip(p.town_b, on=D(2026, 1, 10), leader="周九", title="科长", along=[p.town_a])
    return p


EXPECTED = {
    "town_a": {TRIPS: 4, SENIOR: 2, INDEPENDENT: 1},
    "town_b": {TRIPS: 2, SENIOR: 1, INDEPENDENT: 1},
    "county": {TRIPS: 4, SENIOR: 2, INDEPENDENT: 2},
    "city": {TRIPS: 4, SENIOR: 2, INDEPENDENT: 2},
}


@pytest.mark.parametrize("unit_name", sorted(EXPECTED))
def test_each_units_three_counts_are_the_hand_counts(trips, unit_name):
    unit = getattr(trips, unit_name)
    for indicator, expected in EXPECTED[unit_name].items():
        assert value(indicator, unit, YEAR) == Decimal(expected), (unit_name, indicator)


def test_the_rollup_of_direct_values_gives_each_subtree_its_count_once(trips):
    tree = subtrees([trips.city])
    for indicator in (TRIPS, SENIOR, INDEPENDENT):
        totals = rollup(direct_values(indicator, YEAR), tree)
        for name, expected in EXPECTED.items():
            assert totals.get(getattr(trips, name).pk, 0) == expected[indicator], (name, indicator)


def test_a_period_counts_trips_by_departure(trips):
    march = Period.month(2026, 3)  # T1, T2 (T4 is cancelled)
    assert value(TRIPS, trips.county, march) == 2
    assert value(TRIPS, trips.town_b, march) == 1  # T1, which B went along on
    assert value(TRIPS, trips.town_b, Period.month(2025, 12)) == 1  # T5


def test_the_stats_table_and_command_show_the_counts(trips):
    result = tables.build(
        trips.bureau, year=2026, first=1, last=12, parent=trips.county, indicators=[TRIPS, SENIOR, INDEPENDENT]
    )
    cells = {row.unit.code: row.cells for row in result.table.rows}
    assert [cells["SFX-CG"][i].value for i in (TRIPS, SENIOR, INDEPENDENT)] == [4, 2, 1]
    assert [cells["SFX-HK"][i].value for i in (TRIPS, SENIOR, INDEPENDENT)] == [2, 1, 1]
    total = result.total.rows[0].cells
    assert [total[i].value for i in (TRIPS, SENIOR, INDEPENDENT)] == [4, 2, 2]
    assert total[TRIPS].last_year == 1  # T5, 2025
    out = StringIO()
    call_command("stats", "--year", "2026", "--unit", "SFX", "--indicators", "trips,trips_independent", stdout=out)
    rows = {(row["unit"], row["total"]): row["cells"] for row in json.loads(out.getvalue())["rows"]}
    assert rows[("SFX-CG", False)]["trips"]["value"] == "4"
    assert rows[("SFX", True)]["trips_independent"]["value"] == "2"


def test_the_stats_page_shows_the_trip_columns_without_a_drill_down(trips, client_for):
    from django.urls import reverse

    url = reverse("stats:table")
    query = {"year": 2026, "first": 1, "last": 12, "unit": trips.county.pk}
    # By default (read from the roll-up like the project indicators), and when ticked.
    assert "外出招商次数（次）" in client_for(trips.bureau).get(url, query).content.decode()
    asked = {**query, "indicators": ["trips", "trips_independent", "signed_count"]}
    page = client_for(trips.bureau).get(url, asked)
    text = page.content.decode()
    assert "外出招商次数（次）" in text and "独立外出次数（次）" in text
    assert "indicator=trips&" not in text
    assert (
        client_for(trips.bureau)
        .get(reverse("stats:behind"), {"indicator": "trips", "unit": trips.county.pk, "year": 2026})
        .status_code
        == 400
    )


def test_the_county_bulletin_says_the_trip_sentence(trips):
    from zhaoshang.bulletins.services import generate
    from zhaoshang.bulletins.tests.factories import draft

    content = generate(draft(trips.bureau, trips.county, year=2026, month=12), trips.bureau).content
    overview = next(section for section in content["sections"] if section["key"] == "overview")
    sentences = [block["text"] for block in overview["blocks"] if block["type"] == "paragraph"]
    assert any("县级领导带队外出2次，乡镇、开发区、部门合计外出6次（2次为独立外出）。" in text for text in sentences)
    city = generate(draft(trips.bureau, trips.city, year=2026, month=12), trips.bureau).content
    assert "县级领导带队外出" not in str(city)
