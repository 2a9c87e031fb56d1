"""Time the warning scan (预警扫描) on the generated dataset (issue 5: ≤ 60 s at 200,000 projects).

    bench/run.sh --skip-import ...       # generate bench/out/bench-<scale>.sqlite3 first if needed
    ZHAOSHANG_SQLITE_PATH=bench/out/bench-1.0.sqlite3 .venv/bin/python bench/warning_scan.py [--date 2026-01-15]

1. A first scan on an empty warnings table (every warning is new: the worst case).
2. The same scan again (the daily run when nothing changed: nothing is written).
3. The scan a month later (levels change, some warnings clear, some appear).
Each with the time per kind. The dataset's dates end on 2025-12-31, so the scan date is a
parameter (default 2026-01-15). Results go to bench/out/results-warnings-<database>.json.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from zhaoshang.alerts import registry, services  # noqa: E402
from zhaoshang.alerts.models import Warning, WarningRule  # noqa: E402
from zhaoshang.projects.models import Project  # noqa: E402


def timed_scan(today: datetime.date) -> dict:
    times = {}
    marks = {"started": time.perf_counter(), "last": None, "kind": None}

    def progress(index, total, spec):
        now = time.perf_counter()
        if marks["kind"] is not None:
            times[marks["kind"]] = round(now - marks["last"], 2)
        marks["kind"], marks["last"] = spec.kind, now

    result = services.scan(today=today, progress=progress)
    now = time.perf_counter()
    times[marks["kind"]] = round(now - marks["last"], 2)
    return {
        "date": today.isoformat(),
        "seconds": round(now - marks["started"], 2),
        "per_kind_seconds": times,
        "created": result.total("created"),
        "changed": result.total("changed"),
        "cleared": result.total("cleared"),
        "open": result.total("open"),
        "open_by_kind_level": {
            f"{kind} {level}": n
            for kind, level, n in Warning.objects.filter(status="open")
            .values_list("kind", "level")
            .annotate(n=Count("pk"))
            .order_by("kind", "level")
        },
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--date", default="2026-01-15", help="scan date (the generated data ends on 2025-12-31)")
    args = parser.parse_args()
    today = datetime.date.fromisoformat(args.date)
    call_command("migrate", verbosity=0)  # a dataset generated before the alerts app has no tables yet
    WarningRule.objects.all().delete()  # the rules as shipped (their current defaults)
    services.ensure_rules()
    Warning.objects.all().delete()
    if connection.vendor == "postgresql":
        # A first scan meets an empty, fresh table: vacuum away the rows of earlier runs,
        # whose dead index entries every insert would otherwise step over.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Warning._meta.db_table}")
    projects = Project.objects.count()
    print(f"{connection.vendor}: {projects} projects; kinds: {', '.join(s.kind for s in registry.all_kinds())}")
    runs = {}
    for label, date in (
        ("first scan (all new)", today),
        ("same day again (idempotent)", today),
        ("a month later", today + datetime.timedelta(days=30)),
    ):
        runs[label] = timed_scan(date)
        run = runs[label]
        print(
            f"{label:30} {run['seconds']:7.2f} s  created {run['created']:>7}  changed {run['changed']:>7}  "
            f"cleared {run['cleared']:>7}  open {run['open']:>7}  {run['per_kind_seconds']}"
        )
    print(json.dumps(runs[next(iter(runs))]["open_by_kind_level"], ensure_ascii=False))
    out = ROOT / "bench" / "out" / f"results-warnings-{connection.vendor}.json"
    out.write_text(json.dumps({"projects": projects, "runs": runs}, ensure_ascii=False, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
