"""Trips for tests, written as the service writes them (level from the title)."""

import datetime

from zhaoshang.fieldwork.choices import TripStatus
from zhaoshang.fieldwork.models import Trip, TripUnit
from zhaoshang.fieldwork.services import level_for_title


def trip(
    organiser,
    *,
    on=datetime.date(2026, 3, 5),
    leader="张三",
    title="副县长",
    along=(),
    status=TripStatus.DONE,
    destination="深圳",
    back=None,
):
    made = Trip.objects.create(
        departure_on=on,
        return_on=back,
        leader_name=leader,
        leader_title=title,
        leader_level=level_for_title(title),
        organiser=organiser,
        destination_text=destination,
        status=status,
    )
    for unit in along:
        TripUnit.objects.create(trip=made, unit=unit)
    return made


def team(parent, code="ZD-SZ", name="驻深圳招商小分队", leader="周建国"):
    """A stationed team: a unit of type 驻点招商小分队 under ``parent`` and its team row."""
    from zhaoshang.accounts.choices import UnitType
    from zhaoshang.accounts.models import Unit
    from zhaoshang.fieldwork.models import StationedTeam

    unit = Unit.objects.create(code=f"{parent.code}-{code}", name=name, type=UnitType.STATIONED_TEAM, parent=parent)
    return StationedTeam.objects.create(unit=unit, leader_name=leader, leader_title="副县长")


def signal(unit, *, company="深圳华强电子有限公司", kind="relocation", team=None, member=None, **fields):
    from zhaoshang.fieldwork.models import Signal
    from zhaoshang.relations.models import Company

    firm = Company.objects.filter(name=company).first() or Company.objects.create(name=company)
    fields.setdefault("reported_on", datetime.date(2026, 3, 5))
    return Signal.objects.create(
        company=firm,
        kind=kind,
        summary=fields.pop("summary", "拟将部分产线外迁"),
        source="行业协会",
        reporting_unit=unit,
        team=team,
        member=member,
        **fields,
    )
