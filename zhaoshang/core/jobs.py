"""Jobs: long work (imports, scans, bulletins, roll-up rebuilds, notifications) run by the
job worker beside the web servers, never in a request or a thread of the web process.

The queue itself is django-tasks with its database backend (``django_tasks_db``): a
``DBTaskResult`` row per task, claimed by ``manage.py run_worker``. What a page shows is a
``Job`` row of our own — kind, who started it, for which unit, 排队中/运行中/已完成/失败,
progress with a Chinese message, the result with a link, the reason of a failure in
Chinese — because a task result holds a Python traceback and no owner to scope it by.

Every job runs through one task, ``run_job``, which calls the job's handler (a dotted path
to ``handler(job, progress, **params) -> JobOutcome``). A handler that refuses (bad file,
no right) raises ``JobFailed`` with the reason the user reads; anything else is logged and
the user reads a generic Chinese reason. A handler's writes are its own transaction, so a
failed or killed job leaves nothing half-saved.

A worker killed in the middle of a job (power cut, OOM, ``kill -9``) cannot mark it. While
a job runs, a thread of the worker writes its heartbeat (and progress) every
``JOB_HEARTBEAT_SECONDS``; the next worker to start — and every worker once a minute —
marks running jobs failed whose heartbeat is older than ``JOB_STALE_SECONDS``, or whose
worker process on this same host is gone (``recover_stale_jobs``). Their transaction was
rolled back with the process, so the reason says nothing was saved and asks for a retry.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from zhaoshang.core.access import READ_ACTIONS, AccessRule, _role
from zhaoshang.core.context import RequestContext, current_context, reset_context, set_context
from zhaoshang.core.models import RestrictedManager

logger = logging.getLogger(__name__)


class JobKind(models.TextChoices):
    LEDGER_IMPORT = "ledger_import", "项目台账导入"
    FUNDS_IMPORT = "funds_import", "到位资金导入"
    TARGETS_IMPORT = "targets_import", "目标任务导入"
    IMPORT = "import", "数据导入"  # the commit of any other import spec (imports.spec)
    WARNING_SCAN = "warning_scan", "预警扫描"
    BULLETIN = "bulletin", "通报生成"
    REBUILD_STATS = "rebuild_stats", "统计重算"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"

    @property
    def badge(self) -> str:
        return {"queued": "secondary", "running": "blue", "done": "green", "failed": "red"}[self.value]


class JobRule(AccessRule):
    """A job is read by the user who started it; the bureau also reads jobs on business
    data (imports, scans, bulletins), since it answers for all of them. Nobody changes a
    job through a page: only the worker writes it."""

    def allows(self, user, action):
        return _role(user) is not None and action in READ_ACTIONS

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        from zhaoshang.core.roles import Role

        visible = Q(started_by=user)
        if user.role == Role.BUREAU:
            visible |= Q(business=True)
        return queryset.filter(visible)


class Job(models.Model):
    """One piece of long work as its page shows it (see the module docstring)."""

    kind = models.CharField("类型", max_length=20, choices=JobKind.choices)
    title = models.CharField("内容", max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Business data (an import, a scan, a bulletin) is read by the bureau too.
    business = models.BooleanField("业务数据", default=True)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    result = models.TextField("结果", blank=True)
    result_url = models.CharField("结果链接", max_length=300, blank=True)
    error = models.TextField("失败原因", blank=True)
    handler = models.CharField("处理函数", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    # Where the request that started it came from: the job's audit rows carry them.
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    worker = models.CharField("处理进程", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    access = JobRule()
    objects = RestrictedManager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="core_job_status_heartbeat")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def status_badge(self) -> str:
        return JobStatus(self.status).badge


class JobFailed(Exception):
    """A handler's refusal, in Chinese, shown to the user as the job's failure reason."""


@dataclass
class JobOutcome:
    """What a finished job says: a one-line summary and a link to the result."""

    summary: str
    url: str = ""


LOST_REASON = "处理进程在任务进行中停止（服务器重启或进程被终止），本任务没有完成，也没有保存任何数据。请重新提交。"
NOT_STARTED_REASON = "后台任务进程未能开始本任务（系统繁忙），没有保存任何数据。请重新提交。"
ERROR_REASON = "处理时出现系统错误（{name}），没有保存任何数据。请稍后重试；如仍失败，请联系系统管理员查看日志。"


class Progress:
    """Progress reporting from inside a handler: ``progress(done, total, "正在…")``.

    Written at once when the handler is outside a transaction. Inside one (a ledger
    commit holds SQLite's write lock for its length) another connection could not write
    it, so the values wait in memory for the worker's heartbeat thread, which writes them
    as soon as it can (at once on PostgreSQL; after the commit on SQLite)."""

    def __init__(self, job: Job):
        self.job = job
        self.done = job.done
        self.total = job.total
        self.message = job.message
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        with self._lock:
            self.done = max(0, int(done))
            if total is not None:
                self.total = max(0, int(total))
            if message:
                self.message = message[:200]
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**self.values())

    def values(self) -> dict:
        with self._lock:
            return {"done": self.done, "total": self.total, "message": self.message}


def enqueue(
    kind: str,
    handler: str,
    *,
    title: str,
    user=None,
    unit=None,
    business: bool = True,
    params: dict | None = None,
    message: str = "排队等待处理",
    back_url: str = "",
) -> Job:
    """Record a job and put it on the queue; the caller shows ``job_url(job)``.

    Inside the caller's transaction the job and its queue row are written together, so a
    rolled-back request queues nothing. ``back_url`` is where a failed job's page leads
    (the page the job was started from); a finished job leads to its result. Under the
    immediate backend (tests, and ``ZHAOSHANG_JOBS_IMMEDIATE=1``) the job has run when
    this returns."""
    context = current_context()
    job = Job.objects.create(
        kind=kind,
        ip=context.ip,
        request_id=context.request_id,
        title=title[:200],
        started_by=user if getattr(user, "pk", None) else None,
        unit=unit,
        business=business,
        handler=handler,
        params=params or {},
        message=message,
        result_url=back_url,
    )
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def pending(kind: str, **params) -> Job | None:
    """The job of ``kind`` with these parameters still queued or running, if any: a second
    click shows it instead of queuing the same work again."""
    return (
        Job.objects.filter(
            kind=kind,
            status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
            **{f"params__{name}": value for name, value in params.items()},
        )
        .order_by("-id")
        .first()
    )


def job_url(job: Job) -> str:
    from django.urls import reverse

    return reverse("core:job_detail", args=[job.pk])


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update(of=("self",)).select_related("started_by").filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            # Already run, or marked failed by recover_stale_jobs meanwhile: never twice.
            return None
        now = timezone.now()
        job.status = JobStatus.RUNNING
        job.started_at = now
        job.heartbeat_at = now
        job.worker = _worker_name()
        job.attempts += 1
        job.message = "正在处理"
        job.save(update_fields=["status", "started_at", "heartbeat_at", "worker", "attempts", "message"])
    return job


def _finish(job: Job, **values) -> None:
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **values)


def _on_failure(job: Job, reason: str) -> None:
    """A handler may name a hook (``handler.on_failure(job, reason)``) that marks its own
    record failed too, e.g. the warning scan's row its page polls."""
    try:
        hook = getattr(import_string(job.handler), "on_failure", None)
        if hook is not None:
            hook(job, reason)
    except Exception:
        logger.exception("failure hook of job %s failed", job.pk)


class _Heartbeat(threading.Thread):
    """Writes the running job's heartbeat and progress from its own connection."""

    def __init__(self, job: Job, progress: Progress, seconds: float):
        super().__init__(name=f"job-heartbeat-{job.pk}", daemon=True)
        self.job_id = job.pk
        self.progress = progress
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.seconds):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now(), **self.progress.values()
                    )
                except DatabaseError:
                    # SQLite: the job's own transaction holds the write lock; next beat.
                    logger.debug("heartbeat of job %s waited for the write lock", self.job_id)
        finally:
            connection.close()


