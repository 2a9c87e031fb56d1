"""Keeping the monthly roll-up (``UnitMonthFact``) exact, write by write.

The roll-up holds each indicator's direct value per unit and month under the deployment's
counting rules (settings). Its rows are computed by the engine's own queries
(``stats.services``), only grouped by month as well; nothing here restates a counting rule.

How it stays exact: every save or delete of a project, stage event, credit share or funds
tranche computes the affected projects' contribution before and after the write and adds
the difference, in the same transaction (signals below). Bulk inserts, which send no
signals, call ``add_projects``. ``rebuild`` recomputes everything; ``differences`` compares
the stored roll-up with a recomputation (``manage.py rebuild_stats --check``, and tests).
"""

import datetime
from collections import Counter
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DateField, F
from django.db.models.functions import Coalesce, TruncMonth

from zhaoshang.projects.choices import Stage
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.models import UnitMonthFact
from zhaoshang.stats.services import CountingRules, Period, _first_events, _shared_total

ALL_TIME = Period(datetime.date(1900, 1, 1), datetime.date(2999, 12, 31), "全部")
Key = tuple[int, datetime.date, str]  # (unit id, first day of month, indicator)


def enabled() -> bool:
    return settings.STATS_ROLLUPS


def _month(field: str):
    return TruncMonth(field, output_field=DateField())


def _counts(events, month_field: str, indicator: str) -> Counter:
    rows = events.values("project__count_unit", month=_month(month_field)).annotate(n=Count("project", distinct=True))
    return Counter({(row["project__count_unit"], row["month"], indicator): row["n"] for row in rows})


def _shares(queryset, amount, month_field: str, indicator: str) -> Counter:
    rows = queryset.values("project__credits__unit", month=_month(month_field)).annotate(
        total=_shared_total(amount, "project__credits__percent")
    )
    return Counter({(row["project__credits__unit"], row["month"], indicator): int(row["total"] or 0) for row in rows})


EVENT_INDICATORS = frozenset(
    {
        Indicator.SIGNED_COUNT,
        Indicator.SIGNED_BIG_COUNT,
        Indicator.CONTRACTED_INVESTMENT,
        Indicator.STARTED_COUNT,
        Indicator.STARTED_BIG_COUNT,
        Indicator.PRODUCTION_COUNT,
    }
)
FUNDS_INDICATORS = frozenset({Indicator.FUNDS_IN_PLACE, Indicator.FOREIGN_FUNDS})
SHARED_INDICATORS = frozenset({Indicator.CONTRACTED_INVESTMENT, *FUNDS_INDICATORS})  # split by credit share


def compute(rules: CountingRules, project_ids=None, indicators=frozenset(Indicator)) -> Counter:
    """{(unit, month, indicator): integer} of the ``indicators``, over all time; only the
    given projects' contributions when ``project_ids`` is given."""
    from zhaoshang.funds.models import FundsTranche

    facts = Counter()
    if indicators & EVENT_INDICATORS:
        facts += _event_facts(rules, project_ids, indicators)
    if indicators & FUNDS_INDICATORS:
        tranches = FundsTranche.objects.filter(status__in=rules.statuses, project__merged_into__isnull=True)
        if project_ids is not None:
            tranches = tranches.filter(project_id__in=project_ids)
        tranches = tranches.order_by()
        if Indicator.FUNDS_IN_PLACE in indicators:
            facts += _shares(tranches, F("amount"), "date", Indicator.FUNDS_IN_PLACE)
        if Indicator.FOREIGN_FUNDS in indicators:
            foreign = tranches.filter(kind="foreign", amount_usd__isnull=False)
            facts += _shares(foreign, F("amount_usd"), "date", Indicator.FOREIGN_FUNDS)
    return facts


def _event_facts(rules: CountingRules, project_ids, indicators) -> Counter:
    def only(queryset):
        return queryset if project_ids is None else queryset.filter(project_id__in=project_ids)

    signing_month = "verified_at" if rules.signing_date == "verification" else "date"
    signed = only(_first_events(Stage.SIGNED, ALL_TIME, rules))
    signed_amount = Coalesce("amount", "project__total_investment")
    big = rules.big_threshold_wan
    facts = Counter()
    if Indicator.SIGNED_COUNT in indicators:
        facts += _counts(signed, signing_month, Indicator.SIGNED_COUNT)
    if Indicator.SIGNED_BIG_COUNT in indicators:
        big_signed = signed.annotate(counted=signed_amount).filter(counted__gte=big)
        facts += _counts(big_signed, signing_month, Indicator.SIGNED_BIG_COUNT)
    if Indicator.CONTRACTED_INVESTMENT in indicators:
        facts += _shares(signed, signed_amount, signing_month, Indicator.CONTRACTED_INVESTMENT)
    for stage, indicator, big_indicator in (
        (Stage.STARTED, Indicator.STARTED_COUNT, Indicator.STARTED_BIG_COUNT),
        (Stage.PRODUCTION, Indicator.PRODUCTION_COUNT, None),
    ):
        events = only(_first_events(stage, ALL_TIME, rules))
        if indicator in indicators:
            facts += _counts(events, "date", indicator)
        if big_indicator in indicators:
            facts += _counts(events.filter(project__total_investment__gte=big), "date", big_indicator)
    return facts


