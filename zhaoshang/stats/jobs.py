"""Rebuilding the monthly roll-up as a job (``rebuild_stats --enqueue``), for the worker."""

import time

from django.db import transaction

from zhaoshang.core.bulk import collector_paused
from zhaoshang.core.jobs import Job, JobKind, JobOutcome, enqueue
from zhaoshang.stats import facts


def rebuild_in_one_transaction() -> int:
    """The roll-up emptied and refilled together: a rebuild that dies half-way leaves the
    old figures, never an empty table that every dashboard would read as zero."""
    with collector_paused(), transaction.atomic():  # a million facts alive at once
        return facts.rebuild()


def enqueue_rebuild(user=None) -> Job:
    return enqueue(
        JobKind.REBUILD_STATS,
        "zhaoshang.stats.jobs.rebuild_job",
        title="重建月度统计汇总",
        user=user,
        business=False,
        message="排队等待重建月度统计汇总",
    )


def rebuild_job(job: Job, progress) -> JobOutcome:
    progress(0, 0, "正在重新计算全部单位的月度统计")
    started = time.perf_counter()
    count = rebuild_in_one_transaction()
    return JobOutcome(f"已重建月度统计汇总：{count} 条（{time.perf_counter() - started:.1f} 秒）。")