def _heartbeat_wanted() -> bool:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return settings.JOB_HEARTBEAT_SECONDS > 0 and isinstance(task_backends["default"], DatabaseBackend)


@task()
def run_job(job_id: int) -> str:
    """The one task every job runs through (see the module docstring)."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    progress = Progress(job)
    beat = _Heartbeat(job, progress, settings.JOB_HEARTBEAT_SECONDS) if _heartbeat_wanted() else None
    if beat is not None:
        beat.start()
    # The job's writes are audited as its starter's, with the starting request's IP and id.
    token = set_context(
        RequestContext(
            user_id=job.started_by_id,
            username=job.started_by.username if job.started_by_id else "system",
            ip=job.ip,
            request_id=job.request_id,
            source="job",
        )
    )
    try:
        outcome = import_string(job.handler)(job, progress, **job.params)
    except JobFailed as refusal:
        reason = str(refusal)[:4000]
        _finish(job, status=JobStatus.FAILED, error=reason, message="失败", **_counts(progress))
        _on_failure(job, reason)
        return "failed"
    except Exception as error:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        reason = ERROR_REASON.format(name=type(error).__name__)
        _finish(job, status=JobStatus.FAILED, error=reason, message="失败", **_counts(progress))
        _on_failure(job, reason)
        raise
    finally:
        reset_context(token)
        if beat is not None:
            beat.stopped.set()
            beat.join(timeout=settings.JOB_HEARTBEAT_SECONDS + 30)
    counts = _counts(progress)
    if counts["total"]:
        counts["done"] = counts["total"]
    _finish(
        job,
        status=JobStatus.DONE,
        message="已完成",
        result=outcome.summary if outcome else "",
        result_url=outcome.url if outcome else "",
        **counts,
    )
    return "done"


def _counts(progress: Progress) -> dict:
    values = progress.values()
    return {"done": values["done"], "total": values["total"]}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Work the worker does once a minute besides its jobs, registered by the apps that own it
# (notifications registers sending the due e-mails and robot messages) in their
# AppConfig.ready(): core runs the worker without importing the apps above it.
UPKEEP: list[Callable[[], object]] = []


def register_upkeep(task: Callable[[], object]) -> None:
    if task not in UPKEEP:
        UPKEEP.append(task)


def recover_stale_jobs(*, now: datetime.datetime | None = None) -> list[Job]:
    """Mark failed the running jobs whose worker died (see the module docstring).

    Returns them. Their queue rows are closed too, so the worker never picks them up.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
    host = socket.gethostname()
    lost = []
    for job in Job.objects.filter(status=JobStatus.RUNNING):
        worker_host, _, worker_pid = job.worker.rpartition(":")
        gone_here = worker_host == host and worker_pid.isdigit() and not _pid_alive(int(worker_pid))
        silent = job.heartbeat_at is None or job.heartbeat_at < stale_before
        if not (gone_here or silent):
            continue
        with transaction.atomic():
            marked = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, finished_at=now, error=LOST_REASON, message="失败"
            )
            if job.task_id:
                DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path="zhaoshang.core.jobs.WorkerLost",
                    traceback=f"worker {job.worker} stopped while running job {job.pk}",
                )
        if marked:
            logger.warning("job %s (%s) lost with worker %s: marked failed", job.pk, job.kind, job.worker)
            _on_failure(job, LOST_REASON)
            lost.append(job)
    # A task that ended without claiming its job (it could not get the database to start)
    # would leave the job 排队中 for ever.
    queued = {job.task_id: job for job in Job.objects.filter(status=JobStatus.QUEUED).exclude(task_id="")}
    ended = DBTaskResult.objects.filter(
        id__in=list(queued), status__in=(TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)
    ).values_list("id", flat=True)
    for task_id in ended:
        job = queued[str(task_id)]
        if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, finished_at=now, error=NOT_STARTED_REASON, message="失败"
        ):
            logger.warning("job %s (%s) never started: marked failed", job.pk, job.kind)
            _on_failure(job, NOT_STARTED_REASON)
            lost.append(job)
    return lost
