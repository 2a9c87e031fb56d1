"""Time GET /api/v1/projects (50 a page) on the generated dataset, as a town officer, a
county officer and the bureau, first page and a deep page through the cursor.

    cp <generated>.sqlite3 bench/out/api-bench.sqlite3   # never the generator's own file
    ZHAOSHANG_SQLITE_PATH=bench/out/api-bench.sqlite3 python manage.py migrate api
    ZHAOSHANG_SQLITE_PATH=bench/out/api-bench.sqlite3 python bench/api.py [--repeat 30]

Server time in process through Django's test client (middleware, token check, view,
serialisation), median and p95 after a warm-up, as bench/run.py measures the pages. It
writes API tokens into the copy.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from bench.run import timed  # noqa: E402
from zhaoshang.accounts.models import User  # noqa: E402
from zhaoshang.api.choices import ALL_SCOPES  # noqa: E402
from zhaoshang.api.services import create_token  # noqa: E402
from zhaoshang.core.context import acting_as  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
settings.API_RATE_LIMIT_PER_MINUTE = 10**9  # measuring the endpoint, not the limit


def persona(role, unit_type=None):
    users = User.objects.filter(role=role, is_active=True).select_related("unit")
    if unit_type:
        users = users.filter(unit__type=unit_type)
    return users.order_by("id").first()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    client = Client()
    results = {}
    for label, user in (
        ("town officer", persona("officer", "town")),
        ("county officer", persona("officer", "county")),
        ("bureau", persona("bureau")),
    ):
        if user is None:
            continue
        with acting_as(user):
            token = create_token(user, name="bench", scopes=ALL_SCOPES, days=1).secret
        headers = {"Authorization": f"Bearer {token}"}
        first = client.get("/api/v1/projects?limit=50", headers=headers)
        assert first.status_code == 200, first.content[:300]
        # A deep page: follow ten cursors, then time the eleventh page.
        url = first.json()["next"]
        for _ in range(10):
            url = url and client.get(url, headers=headers).json()["next"]
        cases = {"first page": "/api/v1/projects?limit=50", "stage=signed": "/api/v1/projects?limit=50&stage=signed"}
        if url:
            cases["page 11 (cursor)"] = url
        for case, path in cases.items():
            results[f"{label}: {case}"] = timed(
                lambda path=path, headers=headers: client.get(path, headers=headers), args.repeat
            )
        # The same list as a page, timed alongside: on a shared machine the ratio says more
        # than either figure.
        page = Client()
        page.force_login(user)
        results[f"{label}: the /projects/ page"] = timed(lambda page=page: page.get("/projects/"), args.repeat)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
