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


def test_demo_teams_with_signals_at_every_stage_built_once(personas):
    from zhaoshang.accounts.choices import UnitType
    from zhaoshang.accounts.models import Unit
    from zhaoshang.fieldwork.choices import SignalStage
    from zhaoshang.fieldwork.demo import build_teams
    from zhaoshang.fieldwork.models import Signal, StationedTeam
    from zhaoshang.fieldwork.services_teams import team_figures
    from zhaoshang.projects.models import ProjectCredit

    Unit.objects.create(code="SFX-ZD1", name="驻长三角招商小分队", type=UnitType.STATIONED_TEAM, parent=personas.county)
    assert build_teams(personas.bureau) == 6
    assert build_teams(personas.bureau) == 0
    assert StationedTeam.objects.count() == 6
    assert set(Signal.objects.values_list("stage", flat=True)) == set(SignalStage.values)
    assert Signal.objects.filter(project__isnull=False).count() == 12
    team = StationedTeam.objects.get(unit__code="SFX-ZD1")
    assert team.members.count() == 3 and team.reports.count() == 2
    assert team_figures(team)["leads"] == 2 and team_figures(team)["signed"] == 1
    # A member's lead credits the member's home unit too.
    assert ProjectCredit.objects.exclude(unit__type=UnitType.STATIONED_TEAM).exists()
