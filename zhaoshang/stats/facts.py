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
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DateField, F
from django.db.models.functions import Coalesce, TruncMonth

from zhaoshang.projects.choices import Stage
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.models import UnitMonthFact
from zhaoshang.stats.services import (
    ALL_TIME_END,
    ALL_TIME_START,
    CountingRules,
    Period,
    _first_events,
    _shared_total,
    big_project,
    big_signing,
    signing_field,
)

ALL_TIME = Period(ALL_TIME_START, ALL_TIME_END, "全部")
Key = tuple[int, datetime.date, str]  # (unit id, first day of month, indicator)

# The signing mixes the dashboard shows (industry section, 三次产业, leading industry, chain,
# investors' province): count and 协议引资额 of the projects signed in a month, per key.
# Unlike the indicators, these are stored PRE-ROLLED: each unit's row holds its whole
# subtree, so a whole province's mix for a year is a few hundred rows of one unit instead of
# a grouped query over every signing (0.4–0.5 s each at 200,000 projects). Their indicator
# codes read "mix.<dimension>.<n|a>:<key>".
MIX = "mix"
MIX_PREFIX = "mix."
MIX_DIMENSIONS = {
    "sec": "project__industry__parent__code",
    "sector": "project__industry__sector",
    "lead": "project__leading_industry",
    "chain": "project__chain_tag",
    "prov": "project__investor__home_division__province_code",
}
OPTIONAL_DIMENSIONS = {"lead", "chain"}  # only projects that name one are shown
ALL_FACTS = frozenset({*Indicator, MIX})

# Each indicator is also stored pre-rolled ("tree:<indicator>": the unit's whole subtree), so
# the dashboard reads a scope's two years of monthly figures from its own unit's rows
# instead of summing every unit's (48 ms for a province on PostgreSQL).
TREE_PREFIX = "tree:"


def tree_indicator(indicator: str) -> str:
    return TREE_PREFIX + indicator


def mix_indicator(dimension: str, measure: str, key) -> str:
    return f"{MIX_PREFIX}{dimension}.{measure}:{'' if key is None else key}"


def parse_mix_indicator(indicator: str) -> tuple[str, str, str]:
    """ "mix.prov.n:44" → ("prov", "n", "44")."""
    head, _, key = indicator[len(MIX_PREFIX) :].partition(":")
    dimension, _, measure = head.partition(".")
    return dimension, measure, key


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


def compute(rules: CountingRules, project_ids=None, indicators=ALL_FACTS) -> Counter:
    """{(unit, month, indicator): integer} of the ``indicators`` (MIX for the signing mixes),
    over all time; only the given projects' contributions when ``project_ids`` is given."""
    from zhaoshang.funds.models import FundsTranche

    facts = Counter()
    if indicators & EVENT_INDICATORS:
        facts += _event_facts(rules, project_ids, indicators)
    if MIX in indicators:
        facts += _mix_facts(rules, project_ids)
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
    if indicators & set(Indicator):
        facts += _pre_rolled(facts)
    return facts


def _event_facts(rules: CountingRules, project_ids, indicators) -> Counter:
    def only(queryset):
        return queryset if project_ids is None else queryset.filter(project_id__in=project_ids)

    signing_month = signing_field(rules)
    signed = only(_first_events(Stage.SIGNED, ALL_TIME, rules))
    signed_amount = Coalesce("amount", "project__total_investment")
    facts = Counter()
    if Indicator.SIGNED_COUNT in indicators:
        facts += _counts(signed, signing_month, Indicator.SIGNED_COUNT)
    if Indicator.SIGNED_BIG_COUNT in indicators:
        big_signed = signed.filter(big_signing(rules))
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
            facts += _counts(events.filter(big_project(rules, "project__")), "date", big_indicator)
    return facts


def _lineage() -> dict[int, list[int]]:
    """Each unit with its ancestors (itself first): where a pre-rolled fact is added."""
    from zhaoshang.accounts.models import Unit

    parents = dict(Unit._base_manager.values_list("pk", "parent_id"))
    lineage = {}
    for pk in parents:
        chain, current = [], pk
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        lineage[pk] = chain
    return lineage


