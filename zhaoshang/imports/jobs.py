"""Large imports commit in the job worker: the request queues the commit and the user
watches its progress on the job page, then opens the result.

Files up to ``IMPORT_JOB_MIN_ROWS`` rows still commit in the request (well under a second).
What a commit does is the same (``pipeline.commit_import``: one transaction, all or
nothing); only where it runs differs. The preview stays in the request.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.bulk import collector_paused
from zhaoshang.core.jobs import Job, JobFailed, JobOutcome, enqueue, pending
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.pipeline import commit_import
from zhaoshang.imports.spec import ImportRefused, spec_for

# Reasons listed on a refused job's page; the preview lists every one.
REFUSAL_LINES = 50


def commits_as_job(batch: ImportBatch) -> bool:
    """Whether this batch is large enough to commit in the worker (rows counted at preview)."""
    return spec_for(batch.kind) is not None and int(batch.summary.get("rows", 0)) > settings.IMPORT_JOB_MIN_ROWS


def pending_commit(batch: ImportBatch) -> Job | None:
    """The commit already queued or running for this batch (a second click shows it)."""
    return pending(spec_for(batch.kind).job_kind, batch_id=batch.pk)


def background_context(batch: ImportBatch) -> dict:
    """For the preview page: whether the commit will run in the background, and the commit
    already queued or running, if any (imports/_background.html)."""
    background = commits_as_job(batch)
    return {"commits_in_background": background, "pending_job": pending_commit(batch) if background else None}


def enqueue_commit(user, batch: ImportBatch, *, exclude_rows: list[int]) -> Job:
    spec = spec_for(batch.kind)
    return enqueue(
        spec.job_kind,
        "zhaoshang.imports.jobs.commit_job",
        title=f"导入{spec.title}「{batch.original_name}」",
        user=user,
        unit=batch.unit,
        params={"batch_id": batch.pk, "exclude_rows": list(exclude_rows)},
        message=f"排队等待导入（共 {batch.summary.get('rows', 0)} 行）",
        back_url=spec.url("preview", batch),
    )


def commit_job(job: Job, progress, *, batch_id: int, exclude_rows: list[int]) -> JobOutcome:
    batch = ImportBatch.objects.get(pk=batch_id)
    spec = spec_for(batch.kind)
    rows = int(batch.summary.get("rows", 0))
    progress(0, rows, f"正在导入 {rows} 行（全部成功才保存）")
    try:
        # The collector pause is process-wide: here it pauses nothing but this commit.
        with collector_paused():
            result = commit_import(spec, job.started_by, batch, exclude_rows=exclude_rows)
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
    except (OSError, ValueError) as error:  # the stored file gone, or no longer this kind of sheet
        raise JobFailed(f"无法读取该批次的文件「{batch.original_name}」：{error}。请重新上传。") from None
    excluded = len(result.batch.excluded_rows)
    return JobOutcome(spec.describe(result.batch, excluded), url=spec.result_url(result.batch))
