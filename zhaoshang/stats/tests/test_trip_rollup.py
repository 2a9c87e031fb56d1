"""The trip indicators in the monthly roll-up (stats.tripfacts): equal to a recomputation
after every kind of write to trips, and the engine reads the same counts from it as
``trip_counts`` computes from the trips themselves."""

import datetime

import pytest
from django.core.management import call_command

from zhaoshang.accounts.models import Unit
from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus
from zhaoshang.fieldwork.models import Trip, TripUnit
from zhaoshang.fieldwork.services import save_trip
from zhaoshang.fieldwork.tests.factories import trip
from zhaoshang.stats import facts
from zhaoshang.stats.choices import TRIP_INDICATORS, Indicator
from zhaoshang.stats.models import UnitMonthFact
from zhaoshang.stats.services import Period, direct_values, rollup, subtrees, trip_counts, value

pytestmark = pytest.mark.django_db
D = datetime.date
PERIODS = [Period.year(2026), Period.month(2026, 3), Period.months(2026, 1, 2), Period.year(2025)]


def assert_exact(p):
    """The stored roll-up is a recomputation's, and for every unit and period the roll-up's
    subtree sums are the counts computed from the trips."""
    assert facts.differences() == []
    tree = subtrees([p.city])
    for indicator in TRIP_INDICATORS:
        for period in PERIODS:
            from_rollup = rollup(direct_values(indicator, period), tree)
            computed = rollup(trip_counts(indicator, period), tree)
            assert {k: v for k, v in from_rollup.items() if v} == {k: v for k, v in computed.items() if v}


def counts(unit, period=PERIODS[0]):
    return {str(indicator): int(value(indicator, unit, period)) for indicator in TRIP_INDICATORS}


def test_every_kind_of_write_to_a_trip_keeps_the_rollup_exact(personas):
    p = personas
    t1 = trip(p.town_a, on=D(2026, 3, 5), title="副县长", along=[p.town_b])
    assert_exact(p)
    assert UnitMonthFact.objects.filter(indicator=Indicator.TRIPS).exists()  # read from the roll-up now
    t2 = trip(p.town_a, on=D(2026, 3, 12), title="镇长")
    trip(p.town_b, on=D(2026, 1, 10), title="科长", along=[p.town_a])
    assert_exact(p)
    assert counts(p.county) == {"trips": 3, "trips_senior_led": 1, "trips_independent": 2}

    # The town officer edits T2 through the service: later departure, a county leader now,
    # the other town along (the accompanying units are rewritten by the service).
    t2.refresh_from_db()
    t2.departure_on, t2.leader_title = D(2026, 4, 2), "县长"
    save_trip(p.officer_a, t2, [p.town_b], expected_version=t2.version)
    assert_exact(p)
    assert counts(p.town_b) == {"trips": 3, "trips_senior_led": 2, "trips_independent": 1}
    # The level given by hand instead of read from the title.
    t2.refresh_from_db()
    t2.level_given, t2.leader_level = True, LeaderLevel.UNIT_HEAD
    save_trip(p.officer_a, t2, [], expected_version=t2.version)
    assert_exact(p)
    assert counts(p.town_a) == {"trips": 3, "trips_senior_led": 1, "trips_independent": 1}  # T2; T3 is B's

    # Cancelled, then on again; moved to last year.
    t1.status = TripStatus.CANCELLED
    t1.save()
    assert_exact(p)
    assert counts(p.town_b)["trips"] == 1
    t1.status = TripStatus.DONE
    t1.departure_on = D(2025, 11, 30)
    t1.save()
    assert_exact(p)
    assert counts(p.county, Period.year(2025))["trips"] == 1

    # An accompanying unit added by itself, units removed together, the organiser changed.
    TripUnit.objects.create(trip=t1, unit=p.county)
    assert_exact(p)
    TripUnit.objects.filter(trip=t1).delete()  # two rows of one trip in one delete
    assert_exact(p)
    t1.organiser = p.bureau_unit
    t1.save()
    assert_exact(p)

    # Deleted with its accompanying units (the cascade), and all trips at once.
    TripUnit.objects.create(trip=t1, unit=p.town_a)
    TripUnit.objects.create(trip=t1, unit=p.town_b)
    t1.delete()
    assert_exact(p)
    Trip.objects.all().delete()
    assert_exact(p)
    assert not UnitMonthFact.objects.filter(indicator__in=TRIP_INDICATORS).exclude(direct=0).exists()


def test_a_unit_moved_takes_its_trips_to_its_new_parent(personas):
    p = personas
    trip(p.town_a, on=D(2026, 3, 5), title="镇长")
    trip(p.county, on=D(2026, 3, 6), title="县长", along=[p.town_a])
    other = Unit.objects.create(code="SFX2", name="第二县", type=p.county.type, parent=p.city)
    town = Unit.objects.get(pk=p.town_a.pk)
    town.parent = other
    town.save()
    assert_exact(p)
    assert counts(other) == {"trips": 2, "trips_senior_led": 1, "trips_independent": 1}
    assert counts(p.county) == {"trips": 1, "trips_senior_led": 1, "trips_independent": 0}


def test_the_rebuild_puts_back_trip_facts_lost_by_a_write_that_bypassed_the_listener(personas):
    p = personas
    with facts.unchanged():
        trip(p.town_a, on=D(2026, 3, 5), title="镇长", along=[p.town_b])
    assert facts.differences()  # the check finds the drift
    call_command("rebuild_stats", verbosity=0)
    assert_exact(p)
    assert counts(p.county) == {"trips": 1, "trips_senior_led": 0, "trips_independent": 1}