def _pre_rolled(direct: Counter) -> Counter:
    """The "tree:" copies of direct indicator facts, added to the unit and its ancestors."""
    lineage = _lineage()
    tree = Counter()
    for (unit, month, indicator), value in direct.items():
        if value and indicator in Indicator.values:
            for ancestor in lineage.get(unit, [unit]):
                tree[(ancestor, month, TREE_PREFIX + indicator)] += value
    return tree


def _mix_facts(rules: CountingRules, project_ids) -> Counter:
    """The signing mixes: counts to the count unit, 协议引资额 by credit share, each added to
    the unit and every unit above it."""
    signed = _first_events(Stage.SIGNED, ALL_TIME, rules)
    if project_ids is not None:
        signed = signed.filter(project_id__in=project_ids)
    signed = signed.order_by()
    month = _month(signing_field(rules))
    dimensions = {f"mix_{name}": F(path) for name, path in MIX_DIMENSIONS.items()}
    lineage = _lineage()
    facts = Counter()

    def spread(unit, row, measure: str, value: int) -> None:
        if not value or unit is None:
            return
        for name in MIX_DIMENSIONS:
            key = row[f"mix_{name}"]
            if name in OPTIONAL_DIMENSIONS and not key:
                continue
            indicator = mix_indicator(name, measure, key)
            for ancestor in lineage.get(unit, [unit]):
                facts[(ancestor, row["month"], indicator)] += value

    counts = signed.values("project__count_unit", month=month, **dimensions).annotate(n=Count("project", distinct=True))
    for row in counts:
        spread(row["project__count_unit"], row, "n", row["n"])
    shares = signed.values("project__credits__unit", month=month, **dimensions).annotate(
        total=_shared_total(Coalesce("amount", "project__total_investment"), "project__credits__percent")
    )
    for row in shares:
        spread(row["project__credits__unit"], row, "a", int(row["total"] or 0))
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
    """Contributions of new projects whose rows (with their stage events and credit shares)
    were bulk-inserted, which sends no signals. New projects have no tranches yet.

    Every indicator computed here and every signing mix starts from ``_first_events``,
    which counts only events in the statuses the rules count; new projects without such an
    event add nothing. A unit's import (its events wait for verification) is therefore
    settled by one query, instead of eight that each read the counted events of the whole
    library (1.5 s for an import of 10,000 projects at province scale)."""
    from zhaoshang.projects.models import StageEvent

    if not (enabled() and project_ids):
        return
    rules = CountingRules.from_settings()
    project_ids = list(project_ids)
    if StageEvent.objects.filter(project_id__in=project_ids, status__in=rules.statuses).exists():
        apply(compute(rules, project_ids, EVENT_INDICATORS | {MIX}))


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
    from zhaoshang.accounts.models import Unit
    from zhaoshang.projects.models import Project, ProjectCredit
    from zhaoshang.relations.models import Company

    if isinstance(instance, Project):
        return {instance.pk} if instance.pk else set()
    if isinstance(instance, Company):  # its home region is the investors' province
        return set(Project._base_manager.filter(investor=instance.pk).values_list("pk", flat=True))
    if isinstance(instance, Unit):  # a unit moved: its projects' mixes move up another branch
        if not instance.pk:
            return set()
        path = Unit._base_manager.filter(pk=instance.pk).values_list("path", flat=True).first() or instance.path
        return set(ProjectCredit.objects.filter(unit__path__startswith=path).values_list("project_id", flat=True))
    ids = {instance.project_id} if instance.project_id else set()
    if instance.pk:  # a row moved to another project (a merge) leaves the old one too
        stored_project = type(instance)._base_manager.filter(pk=instance.pk).values_list("project_id", flat=True)
        ids.update(pid for pid in stored_project if pid)
    return ids


# The project fields the counting rules read; saving a project that changed none of them
# (most edits: names, leaders, remarks) cannot move a number.
PROJECT_FIELDS_COUNTED = (
    "total_investment",
    "count_unit",
    "merged_into",
    *("industry", "leading_industry", "chain_tag", "investor"),  # the signing mixes
)
COMPANY_FIELDS_COUNTED = ("home_division",)


