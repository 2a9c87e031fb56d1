"""Large imports commit in the job worker: the request queues the commit and the user
watches its progress on the job page, then opens the result.

Files up to ``IMPORT_JOB_MIN_ROWS`` rows still commit in the request (well under a second).
What a commit does is unchanged (``commit_ledger``, ``commit_funds``: one transaction, all
or nothing); only where it runs differs. The preview stays in the request.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from zhaoshang.core.jobs import Job, JobFailed, JobKind, JobOutcome, enqueue, pending
from zhaoshang.imports.choices import ImportKind, RowAction
from zhaoshang.imports.ledger import LedgerNotFound
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.reading import ReadError
from zhaoshang.imports.services import ImportRefused, collector_paused

# Reasons listed on a refused job's page; the preview lists every one.
REFUSAL_LINES = 50


def ledger_summary(result, excluded: int) -> str:
    return (
        f"导入完成：新增 {result.count(RowAction.CREATE)} 个，更新 {result.count(RowAction.UPDATE)} 个，"
        f"无变化 {result.count(RowAction.UNCHANGED)} 个，排除 {excluded} 行。"
    )


def funds_summary(result, excluded: int) -> str:
    return (
        f"导入完成：新增 {result.count(RowAction.CREATE)} 笔，合计 {result.create_amount().normalize():f} 万元；"
        f"无变化 {result.count(RowAction.UNCHANGED)} 笔，排除 {excluded} 行。"
    )


def targets_summary(result, excluded: int) -> str:
    return (
        f"已导入目标任务：新增 {result.count(RowAction.CREATE)} 条，更新 {result.count(RowAction.UPDATE)} 条，"
        f"无变化 {result.count(RowAction.UNCHANGED)} 条。"
    )


def targets_result_url(batch: ImportBatch, result) -> str:
    years = sorted({row.year for row in result.rows})
    return f"{reverse('targets:grid')}?year={years[0] if years else timezone.localdate().year}"


@dataclass(frozen=True)
class Commit:
    job_kind: str
    commit: str  # dotted path of the service
    summary: Callable
    preview_url: str
    result_url: str | Callable  # a URL name taking the batch id, or (batch, result) -> URL
    takes_exclusions: bool = True

    def result_link(self, batch: ImportBatch, result) -> str:
        if callable(self.result_url):
            return self.result_url(batch, result)
        return reverse(self.result_url, args=[batch.pk])


COMMITS = {
    ImportKind.LEDGER: Commit(
        JobKind.LEDGER_IMPORT,
        "zhaoshang.imports.services.commit_ledger",
        ledger_summary,
        "imports:ledger_preview",
        "imports:ledger_result",
    ),
    ImportKind.FUNDS: Commit(
        JobKind.FUNDS_IMPORT,
        "zhaoshang.imports.funds.commit_funds",
        funds_summary,
        "funds:import_preview",
        "funds:import_result",
    ),
    ImportKind.TARGETS: Commit(
        JobKind.TARGETS_IMPORT,
        "zhaoshang.imports.targets.commit_targets",
        targets_summary,
        "targets:import_preview",
        targets_result_url,
        takes_exclusions=False,
    ),
}


def commits_as_job(batch: ImportBatch) -> bool:
    """Whether this batch is large enough to commit in the worker (rows counted at preview)."""
    return batch.kind in COMMITS and int(batch.summary.get("rows", 0)) > settings.IMPORT_JOB_MIN_ROWS


def pending_commit(batch: ImportBatch) -> Job | None:
    """The commit already queued or running for this batch (a second click shows it)."""
    return pending(COMMITS[batch.kind].job_kind, batch_id=batch.pk)


def background_context(batch: ImportBatch) -> dict:
    """For the preview page: whether the commit will run in the background, and the commit
    already queued or running, if any (imports/_background.html)."""
    background = commits_as_job(batch)
    return {"commits_in_background": background, "pending_job": pending_commit(batch) if background else None}


def enqueue_commit(user, batch: ImportBatch, *, exclude_rows: list[int]) -> Job:
    spec = COMMITS[batch.kind]
    return enqueue(
        spec.job_kind,
        "zhaoshang.imports.jobs.commit_job",
        title=f"导入{batch.get_kind_display()}「{batch.original_name}」",
        user=user,
        unit=batch.unit,
        params={"batch_id": batch.pk, "exclude_rows": list(exclude_rows)},
        message=f"排队等待导入（共 {batch.summary.get('rows', 0)} 行）",
        back_url=reverse(spec.preview_url, args=[batch.pk]),
    )


def commit_job(job: Job, progress, *, batch_id: int, exclude_rows: list[int]) -> JobOutcome:
    batch = ImportBatch.objects.get(pk=batch_id)
    spec = COMMITS[batch.kind]
    rows = int(batch.summary.get("rows", 0))
    progress(0, rows, f"正在导入 {rows} 行（全部成功才保存）")
    try:
        # The collector pause is process-wide: here it pauses nothing but this commit.
        with collector_paused():
            commit = import_string(spec.commit)
            if spec.takes_exclusions:
                result = commit(job.started_by, batch, exclude_rows=exclude_rows)
            else:
                result = commit(job.started_by, batch)
    except ImportRefused as refused:
        lines = refused.messages[:REFUSAL_LINES]
        more = len(refused.messages) - len(lines)
        raise JobFailed(
            "文件未通过校验，没有导入任何一行：\n"
            + "\n".join(lines)
            + (f"\n……另有 {more} 条，请回到预览页查看全部。" if more else "")
        ) from None
    except (ValidationError, PermissionDenied) as error:
        raise JobFailed("；".join(getattr(error, "messages", [str(error)]))) from None
    except (OSError, ValueError, ReadError, LedgerNotFound) as error:
        raise JobFailed(f"无法读取该批次的文件「{batch.original_name}」：{error}。请重新上传。") from None
    return JobOutcome(spec.summary(result, len(exclude_rows)), url=spec.result_link(batch, result))
