"""The dashboard's 签约未开工 count and warnings block with the warnings table filled, before
and after issue 12's fix, run alternately on the same dataset and load (bench/README.md).

    ZHAOSHANG_SQLITE_PATH=bench/out/bench-1.0.sqlite3 .venv/bin/python bench/dashboard_warnings.py [--repeat 10]

Run it after ``bench/stats.py --warnings`` has filled the warnings table (on a copy). "Before"
is the code as it was: every signed-not-started project loaded (with the rule's join of
every event for ``first_signed_on``) to be counted, and a unit's warnings counted through
the (status, kind, level) index SQLite preferred (forced here with INDEXED BY, since the
migration replaced the (unit, status) index it did not use).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from zhaoshang.accounts.models import User  # noqa: E402
from zhaoshang.alerts.services import warning_summary  # noqa: E402
from zhaoshang.dashboard.services import _scoped_projects, resolve_scope  # noqa: E402
from zhaoshang.stats import services as stats  # noqa: E402


def before_not_started(projects, rules):
    return len(list(projects.filter(pk__in=stats.signed_not_started(stats.today(), rules).values("pk")).only("pk")))


def after_not_started(projects, rules):
    return (
        stats.signed_not_started(stats.today(), rules, first_signed_on=False)
        .filter(pk__in=projects.values("pk"))
        .count()
    )


def before_warnings(unit_ids):
    sql = "SELECT kind, level, COUNT(id) FROM alerts_warning INDEXED BY alerts_warn_status_5e9982_idx WHERE status = 'open'"
    params = []
    if unit_ids is not None:
        sql += f" AND unit_id IN ({', '.join('%s' for _ in unit_ids)})"
        params = list(unit_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY 1, 2", params)
        return sorted(cursor.fetchall())


def after_warnings(unit_ids):
    summary = warning_summary(unit_ids)
    return summary.red + summary.yellow


def median_ms(function, repeat):
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    rules = stats.CountingRules.from_settings()
    report = {}
    for username in ("bench_bureau", "bench_town"):
        user = User.objects.get(username=username)
        scope = resolve_scope(user)
        projects = _scoped_projects(user, scope)
        assert before_not_started(projects, rules) == after_not_started(projects, rules)
        before = sum(n for _, _, n in before_warnings(scope.unit_ids))
        assert before == after_warnings(scope.unit_ids), "the same warnings counted"
        report[username] = {
            "signed_not_started": after_not_started(projects, rules),
            "open_warnings": before,
            "not_started_before_ms": median_ms(lambda p=projects: before_not_started(p, rules), args.repeat),
            "not_started_after_ms": median_ms(lambda p=projects: after_not_started(p, rules), args.repeat),
            "warnings_before_ms": median_ms(lambda s=scope: before_warnings(s.unit_ids), args.repeat),
            "warnings_after_ms": median_ms(lambda s=scope: after_warnings(s.unit_ids), args.repeat),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
