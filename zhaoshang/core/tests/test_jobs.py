"""Jobs (core/jobs.py): the page a user watches, who may read it, and the worker that runs
the database queue — including a worker that died in the middle of a job."""

import socket
import subprocess
import sys

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.jobs import LOST_REASON, Job, JobFailed, JobKind, JobOutcome, JobStatus, enqueue, job_url
from zhaoshang.core.tests.workers import run_worker_once, use_database_queue

# --- handlers the tests enqueue (dotted paths, as real handlers are named) ----------------------


def finishes(job, progress, *, count=3):
    for index in range(count):
        progress(index + 1, count, f"正在处理第 {index + 1} 项")
    return JobOutcome(f"已处理 {count} 项", url="/projects/")


def refuses(job, progress, *, unit_code):
    with transaction.atomic():
        Unit.objects.filter(code=unit_code).first().save()  # a write that must not survive
        Unit.objects.create(code="HALF", name="半途单位", type="town", parent=Unit.objects.get(code=unit_code))
        raise JobFailed("第3行 签约时间: 无法识别的日期「2024年13月」")


def crashes(job, progress):
    raise RuntimeError("secret internal detail")


def _enqueue(user, handler="zhaoshang.core.tests.test_jobs.finishes", business=True, **params):
    return enqueue(
        JobKind.LEDGER_IMPORT,
        handler,
        title="导入台账「城关镇.xlsx」",
        user=user,
        unit=getattr(user, "unit", None),
        business=business,
        params=params,
    )


# --- the page ------------------------------------------------------------------------------------


def test_the_officer_who_started_a_job_reads_its_result_and_link(personas, client_for):
    job = _enqueue(personas.officer_a)
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (3, 3)
    page = client_for(personas.officer_a).get(job_url(job))
    text = page.content.decode()
    assert page.status_code == 200
    assert "已完成" in text and "已处理 3 项" in text
    assert 'href="/projects/"' in text
    # Finished: the partial stops polling.
    assert "hx-get" not in text.split('data-testid="job-status"')[1].split(">")[0]


def test_a_queued_job_page_polls_and_says_it_waits(personas, client_for):
    job = Job.objects.create(
        kind=JobKind.WARNING_SCAN, title="立即扫描", started_by=personas.bureau, handler="x.y", message="排队等待处理"
    )
    page = client_for(personas.bureau).get(job_url(job), headers={"HX-Request": "true"})
    text = page.content.decode()
    assert "排队中" in text and "排队等待处理" in text
    assert f'hx-get="{reverse("core:job_detail", args=[job.pk])}"' in text
    assert "<html" not in text  # the partial alone


def test_another_town_and_the_leader_cannot_read_an_officers_job_but_the_bureau_can(personas, client_for):
    job = _enqueue(personas.officer_a)
    for user in (personas.officer_b, personas.leader, personas.sysadmin, personas.auditor):
        assert client_for(user).get(job_url(job)).status_code == 404, user.username
    assert client_for(personas.bureau).get(job_url(job)).status_code == 200


def test_the_bureau_does_not_read_a_job_that_is_not_business_data(personas, client_for):
    job = _enqueue(personas.officer_a, business=False)
    assert client_for(personas.bureau).get(job_url(job)).status_code == 404
    assert client_for(personas.officer_a).get(job_url(job)).status_code == 200


def test_a_refused_job_shows_the_chinese_reason_and_saves_nothing(personas, client_for):
    units_before = Unit.objects.count()
    job = _enqueue(personas.officer_a, "zhaoshang.core.tests.test_jobs.refuses", unit_code="SFX-CG")
    assert job.status == JobStatus.FAILED or Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "第3行 签约时间: 无法识别的日期「2024年13月」"
    assert Unit.objects.count() == units_before
    text = client_for(personas.officer_a).get(job_url(job)).content.decode()
    assert "失败" in text and "无法识别的日期" in text


def test_an_unexpected_error_reads_as_a_chinese_reason_without_internals(personas, client_for):
    job = _enqueue(personas.officer_a, "zhaoshang.core.tests.test_jobs.crashes")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    text = client_for(personas.officer_a).get(job_url(job)).content.decode()
    assert "系统错误" in text and "没有保存任何数据" in text
    assert "secret internal detail" not in text and "Traceback" not in text


# --- the worker and its database queue ------------------------------------------------------------


@pytest.fixture
def database_queue(settings, monkeypatch):
    use_database_queue(settings, monkeypatch)


def _run_worker():
    run_worker_once()


def test_a_queued_job_waits_for_the_worker_and_is_done_after_it_runs(personas, database_queue):
    job = _enqueue(personas.officer_a, count=5)
    assert job.status == JobStatus.QUEUED and job.task_id
    _run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total, job.result) == (5, 5, "已处理 5 项")
    assert job.started_at and job.finished_at and job.attempts == 1


def test_a_job_enqueued_in_a_rolled_back_request_is_never_run(personas, database_queue):
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(personas.officer_a)
        raise RuntimeError("the request failed")
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running_job(user, worker, heartbeat):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    job = _enqueue(user)
    DBTaskResult.objects.filter(id=job.task_id).update(status=TaskResultStatus.RUNNING, started_at=heartbeat)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker=worker, heartbeat_at=heartbeat, started_at=heartbeat
    )
    return job


def test_a_job_whose_worker_died_is_marked_failed_with_its_reason_when_a_worker_starts(
    personas, database_queue, client_for, settings
):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    # Killed on this host: its process is gone, however fresh its last heartbeat.
    killed_here = _running_job(personas.officer_a, f"{socket.gethostname()}:{_dead_pid()}", now)
    # On another server, silent for longer than the stale limit.
    silent = _running_job(
        personas.officer_a, "other-host:4242", now - timezone.timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    )
    # On another server and still beating: left alone.
    alive = _running_job(personas.officer_a, "other-host:4343", now)
    _run_worker()
    for job in (killed_here, silent):
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and job.error == LOST_REASON
        assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED
    alive.refresh_from_db()
    assert alive.status == JobStatus.RUNNING
    text = client_for(personas.officer_a).get(job_url(killed_here)).content.decode()
    assert "处理进程在任务进行中停止" in text and "请重新提交" in text


def test_a_job_marked_failed_is_not_run_afterwards(personas, database_queue):
    job = _enqueue(personas.officer_a)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=LOST_REASON)
    _run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result == ""


def test_a_job_whose_task_ended_without_starting_it_is_marked_failed(personas, database_queue):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from zhaoshang.core.jobs import NOT_STARTED_REASON, recover_stale_jobs

    job = _enqueue(personas.officer_a)
    # The worker's task failed before it could claim the job (e.g. the database was busy).
    DBTaskResult.objects.filter(id=job.task_id).update(status=TaskResultStatus.FAILED)
    assert [lost.pk for lost in recover_stale_jobs()] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == NOT_STARTED_REASON
