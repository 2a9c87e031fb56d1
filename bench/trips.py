"""Time the trip indicators (issue 15: the stats table's trip columns for a province of
200,000 trips ≤ 150 ms) on a COPY of the generated dataset.

    cp /work/main/bench/out/bench-1.0.sqlite3 bench/out/trips.sqlite3
    ZHAOSHANG_SQLITE_PATH=bench/out/trips.sqlite3 python bench/trips.py [--trips 200000] [--repeat 5]

Migrates the copy, adds ``--trips`` trips (seeded, bulk inserts, no audit rows: a fixture)
if it has fewer — over 2024–2025, organised by every kind of unit, 40 % with one or two
units along, a fifth led by 县级 leaders, 5 % cancelled — then times:

1. ``unit_table`` of the province's cities × the three trip indicators for 2025 (this
   year, last year; what the statistics table computes for its trip columns);
2. the same for one county's children;
3. each indicator's ``value`` for the province once, and the roll-up against the count
   from the trips themselves (``trip_counts``) for every unit, with that count's time.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from zhaoshang.accounts.choices import UnitType  # noqa: E402
from zhaoshang.accounts.models import Unit  # noqa: E402
from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus  # noqa: E402
from zhaoshang.fieldwork.models import Trip, TripUnit  # noqa: E402
from zhaoshang.stats import facts, tripfacts  # noqa: E402
from zhaoshang.stats.choices import TRIP_INDICATORS  # noqa: E402
from zhaoshang.stats.services import (  # noqa: E402
    Period,
    direct_values,
    rollup,
    subtrees,
    trip_counts,
    unit_table,
    value,
)

YEAR = 2025


def median_ms(function, repeat: int) -> float:
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


@transaction.atomic
def generate(count: int, seed: int = 15) -> int:
    have = Trip.objects.count()
    if have >= count:
        return 0
    rng = random.Random(seed)
    units = list(Unit.objects.filter(active=True).exclude(type=UnitType.PROVINCE).values_list("pk", "parent_id"))
    siblings: dict[int, list[int]] = {}
    for pk, parent_id in units:
        siblings.setdefault(parent_id, []).append(pk)
    start = datetime.date(YEAR - 1, 1, 1)
    levels = [LeaderLevel.SENIOR] * 2 + [LeaderLevel.UNIT_HEAD] * 5 + [LeaderLevel.OTHER] * 3
    made = 0
    while have + made < count:
        batch = []
        for _ in range(min(10000, count - have - made)):
            organiser, parent_id = rng.choice(units)
            batch.append(
                Trip(
                    departure_on=start + datetime.timedelta(days=rng.randrange(730)),
                    leader_name=f"带队{rng.randrange(5000)}",
                    leader_level=rng.choice(levels),
                    organiser_id=organiser,
                    destination_text="深圳",
                    status=TripStatus.CANCELLED if rng.random() < 0.05 else TripStatus.DONE,
                )
            )
        # bulk_create skips AuditedModel.save (a fixture: no audit rows), as bench/generate.py does.
        Trip.objects.bulk_create(batch)
        along = []
        for trip in batch:
            if rng.random() < 0.4:
                pool = siblings.get(_parent(units, trip.organiser_id), [])
                for pk in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
                    if pk != trip.organiser_id:
                        along.append(TripUnit(trip=trip, unit_id=pk))
        TripUnit.objects.bulk_create(along)
        # Bulk inserts send no model signals: the batch's roll-up facts added as the
        # listener would have (stats.tripfacts), so the stats table reads them.
        facts.apply(tripfacts.compute([trip.pk for trip in batch]))
        made += len(batch)
    return made


_PARENTS: dict[int, int] = {}


def _parent(units, pk):
    if not _PARENTS:
        _PARENTS.update(dict(units))
    return _PARENTS.get(pk)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trips", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    made = generate(args.trips)
    print(
        f"trips: {Trip.objects.count()} ({made} added in {time.perf_counter() - started:.1f} s), "
        f"{TripUnit.objects.count()} accompanying"
    )
    indicators = sorted(TRIP_INDICATORS)
    period = Period.year(YEAR)
    province = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    cities = list(Unit.objects.filter(parent=province).order_by("path"))
    county = Unit.objects.filter(type=UnitType.COUNTY).order_by("path").first()
    towns = list(Unit.objects.filter(parent=county).order_by("path"))
    print(
        "province's cities × 3 trip indicators (unit_table):",
        median_ms(lambda: unit_table([*cities, province], indicators, period), args.repeat),
        "ms",
    )
    print(
        "one county's children × 3 trip indicators (unit_table, within the county):",
        median_ms(lambda: unit_table([*towns, county], indicators, period, within=county), args.repeat),
        "ms",
    )
    for indicator in indicators:
        print(f"value({indicator}, province, {YEAR}) = {value(indicator, province, period)}")
    # The roll-up against the count from the trips themselves, for every unit of the tree.
    tree = subtrees([province])
    for indicator in indicators:
        started = time.perf_counter()
        computed = rollup(trip_counts(indicator, period), tree)
        took = (time.perf_counter() - started) * 1000
        stored = rollup(direct_values(indicator, period), tree)
        differ = sum(1 for pk in computed.keys() | stored.keys() if computed.get(pk, 0) != stored.get(pk, 0))
        print(f"{indicator}: computed from the trips in {took:.0f} ms; units where the roll-up differs: {differ}")
    started = time.perf_counter()
    every = tripfacts.compute()
    print(
        f"the trips' facts for a rebuild (tripfacts.compute): {time.perf_counter() - started:.1f} s, "
        f"{len(every['indicator'])} rows"
    )


if __name__ == "__main__":
    main()
