"""Keeping the monthly roll-up (``stats.models``) exact, write by write.

The roll-up holds, under the deployment's counting rules (settings), three kinds of fact
(see stats.models): indicator values per unit and month (direct and pre-rolled over the
subtree), the signing mixes (pre-rolled), and the cohort facts the ratios read. They are
computed from the rows the engine counts, selected by the engine's own rules
(``stats.services``: first events, 亿元以上, the signing day, 元 × basis points); here they
are only bucketed by month and added up.

How it stays exact: stats listens (its receivers are connected in ``StatsConfig.ready``).
A save or delete of a project, stage event, credit share, funds tranche, company (its home
region) or unit (its place in the tree) computes the affected projects' facts before and
after the write and adds the difference, in the same transaction. Writers that change many
rows at once wrap them in ``core.bulk.writing_together()``: the projects' facts are computed
once before their first write and once at the end of the block. Each change is written
with one upsert per table (``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x``).

``rebuild`` recomputes everything; ``differences`` compares the stored roll-up with a
recomputation (``manage.py rebuild_stats --check``, and tests).
"""

import datetime
from collections import Counter, defaultdict
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from zhaoshang.core import bulk
from zhaoshang.core.numbers import as_yuan
from zhaoshang.projects.choices import Stage
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.models import CohortFact, MixFact, UnitMonthFact
from zhaoshang.stats.services import (
    ALL_TIME_END,
    ALL_TIME_START,
    CountingRules,
    Period,
    _as_basis_points,
    _first_events,
    big_project,
    big_signing,
    signing_field,
)

ALL_TIME = Period(ALL_TIME_START, ALL_TIME_END, "全部")

# The facts: {table: {cell: [value per column]}}; ``flat`` keys them (table, *cell, column).
IND, MIX, COHORT = "indicator", "mix", "cohort"
TABLES = {
    # table: (model, cell columns, value columns)
    IND: (UnitMonthFact, ("unit_id", "month", "indicator"), ("direct", "tree")),
    MIX: (MixFact, ("unit_id", "month", "dimension", "key"), ("count", "amount")),
    COHORT: (
        CohortFact,
        ("unit_id", "signed_month", "month"),
        ("started", "produced", "funds", "fixed_assets", "land"),
    ),
}

# The signing mixes the dashboard shows: dimension → the signing event's path to its key.
MIX_DIMENSIONS = {
    "sec": "project__industry__parent__code",
    "sector": "project__industry__sector",
    "lead": "project__leading_industry",
    "chain": "project__chain_tag",
    "prov": "project__investor__home_division__province_code",
}
OPTIONAL_DIMENSIONS = {"lead", "chain"}  # only projects that name one are shown


# The indicators as plain strings: an enum member in a dictionary key is hashed by a Python
# method, which cost seconds over the two million tranches of a province.
_SIGNED_COUNT = str(Indicator.SIGNED_COUNT.value)
_SIGNED_BIG_COUNT = str(Indicator.SIGNED_BIG_COUNT.value)
_CONTRACTED_INVESTMENT = str(Indicator.CONTRACTED_INVESTMENT.value)
_STARTED_COUNT = str(Indicator.STARTED_COUNT.value)
_STARTED_BIG_COUNT = str(Indicator.STARTED_BIG_COUNT.value)
_PRODUCTION_COUNT = str(Indicator.PRODUCTION_COUNT.value)
_FUNDS_IN_PLACE = str(Indicator.FUNDS_IN_PLACE.value)
_FOREIGN_FUNDS = str(Indicator.FOREIGN_FUNDS.value)


def enabled() -> bool:
    return settings.STATS_ROLLUPS


# --- Computing the facts of some projects (or all) ------------------------------------------


@lru_cache(maxsize=64)
def months_to_december(month: datetime.date) -> tuple[datetime.date, ...]:
    """``month`` and every later month of its year: the cohort rows a change reaches."""
    return tuple(datetime.date(month.year, m, 1) for m in range(month.month, 13))


