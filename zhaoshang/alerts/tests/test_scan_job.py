"""立即扫描 runs in the job worker, not in a thread of the web process."""

import threading

from django.urls import reverse
from django.utils import timezone

from zhaoshang.alerts.models import Warning, WarningScan
from zhaoshang.alerts.tests.conftest import D, follow_up, negotiating, only
from zhaoshang.core.jobs import LOST_REASON, Job, JobKind, JobStatus, recover_stale_jobs
from zhaoshang.core.tests.workers import run_worker_once, use_database_queue


def test_the_scan_button_queues_a_job_and_the_worker_runs_it(personas, client, settings, monkeypatch):
    use_database_queue(settings, monkeypatch)
    only({"no_follow_up"})
    p = negotiating(personas, name="后台扫描项目")
    follow_up(personas, p, D(2024, 1, 1))

    real_start = threading.Thread.start

    def no_threads(self):
        raise AssertionError("the web process started a thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    client.force_login(personas.bureau)
    response = client.post(reverse("alerts:scan"), HTTP_HX_REQUEST="true")
    assert 'data-testid="scan-running"' in response.content.decode()
    job = Job.objects.get()
    assert (job.kind, job.status, job.started_by) == (JobKind.WARNING_SCAN, JobStatus.QUEUED, personas.bureau)
    assert not Warning.objects.exists()

    monkeypatch.setattr(threading.Thread, "start", real_start)
    run_worker_once()
    scan_row = WarningScan.objects.get()
    assert scan_row.status == "done" and scan_row.created == 1
    assert Warning.objects.filter(project=p, status="open").exists()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and "新增 1 条" in job.result
    assert "扫描完成" in client.get(reverse("alerts:scan_status", args=[scan_row.pk])).content.decode()


def test_a_scan_whose_worker_died_reads_failed_instead_of_running_forever(personas, client, settings, monkeypatch):
    use_database_queue(settings, monkeypatch)
    client.force_login(personas.bureau)
    client.post(reverse("alerts:scan"), HTTP_HX_REQUEST="true")
    job = Job.objects.get()
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker="other-host:1", heartbeat_at=long_ago)
    assert [lost.pk for lost in recover_stale_jobs()] == [job.pk]
    scan_row = WarningScan.objects.get()
    assert scan_row.status == "failed" and scan_row.error == LOST_REASON
    content = client.get(reverse("alerts:scan_status", args=[scan_row.pk])).content.decode()
    assert "扫描失败" in content and "scan-running" not in content
