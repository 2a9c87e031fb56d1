"""The trip indicators (外出招商) in the monthly roll-up, kept exact write by write.

A trip's facts depend on the trip alone: its departure month, its leader level, whether it
is cancelled, and the units it reaches (its organiser, the units that went along, and every
unit above them). As ``stats.services.trip_counts`` counts them, the trip adds 1 to each
unit it reaches and takes 1 from each reached unit's parent, so a unit's direct value summed
over its subtree is the number of trips that reached the subtree, each trip once; the
direct values are stored in ``UnitMonthFact`` beside the project indicators, and the
pre-rolled ``tree`` column follows from them as for every other indicator.

How it stays exact: stats listens to trips and their accompanying units (``connect``). A
save or delete computes the trip's facts before and after the write and adds the
difference, in the same transaction. The accompanying units of one trip deleted together
(a queryset delete, or the cascade of the trip's own delete) send one ``pre_delete`` each
before any row goes and one ``post_delete`` each after: the trip's facts before are taken
at the first and the difference added at the last, keyed on the delete's ``origin``. A unit
moved in the tree recomputes the trips of its subtree (``stats.facts`` calls
``for_units``). ``stats.facts.rebuild`` recomputes all of it.
"""

from collections import Counter

from zhaoshang.stats.choices import Indicator

_TRIPS = str(Indicator.TRIPS.value)
_SENIOR = str(Indicator.TRIPS_SENIOR_LED.value)
_INDEPENDENT = str(Indicator.TRIPS_INDEPENDENT.value)


def direct_cells(trip_ids=None, parents: dict | None = None) -> Counter:
    """{(unit, month, indicator): direct value} of these trips (all when None)."""
    from zhaoshang.accounts.models import Unit
    from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus
    from zhaoshang.fieldwork.models import Trip, TripUnit

    ids = None if trip_ids is None else list(trip_ids)
    direct = Counter()
    if ids is not None and not ids:
        return direct
    trips = Trip._base_manager.exclude(status=TripStatus.CANCELLED).order_by()
    along = TripUnit.objects.order_by()
    if ids is not None:
        trips, along = trips.filter(pk__in=ids), along.filter(trip_id__in=ids)
    rows = list(trips.values_list("pk", "departure_on", "leader_level", "organiser_id"))
    if not rows:
        return direct
    units_along: dict[int, list[int]] = {}
    for trip_id, unit_id in along.values_list("trip_id", "unit_id"):
        units_along.setdefault(trip_id, []).append(unit_id)
    if parents is None:
        parents = dict(Unit._base_manager.values_list("pk", "parent_id"))
    above: dict[int, tuple[int, ...]] = {}  # a unit and every unit above it, once per unit

    def chain(unit_id: int) -> tuple[int, ...]:
        if unit_id not in above:
            parent_id = parents.get(unit_id)
            above[unit_id] = (unit_id, *chain(parent_id)) if parent_id is not None else (unit_id,)
        return above[unit_id]

    months = {}
    for trip_id, day, level, organiser_id in rows:
        month = months.get(day)
        if month is None:
            month = months[day] = day.replace(day=1)
        senior = level == LeaderLevel.SENIOR
        own = chain(organiser_id)
        others = units_along.get(trip_id)
        reached = own if not others else {unit for unit_id in (organiser_id, *others) for unit in chain(unit_id)}
        for indicator, units in (
            (_TRIPS, reached),
            (_SENIOR if senior else _INDEPENDENT, own if not senior else reached),
        ):
            for unit in units:
                direct[(unit, month, indicator)] += 1
                parent_id = parents.get(unit)
                if parent_id is not None:
                    direct[(parent_id, month, indicator)] -= 1
    return direct


def compute(trip_ids=None) -> dict:
    """The roll-up facts of these trips (all when None), as ``stats.facts.compute`` gives a
    project's: {table: {cell: [values]}}. The unit tree is read once per call (a trip's save
    computes this twice), and the pre-rolled ``tree`` column is added along the same chains."""
    from zhaoshang.accounts.models import Unit
    from zhaoshang.stats import facts

    parents = dict(Unit._base_manager.values_list("pk", "parent_id"))
    rows: dict[tuple, list[int]] = {}
    for (unit, month, indicator), value in direct_cells(trip_ids, parents).items():
        if not value:
            continue
        rows.setdefault((unit, month, indicator), [0, 0])[0] += value
        current = unit
        while current is not None:
            rows.setdefault((current, month, indicator), [0, 0])[1] += value
            current = parents.get(current)
    return {**facts.nothing(), facts.IND: rows}


