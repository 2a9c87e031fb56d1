"""``rebuild_stats --enqueue`` hands the rebuild to the job worker; a rebuild that fails
half-way leaves the old roll-up in place."""

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.core.jobs import Job, JobKind, JobStatus
from zhaoshang.core.tests.workers import run_worker_once, use_database_queue
from zhaoshang.funds.models import FundsTranche
from zhaoshang.stats import facts
from zhaoshang.stats.models import UnitMonthFact

pytestmark = pytest.mark.django_db


def _drift():
    with facts.unchanged():  # a write that bypasses the roll-up, as a raw SQL fix would
        tranche = FundsTranche.objects.get(amount=D("1000"))
        tranche.amount = D("9000")
        tranche.save()


def test_rebuild_stats_enqueue_returns_at_once_and_the_worker_rebuilds(dataset, settings, capsys, monkeypatch):
    use_database_queue(settings, monkeypatch)
    _drift()
    call_command("rebuild_stats", "--enqueue")
    job = Job.objects.get()
    assert (job.kind, job.status, job.business) == (JobKind.REBUILD_STATS, JobStatus.QUEUED, False)
    assert f"#{job.pk}" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("rebuild_stats", "--check")  # not rebuilt yet
    run_worker_once()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result.startswith("已重建月度统计汇总")
    call_command("rebuild_stats", "--check")


def test_a_rebuild_that_fails_half_way_keeps_the_old_roll_up(dataset, monkeypatch):
    before = UnitMonthFact.objects.count()
    assert before

    def broken(rules):
        raise RuntimeError("killed while computing")

    monkeypatch.setattr(facts, "compute", broken)
    with pytest.raises(RuntimeError):
        call_command("rebuild_stats")
    assert UnitMonthFact.objects.count() == before