def _counted_fields_unchanged(instance) -> bool:
    from zhaoshang.accounts.models import Unit
    from zhaoshang.projects.models import Project
    from zhaoshang.relations.models import Company

    if isinstance(instance, Unit):  # only a move matters, and a new unit has no projects
        if instance._state.adding or not instance.pk:
            return True
        stored_parent = Unit._base_manager.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        return stored_parent == instance.parent_id
    if isinstance(instance, Company):
        fields = COMPANY_FIELDS_COUNTED
    elif isinstance(instance, Project):
        fields = PROJECT_FIELDS_COUNTED
    else:
        return False
    if instance._state.adding:
        return isinstance(instance, Company)  # a new company has no projects yet
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return False
    return all(
        name in before and before[name] == getattr(instance, instance._meta.get_field(name).attname) for name in fields
    )


def _indicators_of(instance) -> frozenset:
    """The indicators a row of this kind can move."""
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.models import Project, ProjectCredit, StageEvent

    if isinstance(instance, FundsTranche):
        return FUNDS_INDICATORS
    if isinstance(instance, StageEvent):
        return EVENT_INDICATORS | {MIX}
    if isinstance(instance, ProjectCredit):
        return SHARED_INDICATORS | {MIX}
    if isinstance(instance, Project):
        return ALL_FACTS
    from zhaoshang.accounts.models import Unit

    if isinstance(instance, Unit):
        return ALL_FACTS  # its place in the tree: the pre-rolled rows move
    return frozenset({MIX})  # a company's home region


def _is_unit_or_company(instance) -> bool:
    from zhaoshang.accounts.models import Unit
    from zhaoshang.relations.models import Company

    return isinstance(instance, (Unit, Company))


def before_write(sender, instance, raw=False, signal=None, **kwargs):
    from django.db.models.signals import pre_delete, pre_save

    if raw or not enabled():
        return
    if signal is pre_save and _counted_fields_unchanged(instance):
        return
    if signal is pre_delete and _is_unit_or_company(instance):
        return  # only unused units and companies can be deleted (PROTECT): nothing counted
    # Projects inside a ``recomputed_together`` block are brought up to date by the block.
    ids = _project_ids(instance) - _recomputed_later.get()
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


_recomputed_later: ContextVar[frozenset] = ContextVar("stats_recomputed_later", default=frozenset())


@contextmanager
def recomputed_together(project_ids, *, funds: bool = True):
    """Write to many projects (saves, stage events, verifications) and bring their roll-up
    rows up to date once: their facts are computed before the block and after it, and the
    difference is added, as each write would have done for itself. Writes inside the block
    leave these projects to it (other projects they touch are kept write by write).

    A ledger import that updates thousands of projects needs it: each versioned save
    recomputed its project twice, about 0.1 s a row at province scale.

    ``funds=False``: the writes inside touch no tranche, credit share or merge, so the funds
    indicators are left out of both computations."""
    ids = frozenset(project_ids) - _recomputed_later.get()  # an outer block already has the rest
    if not (enabled() and ids):
        yield
        return
    rules = CountingRules.from_settings()
    indicators = ALL_FACTS if funds else ALL_FACTS - FUNDS_INDICATORS
    before = compute(rules, ids, indicators)
    token = _recomputed_later.set(_recomputed_later.get() | ids)
    try:
        yield
    finally:
        _recomputed_later.reset(token)
    after = compute(rules, ids, indicators)
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

    from zhaoshang.accounts.models import Unit
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.models import Project, ProjectCredit, StageEvent
    from zhaoshang.relations.models import Company

    for model in (Project, StageEvent, ProjectCredit, FundsTranche, Company, Unit):
        uid = f"stats_rollup_{model._meta.label_lower}"
        pre_save.connect(before_write, sender=model, dispatch_uid=f"{uid}_pre_save")
        post_save.connect(after_write, sender=model, dispatch_uid=f"{uid}_post_save")
        pre_delete.connect(before_write, sender=model, dispatch_uid=f"{uid}_pre_delete")
        post_delete.connect(after_write, sender=model, dispatch_uid=f"{uid}_post_delete")