def for_units(unit_path: str) -> set[int]:
    """The trips that reach a unit's subtree (organised there or gone along from there)."""
    from zhaoshang.fieldwork.models import Trip, TripUnit

    organised = Trip._base_manager.filter(organiser__path__startswith=unit_path).values_list("pk", flat=True)
    along = TripUnit.objects.filter(unit__path__startswith=unit_path).values_list("trip_id", flat=True)
    return set(organised) | set(along)


# --- Write by write --------------------------------------------------------------------------

_BEFORE = "_stats_trip_before"
_PENDING = "_stats_trip_deletes"


def _trip_id(instance):
    from zhaoshang.fieldwork.models import Trip

    return instance.pk if isinstance(instance, Trip) else instance.trip_id


def before_save(sender, instance, raw=False, **kwargs):
    from zhaoshang.stats import facts

    if raw or not facts.enabled():
        return
    trip_id = _trip_id(instance)
    if trip_id is None:  # a new trip: nothing counted yet
        instance.__dict__[_BEFORE] = None
        return
    instance.__dict__[_BEFORE] = compute([trip_id])


def after_save(sender, instance, raw=False, **kwargs):
    from zhaoshang.stats import facts

    if raw or _BEFORE not in instance.__dict__:
        return
    before = instance.__dict__.pop(_BEFORE) or facts.nothing()
    facts.apply(facts._minus(compute([_trip_id(instance)]), before))


def _pending(origin) -> dict:
    """The deletes under way for one ``origin`` (an instance or a queryset): {trip id:
    [facts before, rows not yet deleted]}."""
    return origin.__dict__.setdefault(_PENDING, {})


def before_delete(sender, instance, origin=None, **kwargs):
    from zhaoshang.stats import facts

    if not facts.enabled():
        return
    pending = _pending(origin if origin is not None else instance)
    trip_id = _trip_id(instance)
    if trip_id not in pending:
        pending[trip_id] = [compute([trip_id]), 0]
    pending[trip_id][1] += 1


def after_delete(sender, instance, origin=None, **kwargs):
    from zhaoshang.stats import facts

    pending = (origin if origin is not None else instance).__dict__.get(_PENDING, {})
    trip_id = _trip_id(instance)
    state = pending.get(trip_id)
    if state is None:
        return
    state[1] -= 1
    if state[1] == 0:  # the last row of this trip the delete takes: the trip as it is now
        del pending[trip_id]
        facts.apply(facts._minus(compute([trip_id]), state[0]))


def unit_before_save(sender, instance, raw=False, **kwargs):
    """A unit moved to another parent: the trips of its subtree now reach other units."""
    from zhaoshang.stats import facts

    if raw or not facts.enabled() or facts._counted_fields_unchanged(instance):
        return
    from zhaoshang.accounts.models import Unit

    path = Unit._base_manager.filter(pk=instance.pk).values_list("path", flat=True).first() or instance.path
    ids = for_units(path)
    if ids:
        instance.__dict__[_BEFORE] = (ids, compute(ids))


def unit_after_save(sender, instance, raw=False, **kwargs):
    from zhaoshang.stats import facts

    state = instance.__dict__.pop(_BEFORE, None)
    if raw or state is None:
        return
    ids, before = state
    facts.apply(facts._minus(compute(ids), before))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    from zhaoshang.accounts.models import Unit
    from zhaoshang.fieldwork.models import Trip, TripUnit

    pre_save.connect(unit_before_save, sender=Unit, dispatch_uid="stats_trips_unit_pre_save")
    post_save.connect(unit_after_save, sender=Unit, dispatch_uid="stats_trips_unit_post_save")

    for model in (Trip, TripUnit):
        uid = f"stats_trips_{model._meta.label_lower}"
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}_pre_save")
        post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}_post_save")
        pre_delete.connect(before_delete, sender=model, dispatch_uid=f"{uid}_pre_delete")
        post_delete.connect(after_delete, sender=model, dispatch_uid=f"{uid}_post_delete")
