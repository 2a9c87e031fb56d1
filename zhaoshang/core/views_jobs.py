"""The job page: what a long piece of work is doing, polled by htmx until it ends."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from zhaoshang.core.jobs import Job

# The partial asks again this often while the job waits or runs.
POLL_SECONDS = 2


@login_required
def job_detail(request, pk):
    # Only the user who started it (and the bureau, for business data) reads a job: 404 else.
    job = get_object_or_404(Job.objects.restrict(request.user).select_related("unit", "started_by"), pk=pk)
    template = "core/job_detail.html#job-status" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job, "poll_seconds": POLL_SECONDS})
