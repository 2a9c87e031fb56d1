"""Time the monthly bulletin for a city of 300 units (issue 5: ≤ 5 s).

    python bench/bulletin.py [--projects 20000] [--tranches 100000] [--repeat 5]

Builds its own deterministic city in a fresh SQLite file (bench/out/bulletin.sqlite3, made
again on every run): 示范市 → 市本级 (10 departments and zones) and 12 counties, each with a
bureau, a park and 21 towns (300 units); 20,000 projects over 2024–2025 with verified
signing and start events, agreed start dates (so some are signed-not-started), credit
shares, 100,000 verified tranches and a target for every unit and indicator. Rows go in
with bulk inserts (a fixture: no audit rows), then ``rebuild_stats`` fills the roll-up as
it would be in a running system.

Timed: the 1—10月 2025 bulletin of the city as the bureau — generate (statistics table,
narrative, lists) + render .docx + render .xlsx — median of ``--repeat`` runs after a
warm-up; and one publication (the same plus storing the snapshot and files).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
OUT.mkdir(parents=True, exist_ok=True)
DATABASE = OUT / "bulletin.sqlite3"
for suffix in ("", "-wal", "-shm"):
    Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
sys.path.insert(0, str(ROOT))
os.environ["ZHAOSHANG_SQLITE_PATH"] = str(DATABASE)
os.environ["ZHAOSHANG_MEDIA_ROOT"] = str(OUT / "bulletin-media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from zhaoshang.accounts.models import Unit, User  # noqa: E402
from zhaoshang.projects.models import Project, ProjectCredit, StageEvent  # noqa: E402

YEAR, MONTH = 2025, 10


def build_city() -> list[Unit]:
    """300 units: city, 市本级 + 10, and 12 counties × (county, bureau, park, 21 towns)."""
    city = Unit.objects.create(code="BC", name="示范市", type="city")
    city_level = Unit.objects.create(code="BC-SBJ", name="市本级", type="city_level", parent=city, sort_order=1)
    for index in range(10):
        kind = "zone" if index < 4 else "department"
        Unit.objects.create(code=f"BC-SBJ-{index:02d}", name=f"市直单位{index + 1}", type=kind, parent=city_level)
    for c in range(1, 13):
        county = Unit.objects.create(code=f"BC-K{c:02d}", name=f"第{c}县", type="county", parent=city, sort_order=c + 1)
        Unit.objects.create(code=f"BC-K{c:02d}-TCJ", name=f"第{c}县投促局", type="department", parent=county)
        Unit.objects.create(code=f"BC-K{c:02d}-YQ", name=f"第{c}县园区", type="zone", parent=county)
        for t in range(1, 22):
            Unit.objects.create(code=f"BC-K{c:02d}-T{t:02d}", name=f"第{c}县第{t}镇", type="town", parent=county)
    units = list(Unit.objects.all())
    assert len(units) == 300, len(units)
    return units


def build_data(rng: random.Random, units: list[Unit], n_projects: int, n_tranches: int) -> None:
    from bench.generate import insert_rows
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.stats.choices import Indicator
    from zhaoshang.targets.models import Target

    leaves = [unit for unit in units if unit.type in ("town", "zone", "department")]
    projects = []
    for index in range(n_projects):
        unit = rng.choice(leaves)
        total = Decimal(int(500 * (1 / max(rng.random(), 0.002)) ** 0.8) // 100 * 100 or 100)
        signed = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(700))
        started = signed + datetime.timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.6 else None
        projects.append(
            Project(
                code=f"BC-{index:06d}",
                name=f"第{index}号招商项目",
                responsible_unit_id=unit.pk,
                count_unit_id=unit.pk,
                total_investment=total,
                stage="started" if started else "signed",
                verified_stage="started" if started else "signed",
                signed_on=signed,
                started_on=started,
                agreed_start_on=signed + datetime.timedelta(days=rng.randrange(60, 240)),
                is_key=total >= 10000,
                construction_nature="new",
            )
        )
    Project.objects.bulk_create(projects, batch_size=5000)
    credits, events = [], []
    for pk, unit_id, signed, started, total in Project.objects.values_list(
        "pk", "responsible_unit_id", "signed_on", "started_on", "total_investment"
    ):
        credits.append(ProjectCredit(project_id=pk, unit_id=unit_id, percent=Decimal(100)))
        events.append(StageEvent(project_id=pk, stage="signed", date=signed, amount=total, status="verified"))
        if started:
            events.append(StageEvent(project_id=pk, stage="started", date=started, status="verified"))
    ProjectCredit.objects.bulk_create(credits, batch_size=5000)
    StageEvent.objects.bulk_create(events, batch_size=5000)

    ops = connection.ops
    signed = list(Project.objects.values_list("pk", "signed_on"))
    submitted = ops.adapt_datetimefield_value(datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC))

    def tranches():
        for index in range(n_tranches):
            pk, signed_on = signed[rng.randrange(len(signed))]
            date = signed_on + datetime.timedelta(days=rng.randrange(1, 300))
            amount = Decimal(rng.randrange(10, 3000))
            yield [1, pk, ops.adapt_datefield_value(date), ops.adapt_decimalfield_value(amount, 18, 4), "domestic",
                   None, "outside_province", "宁波", f"PZ{index:08d}", "", "verified", "", submitted, submitted, False]  # fmt: skip

    columns = [
        "version", "project_id", "date", "amount", "kind", "amount_usd", "source", "source_region", "voucher_no",
        "note", "status", "return_reason", "submitted_at", "verified_at", "verified_by_import",
    ]  # fmt: skip
    insert_rows(FundsTranche, columns, tranches())
    base = {  # a leaf's year, roughly what the generated data gives it (the foreign figure has none)
        Indicator.SIGNED_COUNT: 36, Indicator.SIGNED_BIG_COUNT: 1, Indicator.CONTRACTED_INVESTMENT: 70000,
        Indicator.FUNDS_IN_PLACE: 280000, Indicator.STARTED_COUNT: 22, Indicator.STARTED_BIG_COUNT: 1,
        Indicator.PRODUCTION_COUNT: 0,
    }  # fmt: skip
    weights = {0: 300, 1: 24}  # the city and a county carry their subtree's targets
    Target.objects.bulk_create(
        Target(year=YEAR, unit_id=unit.pk, indicator=indicator, value=Decimal(value * weights.get(unit.depth, 1)))
        for unit in units
        for indicator, value in base.items()
        if value
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=20000)
    parser.add_argument("--tranches", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        units = build_city()
        build_data(random.Random(20261201), units, args.projects, args.tranches)
    call_command("rebuild_stats", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    bureau_unit = Unit.objects.get(code="BC-SBJ-04")
    bureau = User(username="bench_bureau", role="bureau", unit=bureau_unit, name="招商局")
    bureau.set_password("Bench@2026zs")
    bureau.save()
    print(f"city: {len(units)} units, {args.projects} projects, {args.tranches} tranches "
          f"({time.perf_counter() - started:.0f}s to build)")  # fmt: skip

    from zhaoshang.bulletins import documents, services
    from zhaoshang.bulletins.models import Bulletin

    city = Unit.objects.get(code="BC")
    draft = services.create_draft(
        bureau,
        Bulletin(kind="monthly", year=YEAR, month=MONTH, scope=city, issuer="示范市投资促进局",
                 issue_date=datetime.date(YEAR, MONTH + 1, 5)),
    )  # fmt: skip

    def run():
        timings = {}
        moment = time.perf_counter()
        generated = services.generate(draft, bureau)
        timings["generate"] = time.perf_counter() - moment
        moment = time.perf_counter()
        docx = documents.render_docx(generated.content)
        timings["docx"] = time.perf_counter() - moment
        moment = time.perf_counter()
        xlsx = documents.render_xlsx(generated.content, generated.result)
        timings["xlsx"] = time.perf_counter() - moment
        timings["total"] = sum(timings.values())
        return timings, len(docx), len(xlsx)

    run()  # warm-up
    runs = [run() for _ in range(args.repeat)]
    for key in ("generate", "docx", "xlsx", "total"):
        print(f"{key:>9}: median {statistics.median(r[0][key] for r in runs) * 1000:7.0f} ms, "
              f"max {max(r[0][key] for r in runs) * 1000:7.0f} ms")  # fmt: skip
    print(f"files: docx {runs[0][1] // 1024} KB, xlsx {runs[0][2] // 1024} KB")
    moment = time.perf_counter()
    services.publish(bureau, draft)
    print(f"  publish: {(time.perf_counter() - moment) * 1000:7.0f} ms (generate + render + store snapshot and files)")
    content = Bulletin.objects.get(pk=draft.pk).snapshot.content
    print(content["sections"][0]["blocks"][0]["text"][:200] + "…")


if __name__ == "__main__":
    main()
