"""Large imports commit in the job worker: the request queues the commit, the job page
shows progress and then links the result; a refused file says why and saves nothing."""

import pytest
from django.urls import reverse

from zhaoshang.core.jobs import Job, JobKind, JobStatus, job_url
from zhaoshang.core.tests.workers import run_worker_once, use_database_queue
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.tests.test_import_views import county_projects  # noqa: F401 (fixture)
from zhaoshang.funds.tests.test_import_views import upload as upload_funds
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.tests.test_views import upload
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
BAD_ROWS = ["41", "42", "43", "44", "45", "46"]  # the county sample's six rows with errors


@pytest.fixture
def large(settings):
    """The county sample (42 rows) counts as large."""
    settings.IMPORT_JOB_MIN_ROWS = 10


def test_a_large_ledger_commits_in_the_worker_and_its_page_links_the_result(
    shifan_units, client, large, settings, monkeypatch
):
    use_database_queue(settings, monkeypatch)
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    batch = ImportBatch.objects.get()
    preview_url = reverse("imports:ledger_preview", args=[batch.pk])
    assert "确认导入后将在后台处理" in client.get(preview_url).content.decode()
    response = client.post(reverse("imports:ledger_commit", args=[batch.pk]), {"exclude": BAD_ROWS})
    job = Job.objects.get()
    assert response["Location"] == job_url(job)
    assert (job.kind, job.status, job.unit) == (JobKind.LEDGER_IMPORT, JobStatus.QUEUED, shifan_units.county)
    # Back on the preview, the commit under way is shown with its progress page.
    preview = client.get(preview_url).content.decode()
    assert "本文件正在后台导入（排队中）" in preview and job_url(job) in preview
    assert Project.objects.count() == 0  # nothing in the request
    page = client.get(job_url(job)).content.decode()
    assert "排队中" in page and "共 42 行" in page and "hx-get" in page

    # A second click while it waits shows the same job instead of queuing another.
    again = client.post(reverse("imports:ledger_commit", args=[batch.pk]), {"exclude": BAD_ROWS})
    assert again["Location"] == job_url(job) and Job.objects.count() == 1

    run_worker_once()
    assert Project.objects.count() == 36
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.result == "导入完成：新增 36 个，更新 0 个，无变化 0 个，排除 6 行。"
    page = client.get(job_url(job)).content.decode()
    assert reverse("imports:ledger_result", args=[batch.pk]) in page and "已完成" in page
    # The commit's audit rows name the officer who asked for it, not "system".
    from zhaoshang.core.models import AuditLog

    assert AuditLog.objects.filter(action="import", object_id=str(batch.pk)).get().username == "bureau"


def test_a_refused_large_ledger_lists_the_reasons_on_its_job_page_and_saves_nothing(shifan_units, client, large):
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    job = Job.objects.get()
    assert response["Location"] == job_url(job) and job.status == JobStatus.FAILED
    assert Project.objects.count() == 0
    page = client.get(job_url(job)).content.decode()
    assert "没有导入任何一行" in page and "无法识别的日期「2024年13月5日」" in page
    assert reverse("imports:ledger_preview", args=[batch.pk]) in page  # back to the preview


def test_another_towns_officer_cannot_read_the_import_job(shifan_units, client, large):
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    client.post(reverse("imports:ledger_commit", args=[ImportBatch.objects.get().pk]), {"exclude": BAD_ROWS})
    client.force_login(shifan_units.officer_b)
    assert client.get(job_url(Job.objects.get())).status_code == 404


def test_a_small_ledger_still_commits_in_the_request(shifan_units, client, settings, monkeypatch):
    use_database_queue(settings, monkeypatch)
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:ledger_commit", args=[batch.pk]), {"exclude": BAD_ROWS})
    assert response["Location"] == reverse("imports:ledger_result", args=[batch.pk])
    assert Project.objects.count() == 36 and not Job.objects.exists()


def test_a_large_funds_file_commits_as_a_job_too(county_projects, client, settings):  # noqa: F811
    settings.IMPORT_JOB_MIN_ROWS = 10
    client.force_login(county_projects.bureau)
    upload_funds(client, county_projects.county, mark_verified="on")
    batch = ImportBatch.objects.get(kind="funds")
    response = client.post(reverse("funds:import_commit", args=[batch.pk]))
    job = Job.objects.get(kind=JobKind.FUNDS_IMPORT)
    assert response["Location"] == job_url(job) and job.status == JobStatus.DONE
    assert FundsTranche.objects.count() == 48
    assert job.result_url == reverse("funds:import_result", args=[batch.pk])


def test_a_large_targets_file_commits_as_a_job_and_leads_to_the_grid(personas, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhaoshang.targets.models import Target

    settings.IMPORT_JOB_MIN_ROWS = 1
    data = "单位,年度,指标,目标值（亿元）\n城关镇,2024,协议引资额,5\n河口镇,2024,协议引资额,3\n".encode()
    client.force_login(personas.bureau)
    client.post(reverse("targets:import"), {"file": SimpleUploadedFile("目标.csv", data), "year": 2024})
    batch = ImportBatch.objects.get(kind="targets")
    response = client.post(reverse("targets:import_commit", args=[batch.pk]))
    job = Job.objects.get(kind=JobKind.TARGETS_IMPORT)
    assert response["Location"] == job_url(job) and job.status == JobStatus.DONE
    assert Target.objects.filter(year=2024).count() == 2
    assert job.result == "已导入目标任务：新增 2 条，更新 0 条，无变化 0 条。"
    assert job.result_url == reverse("targets:grid") + "?year=2024"
