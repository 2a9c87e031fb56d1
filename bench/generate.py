"""Generate a deterministic province-scale dataset for the benchmarks.

    ZHAOSHANG_SQLITE_PATH=bench/out/bench.sqlite3 python bench/generate.py [--scale 1.0]

2,000 units (province → 16 cities → ~100 counties → towns, zones, departments), 200,000
projects with investors, stage events, follow-ups and credit shares. Rows are inserted with
bulk_create, which skips save(): a benchmark fixture, so no audit rows, and the fields that
save() would fill (unit paths, search text, key flag, count unit) are filled here.
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from zhaoshang.accounts.models import Unit, User  # noqa: E402
from zhaoshang.core.search import build_search_text  # noqa: E402
from zhaoshang.core.validators import uscc_check_character  # noqa: E402
from zhaoshang.projects.models import FollowUp, Project, ProjectCredit, StageEvent  # noqa: E402
from zhaoshang.relations.models import Company  # noqa: E402
from zhaoshang.relations.normalise import normalise_company_name  # noqa: E402

BRANDS = "安泰 宏远 华信 鑫源 博研 中科 德晟 汇金 晶合 恒瑞 国科 联创 辰光 锦泰 盛世 卓越 嘉禾 天成 瑞丰 东方 长城 海润 金桥 新纪元 蓝海 银河 紫光 凯盛 永信 万达".split()
CITIES = "上海 深圳 杭州 苏州 北京 广州 成都 宁波 合肥 青岛 厦门 武汉 南京 无锡 常州 佛山 东莞 天津 重庆 西安".split()
PRODUCTS = [
    ("年产{n}万吨锂电池正极材料项目", "新能源材料"),
    ("{n}GW高效光伏组件生产项目", "光伏科技"),
    ("年产{n}万套新能源汽车零部件项目", "汽车零部件"),
    ("年产{n}亿片片式电容器项目", "电子元件"),
    ("智能终端整机组装项目", "智能科技"),
    ("半导体封装测试项目", "半导体"),
    ("生物制药研发生产基地项目", "生物医药"),
    ("高端医疗器械产业园项目", "医疗器械"),
    ("冷链物流园项目", "供应链管理"),
    ("数据中心及算力服务项目", "数据科技"),
    ("农产品精深加工项目", "食品"),
    ("文旅综合体项目", "文化旅游发展"),
]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STAGES = ["lead", "negotiating", "signed", "registered", "started", "production", "dropped"]
STAGE_WEIGHTS = [10, 25, 20, 12, 18, 10, 5]
BATCH = 5000


def build_units(rng, scale):
    """~2,000 units at full scale, codes P, P-C01, P-C01-K01, P-C01-K01-T01 …"""
    rows = []

    def add(code, name, type_, parent):
        path = (parent["path"] if parent else "") + code + "/"
        unit = {"code": code, "name": name, "type": type_, "path": path, "depth": path.count("/") - 1, "parent": parent}
        rows.append(unit)
        return unit

    province = add("P", "示范省", "province", None)
    cities = max(2, round(16 * scale**0.5))
    for c in range(1, cities + 1):
        city = add(f"P-C{c:02d}", f"第{c}市", "city", province)
        add(f"P-C{c:02d}-ZONE", f"第{c}市经开区", "zone", city)
        add(f"P-C{c:02d}-TCJ", f"第{c}市投促局", "department", city)
        for k in range(1, 9):
            county = add(f"P-C{c:02d}-K{k:02d}", f"第{c}市第{k}县", "county", city)
            add(f"P-C{c:02d}-K{k:02d}-YQ", f"第{c}市第{k}县园区", "zone", county)
            for t in range(1, 16):
                add(f"P-C{c:02d}-K{k:02d}-T{t:02d}", f"第{c}市第{k}县第{t}镇", "town", county)
    return rows


def search_text(cache, name, company, code):
    """The same text Project.save() builds (core.search.build_search_text(name, code,
    investor)), with each part's pinyin computed once: names repeat across 200,000 rows."""

    def part(text):
        if text not in cache:
            word = build_search_text(text)
            cache[text] = (word.split(" ")[0], word[len(word.split(" ")[0]) + 1 :])
        return cache[text]

    words = [part(name), (code.lower(), build_search_text(code)[len(code) + 1 :]), part(company)]
    return " ".join([w for w, _ in words] + [p for _, p in words])[:2000]