def stored() -> Counter:
    return Counter(
        {
            (unit, month, indicator): amount
            for unit, month, indicator, amount in UnitMonthFact.objects.values_list(
                "unit_id", "month", "indicator", "amount"
            )
            if amount
        }
    )


def apply(delta: Counter) -> None:
    """Add ``delta`` (which may be negative) to the stored roll-up."""
    changes = {key: value for key, value in delta.items() if value}
    if not changes:
        return
    existing = {
        (fact.unit_id, fact.month, fact.indicator): fact
        for fact in UnitMonthFact.objects.filter(
            unit_id__in={unit for unit, _, _ in changes},
            month__in={month for _, month, _ in changes},
            indicator__in={indicator for _, _, indicator in changes},
        )
    }
    new = []
    for key, value in changes.items():
        fact = existing.get(key)
        if fact is None:
            new.append(UnitMonthFact(unit_id=key[0], month=key[1], indicator=key[2], amount=value))
        else:
            UnitMonthFact.objects.filter(pk=fact.pk).update(amount=F("amount") + value)
    UnitMonthFact.objects.bulk_create(new, batch_size=2000)


def add_projects(project_ids) -> None:
    """Contributions of projects whose rows were bulk-inserted (no signals were sent)."""
    if enabled() and project_ids:
        apply(compute(CountingRules.from_settings(), list(project_ids)))


@transaction.atomic
def rebuild() -> int:
    UnitMonthFact.objects.all().delete()
    facts = compute(CountingRules.from_settings())
    UnitMonthFact.objects.bulk_create(
        (UnitMonthFact(unit_id=unit, month=month, indicator=indicator, amount=amount)
         for (unit, month, indicator), amount in facts.items() if amount),
        batch_size=5000,
    )  # fmt: skip
    return len(facts)


def differences(limit: int = 20) -> list[tuple[Key, int, int]]:
    """(key, stored, recomputed) where the roll-up and a recomputation disagree."""
    mine, truth = stored(), compute(CountingRules.from_settings())
    keys = sorted({key for key in mine | truth if mine[key] != truth[key]}, key=str)
    return [(key, mine[key], truth[key]) for key in keys[:limit]]


# --- Write by write --------------------------------------------------------------------------


def _project_ids(instance) -> set[int]:
    from zhaoshang.projects.models import Project

    if isinstance(instance, Project):
        return {instance.pk} if instance.pk else set()
    ids = {instance.project_id} if instance.project_id else set()
    if instance.pk:  # a row moved to another project (a merge) leaves the old one too
        stored_project = type(instance)._base_manager.filter(pk=instance.pk).values_list("project_id", flat=True)
        ids.update(pid for pid in stored_project if pid)
    return ids


# The project fields the counting rules read; saving a project that changed none of them
# (most edits: names, leaders, remarks) cannot move a number.
PROJECT_FIELDS_COUNTED = ("total_investment", "count_unit", "merged_into")


def _counted_fields_unchanged(instance) -> bool:
    from zhaoshang.projects.models import Project

    if not isinstance(instance, Project) or instance._state.adding:
        return False
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return False
    return all(
        name in before and before[name] == getattr(instance, instance._meta.get_field(name).attname)
        for name in PROJECT_FIELDS_COUNTED
    )


def _indicators_of(instance) -> frozenset:
    """The indicators a row of this kind can move."""
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.models import ProjectCredit, StageEvent

    if isinstance(instance, FundsTranche):
        return FUNDS_INDICATORS
    if isinstance(instance, StageEvent):
        return EVENT_INDICATORS
    if isinstance(instance, ProjectCredit):
        return SHARED_INDICATORS
    return frozenset(Indicator)


def before_write(sender, instance, raw=False, signal=None, **kwargs):
    from django.db.models.signals import pre_save

    if raw or not enabled() or (signal is pre_save and _counted_fields_unchanged(instance)):
        return
    ids = _project_ids(instance)
    if ids:
        indicators = _indicators_of(instance)
        before = compute(CountingRules.from_settings(), ids, indicators)
        instance.__dict__["_stats_before"] = (ids, indicators, before)


def after_write(sender, instance, raw=False, **kwargs):
    state = instance.__dict__.pop("_stats_before", None)
    if raw or state is None:
        return
    ids, indicators, before = state
    after = compute(CountingRules.from_settings(), ids, indicators)
    after.subtract(before)
    apply(after)


@contextmanager
def unchanged():
    """For tests and tools that must write without touching the roll-up (e.g. to prove
    that ``differences`` finds drift)."""
    previous = settings.STATS_ROLLUPS
    settings.STATS_ROLLUPS = False
    try:
        yield
    finally:
        settings.STATS_ROLLUPS = previous


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.models import Project, ProjectCredit, StageEvent

    for model in (Project, StageEvent, ProjectCredit, FundsTranche):
        uid = f"stats_rollup_{model._meta.label_lower}"
        pre_save.connect(before_write, sender=model, dispatch_uid=f"{uid}_pre_save")
        post_save.connect(after_write, sender=model, dispatch_uid=f"{uid}_post_save")
        pre_delete.connect(before_write, sender=model, dispatch_uid=f"{uid}_pre_delete")
        post_delete.connect(after_write, sender=model, dispatch_uid=f"{uid}_post_delete")