def _month_of(value) -> datetime.date | None:
    """The first day of the month a date (or a verification time, in local time) falls in,
    as the engine's date ranges and ``__date`` lookups read it."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


class MonthKey(Func):
    """A date's month as "YYYY-MM" text, by the database's own string functions."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra_context)


def _hundredths(path: str):
    scaled = Round(F(path) * Value(100), 0, output_field=DecimalField(max_digits=16, decimal_places=0))
    return Cast(scaled, BigIntegerField())


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


def _counts_anything(rules: CountingRules, project_ids) -> bool:
    """Whether any of these projects has an event or tranche in a counted status: most
    writes (a claim waiting for the bureau, an edit of a lead) are settled by this query."""
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.models import Project, StageEvent

    events = StageEvent.objects.filter(
        project=OuterRef("pk"),
        stage__in=[Stage.SIGNED, Stage.STARTED, Stage.PRODUCTION],
        status__in=rules.statuses,
        is_supplementary=False,
    )
    tranches = FundsTranche.objects.filter(project=OuterRef("pk"), status__in=rules.statuses)
    return (
        Project._base_manager.filter(pk__in=project_ids, merged_into__isnull=True)
        .filter(Exists(events) | Exists(tranches))
        .exists()
    )


def _tranche_sums(rules: CountingRules, ids) -> tuple[dict, dict]:
    """The counted tranches of these projects (all when None), summed per project and
    month: ({(project id, "YYYY-MM"): 元}, the same for the 美元 of foreign ones)."""
    from zhaoshang.funds.models import FundsTranche

    def only(queryset):
        return queryset if ids is None else queryset.filter(project_id__in=ids)

    # Tranches are the bulk (two million at province scale), read by a plain scan and
    # summed per project and month here: the month as text (no date to convert per row),
    # the status tested here (SQLite would otherwise fetch every counted row through the
    # status index, four times slower; grouping in the query sorts them, slower still), and
    # the rows taken from the cursor as the database gives them (every column is already an
    # integer or text: Django's per-row converters cost 2 s). A project's money in a month
    # is split by its credit shares once, not once per tranche.
    tranche_query = (
        only(FundsTranche.objects.all())
        .order_by()
        .annotate(
            month_key=MonthKey("date"),
            yuan=as_yuan(F("amount")),
            usd=Case(
                When(kind="foreign", amount_usd__isnull=False, then=as_yuan(F("amount_usd"))),
                output_field=BigIntegerField(),
            ),
        )
        .values_list("project_id", "status", "month_key", "yuan", "usd")
    )
    statuses = set(rules.statuses)
    yuan_of, usd_of = {}, {}  # (project id, "YYYY-MM") → summed 元
    sql, params = tranche_query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            for project_id, status, key, yuan, usd in rows:
                if status in statuses:
                    cell = (project_id, key)
                    yuan_of[cell] = yuan_of.get(cell, 0) + (yuan or 0)
                    if usd is not None:
                        usd_of[cell] = usd_of.get(cell, 0) + usd
    return yuan_of, usd_of


def _spread_tranches(yuan_of: dict, usd_of: dict, credits: dict, cohort_of: dict, direct, cohort, sign: int = 1):
    """Add (or with ``sign=-1`` take away) the summed tranches to the direct cells and the
    cohorts, split by the projects' credit shares."""
    month_of_key = {}  # a tranche of a merged project finds no credit shares, no cohort
    for cell, yuan in yuan_of.items():
        project_id, key = cell
        shares = credits.get(project_id)
        if not shares:
            continue
        month = month_of_key.get(key)
        if month is None:
            month = month_of_key[key] = datetime.date(int(key[:4]), int(key[5:7]), 1)
        usd = usd_of.get(cell)
        signed = cohort_of.get(project_id)
        if signed is not None and month.year > signed[1].year:
            signed = None  # cohort rows end in December of the signing year (``_rolled``)
        for unit, points in shares:
            direct[(unit, month, _FUNDS_IN_PLACE)] += sign * yuan * points
            if usd is not None:
                direct[(unit, month, _FOREIGN_FUNDS)] += sign * usd * points
            if signed is not None:
                cohort[(unit, signed[1], max(month, signed[1]))][2] += sign * yuan * points