def uscc(rng):
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + uscc_check_character(body)


def insert_rows(model, columns: list[str], rows) -> int:
    """A plain prepared INSERT over many rows (executemany), values already adapted: Django's
    bulk_create compiles each value of two million rows one by one. A fixture only."""
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) "  # noqa: S608 - fixture, names from the model
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count, chunk = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) == 20000:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def add_money(rng, scale):
    """Issue 4's benchmark: 2,000,000 funds tranches (×scale) over the signed projects, dated
    2024–2025, 85 % verified, one in ten foreign with its 万美元; and a target for every unit,
    indicator and year (2024, 2025)."""
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.stats.choices import Indicator
    from zhaoshang.targets.models import Target

    started = time.perf_counter()
    ops = connection.ops
    signed = list(Project.objects.filter(signed_on__isnull=False).values_list("pk", "signed_on"))
    n_tranches = int(2_000_000 * scale)
    verified_at = ops.adapt_datetimefield_value(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC))
    submitted_at = ops.adapt_datetimefield_value(datetime.datetime(2025, 12, 31, 9, 0, tzinfo=datetime.UTC))
    first_day = datetime.date(2024, 1, 1)
    sources = ["outside_city", "outside_province", "abroad"]
    regions = ["宁波", "上海", "深圳", "香港", "新加坡", "苏州", "杭州"]

    def tranches():
        for index in range(n_tranches):
            pk, signed_on = signed[rng.randrange(len(signed))]
            start = max(first_day, signed_on)
            date = start + datetime.timedelta(
                days=rng.randrange(max(1, (datetime.date(2025, 12, 31) - start).days + 1))
            )
            amount = Decimal(rng.randrange(10, 5000)) + Decimal(rng.randrange(100)) / 100
            foreign = rng.random() < 0.1
            status = "verified" if rng.random() < 0.85 else "submitted"
            yield [
                1,  # version
                pk,
                ops.adapt_datefield_value(date),
                ops.adapt_decimalfield_value(amount, 18, 4),
                "foreign" if foreign else "domestic",
                ops.adapt_decimalfield_value((amount / 7).quantize(Decimal("0.0001")), 18, 4) if foreign else None,
                "abroad" if foreign else rng.choice(sources[:2]),
                rng.choice(regions),
                f"PZ{index:08d}",
                "",
                status,
                "",
                submitted_at,
                verified_at if status == "verified" else None,
                False,
            ]

    columns = [
        "version", "project_id", "date", "amount", "kind", "amount_usd", "source", "source_region", "voucher_no",
        "note", "status", "return_reason", "submitted_at", "verified_at", "verified_by_import",
    ]  # fmt: skip
    with transaction.atomic():
        count = insert_rows(FundsTranche, columns, tranches())
    print(f"tranches: {count}  ({time.perf_counter() - started:.0f}s)")

    units = list(Unit.objects.values_list("pk", "depth"))
    values = {
        Indicator.SIGNED_COUNT: 40, Indicator.SIGNED_BIG_COUNT: 8, Indicator.CONTRACTED_INVESTMENT: 600000,
        Indicator.FUNDS_IN_PLACE: 400000, Indicator.FOREIGN_FUNDS: 5000, Indicator.STARTED_COUNT: 20,
        Indicator.STARTED_BIG_COUNT: 4, Indicator.PRODUCTION_COUNT: 10,
    }  # fmt: skip

    def targets():
        for year in (2024, 2025):
            for pk, depth in units:
                weight = 8 ** max(0, 3 - depth)  # a county's target is about eight towns'
                for indicator, base in values.items():
                    yield [year, pk, indicator.value, ops.adapt_decimalfield_value(Decimal(base * weight), 18, 4), ""]

    with transaction.atomic():
        count = insert_rows(Target, ["year", "unit_id", "indicator", "value", "note"], targets())
    print(f"targets: {count}  ({time.perf_counter() - started:.0f}s)")


