"""The job worker: ``manage.py run_worker`` (django-tasks-db's ``db_worker`` plus recovery).

Before it takes its first job, and after a job at most once a minute, it marks failed the
jobs a dead worker left running (``core.jobs.recover_stale_jobs``), so a killed job is never
silently lost. Its options are db_worker's (``--batch``, ``--max-tasks``, ``--interval`` …).
"""

import time

from django_tasks_db.management.commands import db_worker

from zhaoshang.core.jobs import recover_stale_jobs

RECOVER_EVERY_SECONDS = 60


class RecoveringWorker(db_worker.Worker):
    """db_worker's loop, with the stale-job sweep between polls."""

    _last_sweep = 0.0

    def sweep(self) -> None:
        for job in recover_stale_jobs():
            db_worker.logger.warning("marked failed: job %s (%s), its worker %s stopped", job.pk, job.kind, job.worker)
        self._last_sweep = time.monotonic()

    def run(self) -> None:
        self.sweep()
        super().run()

    def run_task(self, db_task_result) -> None:
        super().run_task(db_task_result)
        if time.monotonic() - self._last_sweep > RECOVER_EVERY_SECONDS:
            self.sweep()


class Command(db_worker.Command):
    help = "运行后台任务处理进程（导入、扫描、通报、统计重算、消息发送）。"

    def handle(self, *args, **options):
        # db_worker builds its Worker by name in handle(); swap in ours for this call.
        original = db_worker.Worker
        db_worker.Worker = RecoveringWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