def compute(rules: CountingRules, project_ids=None, *, tranches: bool = True, inputs: dict | None = None) -> dict:
    """Every fact of the given projects (all projects when None): {table: {cell: [value
    per column of TABLES]}}.

    ``tranches=False`` leaves out what the funds tranches add (资金到位, 外资, the cohorts'
    funds); ``inputs``, a dict, receives for each project what the tranches' facts depend on
    besides the tranches (see ``tranches_moved``)."""
    from zhaoshang.projects.models import ProjectCredit

    ids = None if project_ids is None else list(project_ids)
    if ids is not None and not (ids and _counts_anything(rules, ids)):
        return nothing()

    def only(queryset, path: str = "project_id"):
        return queryset if ids is None else queryset.filter(**{f"{path}__in": ids})

    with_land = {"project__land_mu__gt": 0, "project__fixed_asset_investment__isnull": False}
    signed = (
        only(_first_events(Stage.SIGNED, ALL_TIME, rules))
        .order_by()
        .annotate(
            yuan=as_yuan(Coalesce("amount", "project__total_investment")),
            big=ExpressionWrapper(big_signing(rules), output_field=BooleanField()),
            land=Case(When(**with_land, then=_hundredths("project__land_mu")), output_field=BigIntegerField()),
            assets=Case(
                When(**with_land, then=as_yuan(F("project__fixed_asset_investment"))), output_field=BigIntegerField()
            ),
            **{f"mix_{name}": F(path) for name, path in MIX_DIMENSIONS.items()},
        )
        .values_list(
            "project_id",
            "project__count_unit",
            signing_field(rules),
            "yuan",
            "big",
            "land",
            "assets",
            *(f"mix_{name}" for name in MIX_DIMENSIONS),
        )
    )
    signed = list(signed)
    reached = list(
        only(_first_events((Stage.STARTED, Stage.PRODUCTION), ALL_TIME, rules))
        .order_by()
        .annotate(big=ExpressionWrapper(big_project(rules, "project__"), output_field=BooleanField()))
        .values_list("project_id", "project__count_unit", "stage", "date", "big")
    )
    credits = defaultdict(list)
    for project_id, unit_id, points in only(
        ProjectCredit._base_manager.filter(project__merged_into__isnull=True).annotate(
            bp=_as_basis_points(F("percent"))
        )
    ).values_list("project_id", "unit_id", "bp"):
        if unit_id is not None and points:
            credits[project_id].append((unit_id, points))

    # Direct cells first (per unit, before any roll-up), then the pre-rolled and cumulative
    # rows from the cells: far fewer additions than spreading each row.
    direct = Counter()  # (unit, month, indicator)
    mixes = defaultdict(lambda: [0, 0])  # (unit, month, dimension, key): the unit's own count, amount
    cohort = defaultdict(lambda: [0] * 5)  # (unit, signed month, first month reached): COHORT columns
    cohort_of = {}  # project id → (count unit, signed month)
    for project_id, count_unit, day, yuan, big, land, assets, *keys in signed:
        month = _month_of(day)
        if month is None:
            continue
        if count_unit is not None:
            direct[(count_unit, month, _SIGNED_COUNT)] += 1
            if big:
                direct[(count_unit, month, _SIGNED_BIG_COUNT)] += 1
            cohort_of[project_id] = (count_unit, month)
            if land is not None:
                row = cohort[(count_unit, month, month)]
                row[3] += assets or 0
                row[4] += land
        shares = [(unit, (yuan or 0) * points) for unit, points in credits.get(project_id, ())]
        for unit, amount in shares:
            direct[(unit, month, _CONTRACTED_INVESTMENT)] += amount
        for name, key in zip(MIX_DIMENSIONS, keys, strict=True):
            if name in OPTIONAL_DIMENSIONS and not key:
                continue
            key = "" if key is None else str(key)
            if count_unit is not None:
                mixes[(count_unit, month, name, key)][0] += 1
            for unit, amount in shares:
                mixes[(unit, month, name, key)][1] += amount
    for project_id, count_unit, stage, day, big in reached:
        month = _month_of(day)
        if count_unit is None or month is None:
            continue
        started = stage == Stage.STARTED
        direct[(count_unit, month, _STARTED_COUNT if started else _PRODUCTION_COUNT)] += 1
        if started and big:
            direct[(count_unit, month, _STARTED_BIG_COUNT)] += 1
        if project_id in cohort_of:
            unit, signed_month = cohort_of[project_id]
            cohort[(unit, signed_month, max(month, signed_month))][0 if started else 1] += 1
    if tranches:
        _spread_tranches(*_tranche_sums(rules, ids), credits, cohort_of, direct, cohort)
    if inputs is not None and ids is not None:
        for project_id in ids:
            inputs[project_id] = (cohort_of.get(project_id), tuple(credits.get(project_id, ())))
    return _rolled(direct, mixes, cohort)