def rebuild_rollup():
    """Bulk inserts send no signals: build the statistics roll-up as `rebuild_stats` does."""
    from zhaoshang.stats import facts

    if facts.enabled():
        started = time.perf_counter()
        print(f"roll-up: {facts.rebuild()} facts  ({time.perf_counter() - started:.0f}s)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    if Project.objects.exists():
        from zhaoshang.funds.models import FundsTranche

        if FundsTranche.objects.exists():
            print("database already has projects and tranches; delete it to regenerate")
            return
        add_money(random.Random(args.seed + 1), args.scale)  # a dataset made before issue 4
        rebuild_rollup()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
        return

    with transaction.atomic():
        unit_rows = build_units(rng, args.scale)
        for level in sorted({row["depth"] for row in unit_rows}):
            batch = [row for row in unit_rows if row["depth"] == level]
            objects = [
                Unit(
                    code=r["code"],
                    name=r["name"],
                    type=r["type"],
                    path=r["path"],
                    depth=r["depth"],
                    parent_id=r["parent"]["id"] if r["parent"] else None,
                    aliases=[],
                )
                for r in batch
            ]
            Unit.objects.bulk_create(objects, batch_size=BATCH)
            ids = dict(Unit.objects.filter(depth=level).values_list("code", "pk"))
            for row in batch:
                row["id"] = ids[row["code"]]
        print(f"units: {len(unit_rows)}")
        leaves = [row for row in unit_rows if row["type"] in ("town", "zone", "department")]
        bureau_unit = next(row for row in unit_rows if row["type"] == "department")
        town = next(row for row in unit_rows if row["type"] == "town")
        for username, role, unit in (("bench_bureau", "bureau", bureau_unit), ("bench_town", "officer", town)):
            user = User(username=username, role=role, unit_id=unit["id"], name=username)
            user.set_password("Bench@2026zs")
            user.save()

        n_projects = int(200_000 * args.scale)
        n_companies = int(n_projects * 0.6)
        companies = []
        names = set()
        while len(companies) < n_companies:
            _product, word = rng.choice(PRODUCTS)
            name = f"{rng.choice(CITIES)}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{word}有限公司"
            if name in names:
                name = name.replace("有限公司", f"{len(companies)}号有限公司")
            names.add(name)
            companies.append(
                Company(
                    name=name,
                    normalised_name=normalise_company_name(name),
                    uscc=uscc(rng) if rng.random() < 0.7 else None,
                    nature="private",
                    flags=[],
                )
            )
        Company.objects.bulk_create(companies, batch_size=BATCH)
        company_ids = list(Company.objects.values_list("pk", "name"))
        print(f"companies: {len(company_ids)}  ({time.perf_counter() - started:.0f}s)")

        search_cache = {}
        projects = []
        sequence = {}
        today = datetime.date(2025, 12, 31)
        for _index in range(n_projects):
            unit = leaves[int(rng.paretovariate(1.2) * 7) % len(leaves)] if rng.random() < 0.5 else rng.choice(leaves)
            company_id, company_name = company_ids[rng.randrange(len(company_ids))]
            template, _ = rng.choice(PRODUCTS)
            name = (rng.choice(BRANDS) if rng.random() < 0.6 else "") + template.format(
                n=rng.choice([2, 3, 5, 8, 10, 12, 20])
            )
            total = Decimal(int(min(2_000_000, 500 * (1 / max(rng.random(), 0.0005)) ** 0.9) // 100 * 100) or 100)
            stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
            created = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(1000))
            signed = (
                created + datetime.timedelta(days=rng.randrange(30, 200))
                if stage in ("signed", "registered", "started", "production")
                else None
            )
            started_on = (
                signed + datetime.timedelta(days=rng.randrange(30, 200))
                if stage in ("started", "production") and signed
                else None
            )
            year = created.year
            sequence[(unit["code"], year)] = sequence.get((unit["code"], year), 0) + 1
            code = f"{unit['code']}-{year}-{sequence[(unit['code'], year)]:04d}"
            projects.append(
                Project(
                    code=code,
                    name=name,
                    investor_id=company_id,
                    responsible_unit_id=unit["id"],
                    count_unit_id=unit["id"],
                    total_investment=total,
                    fixed_asset_investment=(total * Decimal("0.7")).quantize(Decimal(1)),
                    stage=stage,
                    verified_stage=stage if stage not in ("lead", "negotiating") and rng.random() < 0.8 else "",
                    signed_on=signed if signed and signed <= today else None,
                    started_on=started_on if started_on and started_on <= today else None,
                    is_key=total >= 10000,
                    search_text=search_text(search_cache, name, company_name, code),
                    construction_nature="new",
                    leading_industry=rng.choice(["新能源", "电子信息", "生物医药", "现代服务业", "高端装备"]),
                )
            )
            if len(projects) == BATCH:
                Project.objects.bulk_create(projects)
                projects = []
        Project.objects.bulk_create(projects)
        print(f"projects: {Project.objects.count()}  ({time.perf_counter() - started:.0f}s)")

        credits, events, follow_ups = [], [], []
        for pk, unit_id, _stage, signed, started_on, total in Project.objects.values_list(
            "pk", "responsible_unit_id", "stage", "signed_on", "started_on", "total_investment"
        ).iterator(chunk_size=10000):
            if rng.random() < 0.05:
                other = rng.choice(leaves)["id"]
                if other != unit_id:
                    credits += [
                        ProjectCredit(project_id=pk, unit_id=unit_id, percent=Decimal(60)),
                        ProjectCredit(project_id=pk, unit_id=other, percent=Decimal(40)),
                    ]
                else:
                    credits.append(ProjectCredit(project_id=pk, unit_id=unit_id, percent=Decimal(100)))
            else:
                credits.append(ProjectCredit(project_id=pk, unit_id=unit_id, percent=Decimal(100)))
            if signed:
                events.append(
                    StageEvent(
                        project_id=pk,
                        stage="signed",
                        date=signed,
                        amount=total,
                        status="verified" if rng.random() < 0.85 else "submitted",
                    )
                )
            if started_on:
                events.append(
                    StageEvent(
                        project_id=pk,
                        stage="started",
                        date=started_on,
                        status="verified" if rng.random() < 0.8 else "submitted",
                    )
                )
            for _ in range(2):
                follow_ups.append(
                    FollowUp(
                        project_id=pk,
                        date=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(700)),
                        kind="visit",
                        content="跟进企业投资意向",
                    )
                )
            if len(follow_ups) >= 2 * BATCH:
                ProjectCredit.objects.bulk_create(credits, batch_size=BATCH)
                StageEvent.objects.bulk_create(events, batch_size=BATCH)
                FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
                credits, events, follow_ups = [], [], []
        ProjectCredit.objects.bulk_create(credits, batch_size=BATCH)
        StageEvent.objects.bulk_create(events, batch_size=BATCH)
        FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    add_money(random.Random(args.seed + 1), args.scale)
    rebuild_rollup()
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, so the visibility map lets counts use index-only scans, as
        # autovacuum would have done on a database that grew over months.
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    print(
        f"done: {Unit.objects.count()} units, {Project.objects.count()} projects, {StageEvent.objects.count()} events, "
        f"{FollowUp.objects.count()} follow-ups, {ProjectCredit.objects.count()} credit shares in {time.perf_counter() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
