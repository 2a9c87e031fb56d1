# ruff: noqa: S608 - benchmark SQL built from constants and dates of our own
"""Time the statistics engine on the generated dataset, and the same aggregates in DuckDB.

    ZHAOSHANG_SQLITE_PATH=bench/out/bench-1.0.sqlite3 python bench/stats.py [--repeat 5]

1. The all-units table (issue 4): every unit of the province (≈2,000) × the 8 indicators
   for 2025, with last year's values, targets, completion and ranks — ``stats.services.unit_table``.
2. The pages that show statistics, through Django's test client, for the bureau and a town
   officer, when they are installed (the dashboard, the statistics table).
   With ``--warnings`` the warning scan (alerts.services.scan, dated 2026-01-15 as in
   bench/warning_scan.py) first fills the warnings table, as a deployment's daily scan
   has it (≈240,000 open warnings at this scale): the dashboard's warning block reads it.
   The scan WRITES: run it on a copy of the dataset, never on the shared original.
   ``--pages-only`` times the pages alone (no all-units table, no DuckDB); ``--only
   dashboard`` (or ``statistics``) one of them.
3. DuckDB: the same direct values for the same periods plus the roll-up over the unit tree,
   on a copy of the same rows loaded into an in-memory DuckDB database (load time not
   counted). Every value DuckDB computes is compared with ours; the ratio of the times
   (ours ÷ DuckDB's) is printed.
"""

import argparse
import csv
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from zhaoshang.accounts.models import Unit, User  # noqa: E402
from zhaoshang.stats.choices import PROJECT_INDICATORS  # noqa: E402
from zhaoshang.stats.ratios import Ratio, ratio_cells, ratio_value  # noqa: E402
from zhaoshang.stats.services import CountingRules, Period, unit_table  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
YEAR = 2025


def median_ms(function, repeat: int) -> tuple[float, object]:
    result = function()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1), result


def bench_table(repeat: int):
    units = list(Unit.objects.order_by("path"))
    # The 8 project indicators DuckDB recomputes; trips have their own bench (bench/trips.py).
    indicators = [indicator.value for indicator in PROJECT_INDICATORS]
    period = Period.year(YEAR)
    ms, table = median_ms(lambda: unit_table(units, indicators, period), repeat)
    return {"units": len(units), "indicators": len(indicators), "median_ms": ms}, table


PAGES = [
    # The generated data covers 2023–2025: the dashboard for 2025 (1–12月, last year 2024).
    ("dashboard (1–12月 of the last generated year)", ["dashboard:index"], f"?kind=ytd&year={YEAR}&month=12"),
    ("statistics table (a year, all counties)", ["stats:table"], f"?year={YEAR}&first=1&last=12"),
    ("statistics table with the five ratios", ["stats:table"], f"?year={YEAR}&first=1&last=12&ratios=all"),
    # The default table has the trip columns (issue 15); without them (the default before),
    # and the trip columns alone.
    (
        "statistics table without the trip columns",
        ["stats:table"],
        f"?year={YEAR}&first=1&last=12&"
        + "&".join(f"indicators={indicator.value}" for indicator in PROJECT_INDICATORS),
    ),
    (
        "statistics table, the three trip columns only",
        ["stats:table"],
        f"?year={YEAR}&first=1&last=12&ratios=none&indicators=trips&indicators=trips_senior_led"
        "&indicators=trips_independent",
    ),
]


def bench_pages(repeat: int, only: str = ""):
    results = {}
    for label, names, query in PAGES:
        if only and only not in label:
            continue
        url = None
        for name in names:
            try:
                url = reverse(name)
                break
            except NoReverseMatch:
                continue
        if url is None:
            results[label] = "not installed"
            continue
        for username in ("bench_bureau", "bench_town"):
            client = Client()
            client.force_login(User.objects.get(username=username))

            def call(client=client, url=url + query):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            results[f"{label} · {username}"] = {"median_ms": median_ms(call, repeat)[0]}
    return results


SCAN_DATE = datetime.date(2026, 1, 15)  # the generated data ends on 2025-12-31 (bench/warning_scan.py)


def fill_warnings() -> dict:
    """Open warnings as the daily scan leaves them: scan once unless a scan already did."""
    from django.core.management import call_command

    from zhaoshang.alerts import services
    from zhaoshang.alerts.models import Warning

    call_command("migrate", verbosity=0)  # a dataset generated before the alerts app has no tables yet
    scanned_s = None
    if not Warning.objects.filter(status="open").exists():
        services.ensure_rules()
        started = time.perf_counter()
        services.scan(today=SCAN_DATE)
        scanned_s = round(time.perf_counter() - started, 1)
    return {"open": Warning.objects.filter(status="open").count(), "scan_s": scanned_s}


# --- DuckDB ---------------------------------------------------------------------------------

