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
