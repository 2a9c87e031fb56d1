"""manage.py load_reference [--only divisions,industries,holidays]

Loads the reference data shipped in zhaoshang/reference/data (see its README for the
sources). Idempotent: rows already present are left alone, so running it again changes
nothing, and holidays an administrator has edited are never overwritten.
"""

import csv
import gzip
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog
from zhaoshang.reference.models import CalendarYear, Division, Holiday, Industry

DATA = Path(__file__).resolve().parents[2] / "data"
PARTS = ("divisions", "industries", "holidays")
HOLIDAY_SOURCE = "国务院办公厅节假日安排通知（由 chinesecalendar 1.11.0 导入）"


class Command(BaseCommand):
    help = "加载基础数据：行政区划（国家统计局2023）、国民经济行业分类（GB/T 4754-2017）、节假日（2004—2026）。"

    def add_arguments(self, parser):
        parser.add_argument("--only", default=",".join(PARTS), help="逗号分隔：divisions,industries,holidays")

    def handle(self, *args, **options):
        parts = [part.strip() for part in options["only"].split(",") if part.strip()]
        unknown = set(parts) - set(PARTS)
        if unknown:
            raise CommandError(f"未知的数据类别：{', '.join(sorted(unknown))}（可选：{', '.join(PARTS)}）")
        summary = []
        with acting_as(None, source="command"), transaction.atomic():
            if "divisions" in parts:
                summary.append(f"行政区划新增 {load_divisions()} 条（共 {Division.objects.count()} 条）")
            if "industries" in parts:
                summary.append(f"行业分类新增 {load_industries()} 条（共 {Industry.objects.count()} 条）")
            if "holidays" in parts:
                summary.append(f"节假日新增 {load_holidays()} 天（共 {Holiday.objects.count()} 天）")
            if any("新增 0 " not in line for line in summary):
                AuditLog.record(AuditAction.IMPORT, None, detail="加载基础数据：" + "；".join(summary))
        for line in summary:
            self.stdout.write(line)


def _rows(name: str):
    path = DATA / name
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def load_divisions() -> int:
    """Divisions level by level, so each level's parents exist. Bulk inserts: 44k rows of
    public reference data are loaded once; the audit log gets one summary row."""
    existing = dict(Division.objects.values_list("code", "pk"))
    created = 0
    rows = _rows("divisions.csv.gz")
    for level in (1, 2, 3, 4):
        batch = []
        for row in rows:
            if int(row["level"]) != level or row["code"] in existing:
                continue
            parent_id = existing.get(row["parent_code"]) if row["parent_code"] else None
            batch.append(
                Division(
                    code=row["code"], name=row["name"], level=level, parent_id=parent_id, province_code=row["code"][:2]
                )
            )
        Division.objects.bulk_create(batch, batch_size=2000)
        created += len(batch)
        existing.update(Division.objects.filter(level=level).values_list("code", "pk"))
    return created


def load_industries() -> int:
    existing = dict(Industry.objects.values_list("code", "pk"))
    created = 0
    for level in (1, 2):
        batch = []
        for row in _rows("industries.csv"):
            if int(row["level"]) != level or row["code"] in existing:
                continue
            batch.append(
                Industry(
                    code=row["code"],
                    name=row["name"],
                    level=level,
                    parent_id=existing.get(row["parent"]) if row["parent"] else None,
                    sector=int(row["sector"]) if row["sector"] else None,
                )
            )
        Industry.objects.bulk_create(batch)
        created += len(batch)
        existing.update(Industry.objects.values_list("code", "pk"))
    return created


def load_holidays() -> int:
    """Seeded years get their days; a day already present (perhaps edited) is kept."""
    import datetime

    rows = _rows("holidays.csv")
    existing = set(Holiday.objects.values_list("date", flat=True))
    years = sorted({int(row["date"][:4]) for row in rows})
    known_years = set(CalendarYear.objects.values_list("year", flat=True))
    for year in years:
        if year not in known_years:
            CalendarYear.objects.create(year=year, source=HOLIDAY_SOURCE)
    batch = [
        Holiday(date=datetime.date.fromisoformat(row["date"]), kind=row["kind"], name=row["name"])
        for row in rows
        if datetime.date.fromisoformat(row["date"]) not in existing
    ]
    Holiday.objects.bulk_create(batch)
    return len(batch)
