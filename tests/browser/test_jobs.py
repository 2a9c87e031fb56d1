"""The job page follows its job without a reload: 排队中, then 运行中 with progress, then
已完成 with the link to the result, and then it stops asking."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_the_job_to_its_result(page, personas):
    from django.utils import timezone

    from zhaoshang.core.jobs import Job, JobKind, JobStatus, job_url

    job = Job.objects.create(
        kind=JobKind.LEDGER_IMPORT,
        title="导入项目台账「城关镇2026.xlsx」",
        started_by=personas.officer_a,
        unit=personas.town_a,
        handler="zhaoshang.imports.jobs.commit_job",
        message="排队等待导入（共 1200 行）",
    )
    sign_in(page, "officer_a", personas.password)
    page.goto(page.base_url + job_url(job))
    assert "排队中" in page.inner_text("[data-testid=job-badge]")

    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=600, total=1200, message="正在导入")
    page.wait_for_selector("[data-testid=job-status][data-status=running]")
    assert "已处理 600 / 1200" in page.inner_text("[data-testid=job-status]")

    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        done=1200,
        result="导入完成：新增 1200 个，更新 0 个，无变化 0 个，排除 0 行。",
        result_url="/imports/",
        finished_at=timezone.now(),
    )
    page.wait_for_selector("[data-testid=job-result-link]")
    assert "新增 1200 个" in page.inner_text("[data-testid=job-result]")
    assert page.get_attribute("[data-testid=job-status]", "hx-get") is None  # polling stopped
    assert page.problems.errors == []
