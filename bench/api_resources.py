"""Time the API's other resources (issue 16: 督办, 调度, 通报, 考核, the dashboard, the
relationship network, trips and campaigns) on the generated dataset, as a town officer and
the bureau, with the dashboard page beside them.

    cp <generated>.sqlite3 bench/out/api-bench.sqlite3   # never the generator's own file
    ZHAOSHANG_SQLITE_PATH=bench/out/api-bench.sqlite3 python manage.py migrate
    ZHAOSHANG_SQLITE_PATH=bench/out/api-bench.sqlite3 python bench/api_resources.py [--repeat 15]

The generated dataset has no problems, rounds, bulletins, schemes, interactions, trips or
campaigns: their lists time the scope and the query plan on empty tables beside 200,000
projects; it has 120,000 companies, and bench/relations_contacts.py adds 500,000
contacts; the dashboard's figures are the province's. It writes API tokens into the copy.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings
from django.test import Client

from bench.api import persona
from bench.run import timed
from zhaoshang.api.services import create_token, usable_scopes
from zhaoshang.core.context import acting_as

settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
settings.API_RATE_LIMIT_PER_MINUTE = 10**9  # measuring the endpoints, not the limit

PATHS = [
    "/api/v1/dashboard",
    "/api/v1/dashboard/not-started",
    "/api/v1/problems",
    "/api/v1/instructions",
    "/api/v1/scheduling/rounds",
    "/api/v1/bulletins",
    "/api/v1/assessment/schemes",
    "/api/v1/companies",
    "/api/v1/companies?q=szat",
    "/api/v1/contacts",
    "/api/v1/contacts?q=wz",
    "/api/v1/interactions",
    "/api/v1/trips",
    "/api/v1/campaigns",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    client, results = Client(), {}
    for label, user in (("town officer", persona("officer", "town")), ("bureau", persona("bureau"))):
        with acting_as(user):
            headers = {
                "Authorization": f"Bearer {create_token(user, name='bench', scopes=usable_scopes(user), days=1).secret}"
            }
        for path in PATHS:
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, (path, answer.content[:300])
            results[f"{label}: {path}"] = timed(
                lambda path=path, headers=headers: client.get(path, headers=headers), args.repeat
            )
        page = Client()
        page.force_login(user)
        results[f"{label}: the /dashboard/ page"] = timed(lambda page=page: page.get("/dashboard/"), args.repeat)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
