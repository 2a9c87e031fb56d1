"""The job worker: ``manage.py run_worker`` (django-tasks-db's ``db_worker`` plus upkeep).

Before it takes its first job it marks failed the jobs a dead worker left running
(``core.jobs.recover_stale_jobs``), so a killed job is never silently lost. While it runs,
a thread does the same once a minute and runs the upkeep the apps registered
(``core.jobs.register_upkeep``): notifications sends the e-mails and robot messages that
are due (new ones whose first try failed, and retries), so the
embedded set-up needs no timer for them; each delivery is claimed before it is sent, so
several workers (or the ``send_notifications`` timer besides) never send one twice. Its
options are db_worker's (``--batch``, ``--max-tasks``, ``--interval`` …).
"""

import logging
import threading

from django.db import DatabaseError, connection
from django_tasks_db.management.commands import db_worker

from zhaoshang.core.context import RequestContext, reset_context, set_context
from zhaoshang.core.jobs import UPKEEP, recover_stale_jobs

logger = logging.getLogger(__name__)
UPKEEP_SECONDS = 60


def upkeep() -> None:
    """One round: stale jobs marked failed, due notifications sent. Never raises."""
    token = set_context(RequestContext(source="job"))
    try:
        for job in recover_stale_jobs():
            logger.warning("marked failed: job %s (%s), its worker %s stopped", job.pk, job.kind, job.worker)
        for task in UPKEEP:
            task()
    except DatabaseError:
        logger.warning("worker upkeep skipped this round", exc_info=True)
    finally:
        reset_context(token)


class _Upkeep(threading.Thread):
    def __init__(self):
        super().__init__(name="worker-upkeep", daemon=True)
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(UPKEEP_SECONDS):
                upkeep()
        finally:
            connection.close()


class RecoveringWorker(db_worker.Worker):
    """db_worker's loop, after a first upkeep round and with the upkeep thread beside it
    (not in ``--batch`` runs, which end when the queue is empty)."""

    def run(self) -> None:
        upkeep()
        thread = None
        if not self.batch:
            thread = _Upkeep()
            thread.start()
        try:
            super().run()
        finally:
            if thread is not None:
                thread.stopped.set()


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
