"""Object URLs of the core app, for the generic scope check (zhaoshang/testing.py)."""

from zhaoshang.testing import ScopeCheck


def _job_of_town_b(personas):
    from zhaoshang.core.jobs import Job, JobKind

    job = Job.objects.create(
        kind=JobKind.LEDGER_IMPORT,
        title="导入台账「河口镇.xlsx」",
        started_by=personas.officer_b,
        unit=personas.town_b,
        handler="zhaoshang.core.tests.test_jobs.finishes",
    )
    return {"pk": job.pk}


SCOPE_CHECKS = [ScopeCheck("core:job_detail", _job_of_town_b)]

# The audit log is the auditor's alone.
ADMIN_ONLY_URLS = ["core:audit_detail"]
