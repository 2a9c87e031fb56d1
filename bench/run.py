"""Time the project list and the 10,000-row ledger import on the generated dataset.

    ZHAOSHANG_SQLITE_PATH=bench/out/bench.sqlite3 python bench/run.py [--repeat 30]

Server time is measured in-process through Django's test client (request → middleware →
view → template → response), median and p95 of --repeat runs after a warm-up. The import
runs inside a transaction that is rolled back, so the dataset stays as generated.
"""

import argparse
import io
import json
import os
import resource
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

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from zhaoshang.accounts.models import Unit, User  # noqa: E402
from zhaoshang.projects.models import Project  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]


def timed(function, repeat):
    function()  # warm-up: caches, query plans
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
    }


def list_cases(user, county):
    return {
        "no filter": "",
        "stage=signed": "?stage=signed",
        "search 安泰": "?q=安泰",
        "unit subtree": f"?unit={county.pk}",
        "sorted by amount": "?sort=-amount",
        "key + amount band": "?is_key=true&amount=1-5yi",
    }


def bench_list(repeat):
    results = {}
    county = Unit.objects.filter(type="county").order_by("path").first()
    for username in ("bench_bureau", "bench_town"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        visible = Project.objects.restrict(user).count()
        for label, query in list_cases(user, county).items():
            url = f"/projects/{query}"

            def call(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            results[f"{username} · {label}"] = {**timed(call, repeat), "visible_projects": visible}
    return results


def ledger_bytes(rows, towns):
    """A 10,000-row ledger in the sample ledger's layout."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["基准测试县2025年招商引资项目台账"])
    sheet.merge_cells("A1:K1")
    sheet.append(["填报单位：基准测试县投促局"])
    sheet.append(["序号", "项目基本情况", None, None, "投资情况", "项目进展情况", None, None, "责任落实", None, "备注"])
    sheet.merge_cells("B3:D3")
    sheet.merge_cells("F3:H3")
    sheet.merge_cells("I3:J3")
    sheet.append(
        [
            None,
            "项目名称",
            "投资方",
            "统一社会信用代码",
            "总投资（万元）",
            "项目进展",
            "签约时间",
            "开工时间",
            "责任单位",
            "责任领导",
            None,
        ]
    )
    for index in range(rows):
        stage = ("洽谈中", "已签约", "在建")[index % 3]
        signed = f"2025年{index % 12 + 1}月{index % 27 + 1}日" if stage != "洽谈中" else None
        started = f"2025-12-{index % 27 + 1:02d}" if stage == "在建" else None
        sheet.append(
            [
                index + 1,
                f"基准项目{index:05d}号",
                f"基准投资{index:05d}有限公司",
                None,
                f"{1000 + index % 9000:,}",
                stage,
                signed,
                started,
                towns[index % len(towns)],
                "张三",
                None,
            ]
        )
    sheet.append(["合计", None, None, None, "=SUM(E5:E10004)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Rollback(Exception):
    pass


def bench_import(rows):
    from zhaoshang.core.bulk import collector_paused
    from zhaoshang.imports.services import commit_ledger, preview_ledger

    user = User.objects.get(username="bench_bureau")
    county = Unit.objects.filter(type="county").order_by("path").first()
    towns = list(Unit.objects.filter(parent=county, type="town").values_list("name", flat=True))
    data = ledger_bytes(rows, towns)
    result = {"rows": rows, "file_bytes": len(data)}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # No tracemalloc here: it slows every allocation several times over and would
    # distort the timing. Peak memory is the process's maximum resident set size.
    try:
        with transaction.atomic():
            started = time.perf_counter()
            preview = preview_ledger(user, data, "benchmark.xlsx", county)
            result["preview_s"] = round(time.perf_counter() - started, 2)
            assert not preview.error_rows, preview.messages()[:3]
            started, cpu = time.perf_counter(), time.process_time()
            with collector_paused():  # as the job worker runs it (imports.jobs.commit_job)
                committed = commit_ledger(user, preview.batch)
            result["commit_s"] = round(time.perf_counter() - started, 2)
            result["commit_cpu_s"] = round(time.process_time() - cpu, 2)  # less at the mercy of the load
            result["created"] = committed.count("create")
            raise Rollback
    except Rollback:
        pass
    result["total_s"] = round(result["preview_s"] + result["commit_s"], 2)
    result["process_max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["rss_before_mb"] = round(rss_before / 1024, 1)
    return result


class LockProbe:
    """Another SQLite connection that tries to take the write lock every 10 ms, without
    waiting: how long other users' saves would have been blocked (the longest stretch of
    failed tries), measured from outside the process's own connection."""

    def __init__(self, path):
        import sqlite3
        import threading

        self.db = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        self.stop = threading.Event()
        self.longest = 0.0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        import sqlite3

        blocked_since = None
        while not self.stop.is_set():
            now = time.perf_counter()
            try:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute("ROLLBACK")
                blocked_since = None
            except sqlite3.OperationalError:
                blocked_since = blocked_since or now
                self.longest = max(self.longest, now - blocked_since)
            time.sleep(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.db.close()


def update_ledger_bytes(projects):
    """A ledger naming stored projects by code, each with a new amount and remark, in the
    stage and unit the library has for it (a ledger moves projects on, never back)."""
    from openpyxl import Workbook

    from zhaoshang.projects.choices import Stage

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目编号", "项目名称", "投资方", "总投资（万元）", "项目进展", "责任单位", "备注"])
    for project in projects:
        total = (project.total_investment or 0) + 100
        sheet.append(
            [
                project.code,
                project.name,
                project.investor.name if project.investor_id else None,
                f"{total:f}",
                Stage(project.stage).label,
                project.responsible_unit.code,
                "基准测试：台账更新",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bench_update(rows):
    """A ledger that updates ``rows`` stored projects of one county, COMMITTED (run it on a
    copy of the dataset), then imported a second time (which must change nothing). Reports
    the preview and commit times, how long the commit's transaction held the write lock
    (BEGIN to COMMIT, and as another connection saw it on SQLite) and what changed."""
    from zhaoshang.core.bulk import collector_paused
    from zhaoshang.imports import services
    from zhaoshang.imports.services import preview_ledger
    from zhaoshang.projects.services import bulk_problems

    user = User.objects.get(username="bench_bureau")
    county = Unit.objects.filter(type="county").order_by("path").first()
    candidates = (
        Project.objects.filter(responsible_unit__path__startswith=county.path, merged_into__isnull=True)
        .select_related("investor", "responsible_unit")
        .order_by("pk")
    )
    # The generator repeats a few (investor, name) pairs, which a ledger must not list twice,
    # and leaves some signed projects without a signing date, which no save accepts.
    projects, seen = [], set()
    for project in candidates.iterator():
        if (project.investor_id, project.name) not in seen and not bulk_problems(project):
            seen.add((project.investor_id, project.name))
            projects.append(project)
            if len(projects) == rows:
                break
    data = update_ledger_bytes(projects)
    held = []
    # The transaction: _write_ledger's atomic block (older code: the whole commit_ledger).
    name = "_write_ledger" if hasattr(services, "_write_ledger") else "commit_ledger"
    write = getattr(services, name)

    def timed_write(*args, **kwargs):  # around the atomic block: BEGIN … COMMIT
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return write(*args, **kwargs)
        finally:
            held.append((time.perf_counter() - started, time.process_time() - cpu))

    setattr(services, name, timed_write)
    commit_ledger = services.commit_ledger
    result = {"rows": len(projects), "file_bytes": len(data)}
    for run in ("first", "again"):
        started, cpu = time.perf_counter(), time.process_time()
        preview = preview_ledger(user, data, "benchmark-update.xlsx", county)
        preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not preview.error_rows, preview.messages()[:3]
        probe = LockProbe(settings.DATABASES["default"]["NAME"]) if connection.vendor == "sqlite" else None
        started, cpu = time.perf_counter(), time.process_time()
        with collector_paused(), probe or _nothing():
            committed = commit_ledger(user, preview.batch)
        result[run] = {
            "preview_s": round(preview_s, 2),
            "commit_s": round(time.perf_counter() - started, 2),
            # CPU time of this process (both threads): less at the mercy of the machine's load.
            "preview_cpu_s": round(preview_cpu, 2),
            "commit_cpu_s": round(time.process_time() - cpu, 2),
            "transaction_s": round(held[-1][0], 2),
            "transaction_cpu_s": round(held[-1][1], 2),
            "others_blocked_s": round(probe.longest, 2) if probe else None,
            "updated": committed.count("update"),
            "unchanged": committed.count("unchanged"),
        }
        result[run]["total_s"] = round(result[run]["preview_s"] + result[run]["commit_s"], 2)
    setattr(services, name, write)
    result["process_max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-list", action="store_true", help="time only the import")
    parser.add_argument(
        "--update-rows",
        type=int,
        default=0,
        help="also time a ledger updating this many stored projects; it COMMITS: run it on a copy",
    )
    args = parser.parse_args()
    report = {
        "database": connection.vendor,
        "projects": Project.objects.count(),
        "units": Unit.objects.count(),
        "list": {} if args.skip_list else bench_list(args.repeat),
    }
    if not args.skip_import:
        report["import"] = bench_import(args.import_rows)
    if args.update_rows:
        report["update"] = bench_update(args.update_rows)
    if report["list"]:
        print(f"{'case':<40}{'median ms':>12}{'p95 ms':>10}")
    for case, numbers in report["list"].items():
        print(f"{case:<40}{numbers['median_ms']:>12}{numbers['p95_ms']:>10}")
    if "import" in report:
        print("import:", json.dumps(report["import"], ensure_ascii=False))
    if "update" in report:
        print("update:", json.dumps(report["update"], ensure_ascii=False))
    out = ROOT / "bench" / "out" / f"results-{connection.vendor}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"written: {out}")


if __name__ == "__main__":
    main()
