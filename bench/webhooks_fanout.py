"""Webhooks at province scale: how long the receiver takes to turn an event into deliveries
(the subscriptions' scope queries, the payloads, the inserts), on a copy of the bench data.

    ZHAOSHANG_VAR_DIR=bench/out ZHAOSHANG_SQLITE_PATH=bench/out/webhooks.sqlite3 \\
        .venv/bin/python bench/webhooks_fanout.py

Three subscriptions to every event (the bureau's, a county's, a town's); each measurement
runs in a transaction that is rolled back, so the copy is left as it was.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhaoshang.accounts.models import Unit  # noqa: E402
from zhaoshang.alerts.models import Warning  # noqa: E402
from zhaoshang.core.events import EventType  # noqa: E402
from zhaoshang.projects.models import Project  # noqa: E402
from zhaoshang.webhooks.models import Delivery, Subscription  # noqa: E402
from zhaoshang.webhooks.services import on_business_event  # noqa: E402

settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Rollback(Exception):
    pass


def timed(run) -> tuple[float, int]:
    made = 0
    start = time.perf_counter()
    try:
        with transaction.atomic():
            county = Unit.objects.filter(depth=1).order_by("path").first()
            town = Unit.objects.filter(path__startswith=county.path, depth=3).order_by("path").first()
            for unit in (None, county, town):
                Subscription.objects.create(
                    name=f"bench {unit}",
                    unit=unit,
                    target_url="https://x.example/h",
                    secret="s",  # noqa: S106 - a throwaway subscription, rolled back
                    event_types=list(EventType.values),
                )
            start = time.perf_counter()
            run(town)
            elapsed = time.perf_counter() - start
            made = Delivery.objects.count()
            raise Rollback
    except Rollback:
        pass
    return elapsed, made


def one_project(town):
    project = Project.objects.filter(responsible_unit=town).first() or Project.objects.first()
    on_business_event(
        Project, event_type=EventType.PROJECT_CREATED, model=Project, objects=[project], occurred_at=timezone.now()
    )


def warnings_of_a_scan(town):
    on_business_event(
        Warning,
        event_type=EventType.WARNING_RAISED,
        model=Warning,
        objects=Warning.objects.filter(status="open"),
        occurred_at=timezone.now(),
    )


if __name__ == "__main__":
    runs = [timed(one_project) for _ in range(15)]
    print(
        f"project.created, 1 project, 3 subscriptions: median {statistics.median(r[0] for r in runs) * 1000:.1f} ms, {runs[0][1]} deliveries"
    )
    elapsed, made = timed(warnings_of_a_scan)
    print(
        f"warning.raised, {Warning.objects.filter(status='open').count()} open warnings, 3 subscriptions: {elapsed:.1f} s, {made} deliveries"
    )
