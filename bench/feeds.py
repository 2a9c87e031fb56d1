"""Time the projects feed (GET /api/v1/feeds/projects) streaming a province's 200,000
projects, NDJSON and CSV, as the bureau and as a town officer, with peak memory.

    cp <generated>.sqlite3 bench/out/bench-1.0.sqlite3   # never the generator's own file
    ZHAOSHANG_SQLITE_PATH=bench/out/bench-1.0.sqlite3 python manage.py migrate
    ZHAOSHANG_SQLITE_PATH=bench/out/bench-1.0.sqlite3 python bench/feeds.py [--format csv]

In process through Django's test client (middleware, token check, the view, every row
serialised and read to the end, counted and dropped as a client would write it to disk).
Peak memory: the process's resident high-water mark (``ru_maxrss``) before and after, and
Python's own allocations (``tracemalloc``) in a second, shorter run of the same stream, as
tracemalloc slows what it measures. Writes API tokens and audit rows into the copy.
"""

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from bench.api import persona  # noqa: E402
from zhaoshang.api.services import create_token  # noqa: E402
from zhaoshang.core.context import acting_as  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
settings.API_RATE_LIMIT_PER_MINUTE = 10**9


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def drain(client, path, headers) -> tuple[int, int]:
    """(rows, bytes) of the whole stream, nothing kept."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content[:300]
    rows = size = 0
    for part in response.streaming_content:
        rows += part.count(b"\n")
        size += len(part)
    response.close()
    return rows, size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", choices=["ndjson", "csv", "both"], default="both")
    parser.add_argument("--traced-limit", type=int, default=0, help="rows of the tracemalloc run (0: all)")
    args = parser.parse_args()
    client = Client()
    results = {}
    formats = ["ndjson", "csv"] if args.format == "both" else [args.format]
    for label, user in (("bureau", persona("bureau")), ("town officer", persona("officer", "town"))):
        if user is None:
            continue
        with acting_as(user):
            token = create_token(user, name="bench feeds", scopes=["projects:read"], days=1).secret
        headers = {"Authorization": f"Bearer {token}"}
        for fmt in formats:
            before = rss_mb()
            start = time.perf_counter()
            rows, size = drain(client, f"/api/v1/feeds/projects?format={fmt}", headers)
            seconds = time.perf_counter() - start
            tracemalloc.start()
            limit = f"&limit={args.traced_limit}" if args.traced_limit else ""
            drain(client, f"/api/v1/feeds/projects?format={fmt}{limit}", headers)
            _, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            results[f"{label}: {fmt}"] = {
                "rows": rows - (1 if fmt == "csv" else 0),
                "mb_sent": round(size / 2**20, 1),
                "seconds": round(seconds, 1),
                "rows_per_s": round(rows / seconds),
                "max_rss_mb_before": round(before),
                "max_rss_mb_after": round(rss_mb()),
                "tracemalloc_peak_mb": round(traced_peak / 2**20, 1),
            }
            print(label, fmt, results[f"{label}: {fmt}"], flush=True)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