TABLES = {
    "units": "SELECT id, parent_id, path FROM accounts_unit",
    "projects": "SELECT id, count_unit_id, merged_into_id, total_investment FROM projects_project",
    "credits": "SELECT project_id, unit_id, percent FROM projects_projectcredit",
    "events": "SELECT id, project_id, stage, date, amount, status, is_supplementary FROM projects_stageevent",
    "tranches": "SELECT project_id, date, amount, kind, amount_usd, status FROM funds_fundstranche",
}
SCHEMA = {
    "units": "id BIGINT, parent_id BIGINT, path VARCHAR",
    "projects": "id BIGINT, count_unit_id BIGINT, merged_into_id BIGINT, total_investment DECIMAL(18,4)",
    "credits": "project_id BIGINT, unit_id BIGINT, percent DECIMAL(7,2)",
    "events": "id BIGINT, project_id BIGINT, stage VARCHAR, date DATE, amount DECIMAL(18,4), status VARCHAR, "
    "is_supplementary BOOLEAN",
    "tranches": "project_id BIGINT, date DATE, amount DECIMAL(18,4), kind VARCHAR, amount_usd DECIMAL(18,4), "
    "status VARCHAR",
}


def load_duckdb():
    import duckdb

    database = duckdb.connect()
    folder = Path(tempfile.mkdtemp(prefix="zhaoshang-duck-"))
    for name, sql in TABLES.items():
        path = folder / f"{name}.csv"
        with connection.cursor() as cursor, open(path, "w", newline="") as handle:
            cursor.execute(sql)
            writer = csv.writer(handle)
            while rows := cursor.fetchmany(50000):
                writer.writerows(["" if value is None else value for value in row] for row in rows)
        columns = ", ".join(f"'{c.split()[0]}': '{' '.join(c.split()[1:])}'" for c in SCHEMA[name].split(", "))
        database.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=false, columns={{{columns}}}, nullstr='')"
        )
        path.unlink()
    folder.rmdir()
    return database


def duckdb_direct(database, period_start, period_end, rules: CountingRules) -> dict[str, dict[int, Decimal]]:
    """The 8 indicators' direct values by unit, by the rules of stats.services (as SQL)."""
    statuses = ", ".join(f"'{status}'" for status in rules.statuses)
    big = str(rules.big_threshold_wan)
    window = f"DATE '{period_start}' AND DATE '{period_end}'"
    first = f"""
        WITH first_events AS (
            SELECT e.*, row_number() OVER (PARTITION BY e.project_id, e.stage ORDER BY e.date, e.id) AS n
            FROM events e WHERE e.status IN ({statuses}) AND NOT e.is_supplementary
        )
        SELECT f.*, p.count_unit_id, p.total_investment FROM first_events f
        JOIN projects p ON p.id = f.project_id AND p.merged_into_id IS NULL
        WHERE f.n = 1 AND f.date BETWEEN {window}
    """
    shared = "SUM(CAST(ROUND({amount} * 10000) AS HUGEINT) * CAST(ROUND(c.percent * 100) AS HUGEINT))"
    queries = {
        "signed_count": f"SELECT count_unit_id, COUNT(*) FROM ({first}) WHERE stage = 'signed' GROUP BY 1",
        "signed_big_count": f"SELECT count_unit_id, COUNT(*) FROM ({first}) WHERE stage = 'signed' "
        f"AND COALESCE(amount, total_investment) >= {big} GROUP BY 1",
        "contracted_investment": f"SELECT c.unit_id, {shared.format(amount='COALESCE(f.amount, f.total_investment)')} "
        f"FROM ({first}) f JOIN credits c ON c.project_id = f.project_id WHERE f.stage = 'signed' GROUP BY 1",
        "funds_in_place": f"SELECT c.unit_id, {shared.format(amount='t.amount')} FROM tranches t "
        f"JOIN projects p ON p.id = t.project_id AND p.merged_into_id IS NULL JOIN credits c ON c.project_id = t.project_id "
        f"WHERE t.status IN ({statuses}) AND t.date BETWEEN {window} GROUP BY 1",
        "foreign_funds": f"SELECT c.unit_id, {shared.format(amount='t.amount_usd')} FROM tranches t "
        f"JOIN projects p ON p.id = t.project_id AND p.merged_into_id IS NULL JOIN credits c ON c.project_id = t.project_id "
        f"WHERE t.status IN ({statuses}) AND t.kind = 'foreign' AND t.amount_usd IS NOT NULL "
        f"AND t.date BETWEEN {window} GROUP BY 1",
        "started_count": f"SELECT count_unit_id, COUNT(*) FROM ({first}) WHERE stage = 'started' GROUP BY 1",
        "started_big_count": f"SELECT count_unit_id, COUNT(*) FROM ({first}) WHERE stage = 'started' "
        f"AND total_investment >= {big} GROUP BY 1",
        "production_count": f"SELECT count_unit_id, COUNT(*) FROM ({first}) WHERE stage = 'production' GROUP BY 1",
    }
    scale = {"contracted_investment", "funds_in_place", "foreign_funds"}
    result = {}
    for indicator, sql in queries.items():
        rollup = f"""
            WITH direct(unit_id, value) AS ({sql})
            SELECT a.id, SUM(d.value) FROM units a JOIN units u ON starts_with(u.path, a.path)
            JOIN direct d ON d.unit_id = u.id GROUP BY a.id
        """
        rows = database.execute(rollup).fetchall()
        divisor = Decimal(100_000_000) if indicator in scale else Decimal(1)
        result[indicator] = {unit: Decimal(int(value)) / divisor for unit, value in rows}
    return result