def _rolled(direct, mixes, cohort) -> dict:
    """The facts from the direct cells: pre-rolled over the units' ancestors, the cohorts
    cumulative to December of the signing year."""
    lineage = _lineage()
    indicator_rows, mix_rows, cohort_rows = {}, {}, {}
    for (unit, month, indicator), value in direct.items():
        if value:
            indicator_rows.setdefault((unit, month, indicator), [0, 0])[0] += value
            for ancestor in lineage.get(unit, (unit,)):
                indicator_rows.setdefault((ancestor, month, indicator), [0, 0])[1] += value
    for (unit, month, name, key), (count, amount) in mixes.items():
        for ancestor in lineage.get(unit, (unit,)):
            row = mix_rows.setdefault((ancestor, month, name, key), [0, 0])
            row[0] += count
            row[1] += amount
    for (unit, signed_month, first), values in cohort.items():
        # As of the end of each month from the first one reached to December of the
        # signing year (a period asked about ends in the year it starts in).
        if first.year == signed_month.year:
            for month in months_to_december(first):
                row = cohort_rows.setdefault((unit, signed_month, month), [0] * 5)
                for index, value in enumerate(values):
                    row[index] += value
    return {IND: indicator_rows, MIX: mix_rows, COHORT: cohort_rows}


# --- Writing the facts -------------------------------------------------------------------------


def nothing() -> dict:
    return {table: {} for table in TABLES}


def flat(facts: dict) -> Counter:
    """The facts keyed (table, *cell, column), zeros left out: for comparing and reading."""
    result = Counter()
    for table, cells in facts.items():
        columns = TABLES[table][2]
        for cell, row in cells.items():
            for column, value in zip(columns, row, strict=True):
                if value:
                    result[(table, *cell, column)] = value
    return result


def _add(total: dict, facts: dict, sign: int = 1) -> dict:
    """``total`` += sign × ``facts``, cell by cell (in place)."""
    for table, cells in facts.items():
        width = len(TABLES[table][2])
        into = total.setdefault(table, {})
        for cell, row in cells.items():
            target = into.setdefault(cell, [0] * width)
            for index, value in enumerate(row):
                target[index] += sign * value
    return total


def _minus(after: dict, before: dict) -> dict:
    return _add(_add(nothing(), after), before, -1)


