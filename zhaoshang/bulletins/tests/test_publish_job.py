"""Publishing (generate, Word, Excel, freeze) runs in the job worker; the bureau watches
the job page and then opens the published bulletin."""

import pytest
from django.urls import reverse

from zhaoshang.bulletins.choices import BulletinStatus
from zhaoshang.bulletins.models import BulletinSnapshot
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.core.jobs import Job, JobKind, JobStatus, job_url
from zhaoshang.core.tests.workers import run_worker_once, use_database_queue

pytestmark = pytest.mark.django_db


def test_publishing_queues_a_job_that_the_worker_runs(dataset, client, settings, monkeypatch):
    use_database_queue(settings, monkeypatch)
    bulletin = draft(dataset.bureau, dataset.city)
    client.force_login(dataset.bureau)
    response = client.post(reverse("bulletins:publish", args=[bulletin.pk]))
    job = Job.objects.get()
    assert response["Location"] == job_url(job)
    assert (job.kind, job.status) == (JobKind.BULLETIN, JobStatus.QUEUED)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT and not BulletinSnapshot.objects.exists()
    # A second click while it waits: the same job.
    assert client.post(reverse("bulletins:publish", args=[bulletin.pk]))["Location"] == job_url(job)

    run_worker_once()
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED and bulletin.published_by == dataset.bureau
    assert BulletinSnapshot.objects.count() == 1
    page = client.get(job_url(job)).content.decode()
    assert "通报已发布" in page and reverse("bulletins:detail", args=[bulletin.pk]) in page


def test_a_second_publication_of_the_same_period_fails_with_the_reason(dataset, client):
    first = draft(dataset.bureau, dataset.city)
    second = draft(dataset.bureau, dataset.city)
    client.force_login(dataset.bureau)
    client.post(reverse("bulletins:publish", args=[first.pk]))
    response = client.post(reverse("bulletins:publish", args=[second.pk]), follow=True)
    assert "不能重复发布" in response.content.decode()
    second.refresh_from_db()
    assert second.status == BulletinStatus.DRAFT
    assert Job.objects.filter(status=JobStatus.FAILED).count() == 1
