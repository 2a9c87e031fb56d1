"""Demo trips: a year at every level, built once."""

import pytest

from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus
from zhaoshang.fieldwork.demo import build_trips
from zhaoshang.fieldwork.models import Trip, TripVisit

pytestmark = pytest.mark.django_db


def test_demo_trips_cover_every_level_and_are_built_once(personas):
    created = build_trips(personas.bureau)
    assert created == Trip.objects.count() > 6
    assert build_trips(personas.bureau) == 0
    assert set(Trip.objects.values_list("leader_level", flat=True)) == set(LeaderLevel.values)
    assert Trip.objects.filter(status=TripStatus.CANCELLED).count() == 1
    assert Trip.objects.filter(organiser=personas.county).exists()
    assert (
        Trip.objects.filter(organiser=personas.town_a).exists()
        and Trip.objects.filter(organiser=personas.town_b).exists()
    )
    assert TripVisit.objects.exists()
    assert not TripVisit.objects.filter(trip__status=TripStatus.CANCELLED).exists()


def test_a_demo_campaign_month_per_county_with_its_signings(personas):
    from zhaoshang.fieldwork.demo import build_campaigns
    from zhaoshang.fieldwork.models import Campaign
    from zhaoshang.projects.demo import build_projects
    from zhaoshang.stats.testing import rollup_rebuilt_once

    with rollup_rebuilt_once():
        build_projects(personas.bureau, [personas.town_a, personas.town_b], per_unit=6)
    assert build_campaigns(personas.bureau) == 1
    assert build_campaigns(personas.bureau) == 0
    campaign = Campaign.objects.get()
    assert campaign.organiser == personas.county and campaign.signings.exists()
    assert set(campaign.unit_links.values_list("unit", flat=True)) == {personas.town_a.pk, personas.town_b.pk}