def _upsert(table: str, cells: dict[tuple, list[int]], *, adding: bool = True) -> None:
    """One statement (per few hundred rows) for the whole change: new cells inserted,
    existing ones added to. SQLite ≥ 3.24 and PostgreSQL both read this ``ON CONFLICT``
    clause. ``adding=False`` (a rebuild, into empty tables): plain inserts, by executemany."""
    if not cells:
        return
    model, keys, values = TABLES[table]
    quote = connection.ops.quote_name
    name = quote(model._meta.db_table)
    columns = [*keys, *values]
    insert = f"INSERT INTO {name} ({', '.join(quote(column) for column in columns)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    rows = [(*cell, *row) for cell, row in cells.items()]
    with connection.cursor() as cursor:
        if not adding:
            cursor.executemany(insert + one, rows)
            return
        updates = ", ".join(f"{quote(column)} = {name}.{quote(column)} + excluded.{quote(column)}" for column in values)
        conflict = f" ON CONFLICT ({', '.join(quote(column) for column in keys)}) DO UPDATE SET {updates}"
        size = max(1, (connection.features.max_query_params or 999) // len(columns))
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(insert + ", ".join([one] * len(batch)) + conflict, [value for row in batch for value in row])


def apply(delta: dict) -> None:
    """Add ``delta`` (which may be negative) to the stored roll-up: one upsert per table."""
    for table, cells in delta.items():
        _upsert(table, {cell: row for cell, row in cells.items() if any(row)})


def stored() -> Counter:
    """The stored roll-up, keyed as ``compute`` keys it (zeros left out)."""
    facts = Counter()
    for table, (model, keys, values) in TABLES.items():
        for row in model.objects.values_list(*keys, *values).iterator(chunk_size=20000):
            cell = row[: len(keys)]
            for column, value in zip(values, row[len(keys) :], strict=True):
                if value:
                    facts[(table, *cell, column)] = value
    return facts


def compute_all(rules: CountingRules) -> dict:
    """Every fact: the projects' and the trips' (``stats.tripfacts``)."""
    from zhaoshang.fieldwork.models import Trip
    from zhaoshang.stats import tripfacts

    everything = compute(rules)
    # (A migration of stats may run before fieldwork's tables exist: no trips then.)
    if Trip._meta.db_table in connection.introspection.table_names():
        _add(everything, tripfacts.compute())
    return everything


@transaction.atomic
def rebuild() -> int:
    """Recompute the whole roll-up; the number of rows written."""
    rows = compute_all(CountingRules.from_settings())
    # SQLite: the covering indexes are dropped while the tables refill and made again after,
    # one sort each instead of 600,000 inserts in random order into them (≈ 3 s). All of it
    # inside the rebuild's transaction: readers keep the old tables and indexes until it
    # commits. Not on PostgreSQL, where dropping an index locks the table against readers.
    editor = connection.SchemaEditorClass(connection, collect_sql=True)  # only writes the SQL
    editor.deferred_sql = []  # (entering the editor would switch foreign keys off: not here)
    indexes = [(model, index) for model, _, _ in TABLES.values() for index in model._meta.indexes]
    with connection.cursor() as cursor:
        # A plain DELETE of the whole table (SQLite truncates it; Django's delete() took 5 s
        # for 600,000 facts at province scale).
        for model, _, _ in TABLES.values():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        if connection.vendor == "sqlite":
            for model, index in indexes:
                cursor.execute(str(index.remove_sql(model, editor)))
        for table, cells in rows.items():  # in the order of the unique index: appends to its B-tree
            _upsert(table, {cell: cells[cell] for cell in sorted(cells) if any(cells[cell])}, adding=False)
        if connection.vendor == "sqlite":
            for model, index in indexes:
                cursor.execute(str(index.create_sql(model, editor)))
    return sum(len(cells) for cells in rows.values())


def differences(limit: int = 20) -> list[tuple[tuple, int, int]]:
    """(key, stored, recomputed) where the roll-up and a recomputation disagree."""
    mine, truth = stored(), flat(compute_all(CountingRules.from_settings()))
    keys = sorted({key for key in mine | truth if mine[key] != truth[key]}, key=str)
    return [(key, mine[key], truth[key]) for key in keys[:limit]]


def describe(key: tuple) -> str:
    """A fact's key in words, for ``rebuild_stats --check``."""
    table, unit, *cell, column = key
    model = TABLES[table][0]
    label = model._meta.get_field(column).verbose_name
    if table == IND:
        month, indicator = cell
        return f"{model._meta.verbose_name} 单位 {unit} {month:%Y-%m} {Indicator(indicator).label}（{label}）"
    if table == MIX:
        month, dimension, value = cell
        return f"{model._meta.verbose_name} 单位 {unit} {month:%Y-%m} {dimension}「{value}」（{label}）"
    signed_month, month = cell
    return f"{model._meta.verbose_name} 单位 {unit} {signed_month:%Y-%m}签约、截至{month:%Y-%m}（{label}）"


# --- Write by write --------------------------------------------------------------------------


def _project_ids(instance) -> set[int]:
    from zhaoshang.accounts.models import Unit
    from zhaoshang.projects.models import Project, ProjectCredit
    from zhaoshang.relations.models import Company

    if isinstance(instance, Project):
        return {instance.pk} if instance.pk else set()
    if isinstance(instance, Company):  # its home region is the investors' province
        return set(Project._base_manager.filter(investor=instance.pk).values_list("pk", flat=True))
    if isinstance(instance, Unit):  # a unit moved: its projects' facts move up another branch
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
    *("land_mu", "fixed_asset_investment"),  # 投资强度
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
    ids = _project_ids(instance)
    if not ids:
        return
    block = bulk.current()
    if block is not None:  # the block's end brings these projects up to date (below)
        if instance._meta.label_lower in block.untouched:
            raise RuntimeError(f"{instance._meta.label} written in a block that promised not to write it")
        block.include(ids)
        return
    instance.__dict__["_stats_before"] = (ids, compute(CountingRules.from_settings(), ids))


def after_write(sender, instance, raw=False, **kwargs):
    state = instance.__dict__.pop("_stats_before", None)
    if raw or state is None:
        return
    ids, before = state
    apply(_minus(compute(CountingRules.from_settings(), ids), before))


STATE = "stats"
TRANCHES = "funds.fundstranche"


def _no_tranches_written(block) -> bool:
    """The block promised not to write funds tranches (project edits, their stage events):
    what the tranches add can then move only where a project's cohort or credit shares
    moved, and the two million tranches' share of the work is left out of the rest."""
    return TRANCHES in block.untouched


def before_block(sender, block, project_ids, **kwargs):
    """Projects a ``writing_together`` block is about to write: their facts as stored."""
    if not enabled():
        return
    rules, total = CountingRules.from_settings(), block.state.setdefault(STATE, nothing())
    if _no_tranches_written(block):
        inputs = block.state.setdefault(f"{STATE}_inputs", {})
        _add(total, compute(rules, project_ids, tranches=False, inputs=inputs))
    else:
        _add(total, compute(rules, project_ids))


def after_block(sender, block, project_ids, **kwargs):
    """The block is done: the difference of all its projects' facts, added once."""
    if not enabled() or not project_ids:
        return
    rules, before = CountingRules.from_settings(), block.state.get(STATE, nothing())
    if not _no_tranches_written(block):
        apply(_minus(compute(rules, project_ids), before))
        return
    inputs = {}
    delta = _minus(compute(rules, project_ids, tranches=False, inputs=inputs), before)
    apply(_add(delta, tranches_moved(rules, block.state.get(f"{STATE}_inputs", {}), inputs)))


def tranches_moved(rules: CountingRules, before: dict, after: dict) -> dict:
    """What unchanged tranches add differently once their projects' cohort (count unit,
    signing month) or credit shares changed: {project id: (cohort, shares)} before and
    after, as ``compute(inputs=...)`` gives them."""
    nobody = (None, ())
    moved = [pk for pk in before.keys() | after.keys() if before.get(pk, nobody) != after.get(pk, nobody)]
    if not moved:
        return nothing()
    yuan_of, usd_of = _tranche_sums(rules, moved)
    direct, cohort = Counter(), defaultdict(lambda: [0] * 5)
    for inputs, sign in ((after, 1), (before, -1)):
        credits = {pk: list(inputs.get(pk, nobody)[1]) for pk in moved}
        cohort_of = {pk: inputs[pk][0] for pk in moved if inputs.get(pk, nobody)[0] is not None}
        _spread_tranches(yuan_of, usd_of, credits, cohort_of, direct, cohort, sign)
    return _rolled(direct, {}, cohort)


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
    """Called by ``StatsConfig.ready``: the roll-up listens to the rows it is computed from."""
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
    bulk.projects_writing.connect(before_block, dispatch_uid="stats_rollup_block_before")
    bulk.projects_written.connect(after_block, dispatch_uid="stats_rollup_block_after")
    from zhaoshang.stats import tripfacts

    tripfacts.connect()
