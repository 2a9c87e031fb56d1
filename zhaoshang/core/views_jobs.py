"""The job page: what a long piece of work is doing, polled by htmx until it ends."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from zhaoshang.core.jobs import Job, JobStatus, job_url

# The partial asks again this often while the job waits or runs.
POLL_SECONDS = 2


@login_required
def job_detail(request, pk):
    # Only the user who started it (and the bureau, for business data) reads a job: 404 else.
    job = get_object_or_404(Job.objects.restrict(request.user).select_related("unit", "started_by"), pk=pk)
    template = "core/job_detail.html#job-status" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job, "poll_seconds": POLL_SECONDS})


def follow_job(request, job: Job):
    """Where a page goes after queuing ``job``: its job page while it waits or runs; when
    it has already ended (the immediate backend), its result or the page it came from,
    with its outcome as a message."""
    if job.status == JobStatus.DONE and job.result_url:
        messages.success(request, job.result)
        return redirect(job.result_url)
    if job.status == JobStatus.FAILED and job.result_url:
        messages.error(request, job.error)
        return redirect(job.result_url)
    return redirect(job_url(job))