def bench_duckdb(table, repeat: int):
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return {"skipped": "duckdb is not installed (pip install -r bench/requirements.txt)"}
    started = time.perf_counter()
    database = load_duckdb()
    load_s = round(time.perf_counter() - started, 1)
    rules = CountingRules.from_settings()
    period = Period.year(YEAR)
    last = period.same_period_last_year()

    def both_years():
        return duckdb_direct(database, period.start, period.end, rules), duckdb_direct(
            database, last.start, last.end, rules
        )

    ms, (now, before) = median_ms(both_years, repeat)
    mismatches = []
    for row in table.rows:
        for indicator, cell in row.cells.items():
            for mine, theirs in ((cell.value, now[indicator]), (cell.last_year, before[indicator])):
                if mine != theirs.get(row.unit.pk, Decimal(0)):
                    mismatches.append((row.unit.code, indicator, str(mine), str(theirs.get(row.unit.pk))))
    return {"load_s": load_s, "median_ms": ms, "mismatches": len(mismatches), "first_mismatches": mismatches[:5]}


def bench_ratios(repeat: int):
    """The five ratios (issue 12: ≤ 150 ms from the roll-up) for a year and for 1—7月: every
    unit's subtree ranked (``ratio_cells``, this year and last), the cities as the bureau's
    statistics table shows them, and the province's own value; then the same from the rows
    (``parts_from_rows``, once), compared part by part."""
    from zhaoshang.stats import ratios

    every = list(Ratio)
    units = list(Unit.objects.order_by("path"))
    province = next(unit for unit in units if unit.parent_id is None)
    cities = [unit for unit in units if unit.parent_id == province.pk]
    results = {}
    for label, period in (("year", Period.year(YEAR)), ("1—7月", Period.months(YEAR, 1, 7))):
        results[f"all units · {label}"] = {
            "units": len(units),
            "median_ms": median_ms(lambda period=period: ratio_cells(units, every, period), repeat)[0],
        }
        results[f"cities · {label}"] = {
            "units": len(cities),
            "median_ms": median_ms(lambda period=period: ratio_cells(cities, every, period), repeat)[0],
        }
        results[f"province value, each ratio · {label}"] = {
            "median_ms": median_ms(
                lambda period=period: [ratio_value(ratio, province, period) for ratio in every], repeat
            )[0]
        }
    period = Period.year(YEAR)
    mismatches, started = [], time.perf_counter()
    for ratio in every:
        from_rows = ratios.parts_from_rows(ratio, period)
        for mine, theirs in zip(ratios.parts(ratio, period), from_rows, strict=True):
            for unit in set(mine) | set(theirs):
                if mine.get(unit, 0) != theirs.get(unit, 0):
                    mismatches.append((ratio.value, unit, str(mine.get(unit)), str(theirs.get(unit))))
    results["from rows (reference), all five, s"] = round(time.perf_counter() - started, 1)
    results["mismatches"] = len(mismatches)
    results["first_mismatches"] = mismatches[:5]
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--warnings", action="store_true", help="fill the warnings table by a scan first (writes: use a copy)"
    )
    parser.add_argument("--pages-only", action="store_true", help="time the pages only")
    parser.add_argument(
        "--only", default="", help="time only the pages whose label contains this (dashboard, statistics)"
    )
    parser.add_argument("--ratios-only", action="store_true", help="only the ratio indicators")
    args = parser.parse_args()
    from zhaoshang.funds.models import FundsTranche

    if args.ratios_only:
        report = {"database": connection.vendor, "ratios": bench_ratios(args.repeat)}
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return

    report = {
        "database": connection.vendor,
        "date": datetime.date.today().isoformat(),
        "tranches": FundsTranche.objects.count(),
    }
    if args.warnings:
        report["warnings"] = fill_warnings()
    if not args.pages_only:
        report["unit_table"], table = bench_table(args.repeat)
    report["pages"] = bench_pages(args.repeat * 3, args.only)
    if args.pages_only:
        report["duckdb"] = {"skipped": "--pages-only"}
    else:
        report["ratios"] = bench_ratios(args.repeat)
        report["duckdb"] = bench_duckdb(table, args.repeat)
    if "median_ms" in report["duckdb"]:
        report["ratio_ours_to_duckdb"] = round(report["unit_table"]["median_ms"] / report["duckdb"]["median_ms"], 2)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    suffix = "-warnings" if args.warnings else ""
    out = ROOT / "bench" / "out" / f"stats-{connection.vendor}{suffix}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
