"""Adds 500,000 contacts (kept by random units, 1 in 5 a 乡贤, 1 in 7 key) to a COPY of the
province dataset, for bench/relations_pages.py. Writes: never run on /work/benchdata.

    cp /work/main/bench/out/bench-1.0.sqlite3 bench/out/h5.sqlite3
    export ZHAOSHANG_SQLITE_PATH=$PWD/bench/out/h5.sqlite3
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py shell < bench/relations_contacts.py
    sqlite3 $ZHAOSHANG_SQLITE_PATH ANALYZE
"""

import random
import time

from django.db import transaction

from zhaoshang.accounts.models import Unit
from zhaoshang.core.search import build_search_text
from zhaoshang.relations.models import Company, Contact

rng = random.Random(5)
units = list(Unit.objects.values_list("pk", flat=True))
companies = list(Company.objects.values_list("pk", "name"))
start = time.time()
batch = []
surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
with transaction.atomic():
    for i in range(500000):
        pk, cname = companies[i % len(companies)]
        name = rng.choice(surnames) + rng.choice(["总", "经理", "董事长", "建国", "海燕", "志远"])
        batch.append(
            Contact(
                company_id=pk,
                name=name,
                title="总经理",
                phone=f"139{rng.randint(10000000, 99999999)}",
                keeping_unit_id=rng.choice(units),
                kind="investor" if i % 5 else "notable",
                is_key=(i % 7 == 0),
                search_text=build_search_text(name, cname, "总经理"),
            )
        )
        if len(batch) == 5000:
            Contact.objects.bulk_create(batch)
            batch = []
    Contact.objects.bulk_create(batch)
print("contacts", Contact.objects.count(), round(time.time() - start), "s")
