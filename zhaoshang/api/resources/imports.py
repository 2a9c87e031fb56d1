"""Imports through the API: a town's own tool pushes a ledger (or a funds sheet, a targets
sheet, a trip ledger …: every registered ImportSpec) the way the import pages take it —
upload → preview (nothing saved but the batch) → commit, all-or-nothing, in the job
worker above ``IMPORT_JOB_MIN_ROWS`` rows — and then follows the job."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from zhaoshang.api.api import ERRORS, IDEMPOTENCY_KEY, _replayed, form_invalid, local
from zhaoshang.api.resources.common import business, one
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.api.services import ApiError, idempotent
from zhaoshang.core.choices import Action

router = Router(tags=["导入"])


class BatchOut(Schema):
    id: int
    kind: str
    title: str = Field(description="导入的内容，如「项目台账」")
    unit_id: int
    unit: str
    file_name: str
    sha256: str
    status: str
    status_label: str
    summary: dict[str, Any] = Field(
        description="行数与各动作的条数（rows、create、update、unchanged、errors、excluded）及前 200 条逐行说明"
    )
    created_at: datetime.datetime
    committed_at: datetime.datetime | None


class CommitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    exclude_rows: list[int] = Field(
        default_factory=list, max_length=10000, description="有意排除的出错行（表中行号）；其余出错行会使整批拒绝"
    )


class JobOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    status: str
    status_label: str
    done: int
    total: int
    message: str
    result: str
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class CommitOut(Schema):
    batch: BatchOut
    job: JobOut | None = Field(description="文件较大时在后台导入：据此查询进度（GET /jobs/{id}）")


def batch_out(batch) -> dict:
    from zhaoshang.imports.spec import spec_for

    spec = spec_for(batch.kind)
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "title": spec.title if spec else batch.kind,
        "unit_id": batch.unit_id,
        "unit": batch.unit.name,
        "file_name": batch.original_name,
        "sha256": batch.sha256,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "summary": batch.summary,
        "created_at": local(batch.created_at),
        "committed_at": local(batch.committed_at),
    }


def job_out(job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "title": job.title,
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "result": job.result,
        "error": job.error,
        "created_at": local(job.created_at),
        "finished_at": local(job.finished_at),
    }


def _spec(user, kind: str):
    from zhaoshang.imports.spec import spec_for

    spec = spec_for(kind)
    if spec is None:
        raise ApiError(404, "not_found", f"没有「{kind}」这种导入。")
    if not spec.allows(user):
        raise ApiError(403, "forbidden", spec.refused_message or f"您没有导入{spec.title}的权限。")
    return spec


def _batches(user, action=Action.VIEW):
    from zhaoshang.imports.models import ImportBatch

    return ImportBatch.objects.restrict(user, action).select_related("unit")


def _refusal(error) -> str:
    return "；".join(getattr(error, "messages", [str(error)]))


@router.post(
    "/imports/{kind}",
    response={201: BatchOut, ERRORS: ErrorOut},
    summary="上传文件并预览（不保存数据，只生成批次）",
)
def upload(request, kind: str, file: File[UploadedFile]):
    """The file as a multipart upload (field ``file``), with the form's other fields as the
    upload page has them: ``unit`` (the unit's id, for per-unit imports), ``mark_verified``
    (the bureau migrating verified history), and the spec's own options (``default_year`` for
    targets). The answer says what committing would do, row by row in Chinese."""
    from zhaoshang.imports.pipeline import preview_import

    business(request, "imports", "write")
    spec = _spec(request.user, kind)
    from zhaoshang.imports.forms import UploadForm

    form_class = spec.form_class or UploadForm
    form = form_class(request.POST, {"file": file}, user=request.user, spec=spec)
    if not form.is_valid():
        raise form_invalid(form)
    data = form.cleaned_data
    try:
        preview = preview_import(
            spec,
            request.user,
            data["file"].read(),
            data["file"].name,
            data.get("unit"),
            mark_verified=data.get("mark_verified", False),
            options={name: data.get(name) for name in spec.option_names},
        )
    except PermissionDenied as error:
        raise ApiError(403, "forbidden", str(error)) from None
    except (ValueError, ValidationError) as error:  # unreadable, not this sheet, too large
        raise ApiError(422, "invalid", f"文件：{_refusal(error)}") from None
    return Status(201, batch_out(preview.batch))


@router.get("/imports/batches/{batch_id}", response={200: BatchOut, ERRORS: ErrorOut}, summary="导入批次")
def batch_detail(request, batch_id: int):
    business(request, "imports")
    return batch_out(one(_batches(request.user), batch_id))


@router.post(
    "/imports/batches/{batch_id}/commit",
    response={200: CommitOut, 202: CommitOut, ERRORS: ErrorOut},
    summary="确认导入（全部成功才保存；大文件在后台导入）",
)
def batch_commit(
    request, batch_id: int, payload: CommitIn, response: HttpResponse, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    from zhaoshang.imports.jobs import commits_as_job, enqueue_commit, pending_commit
    from zhaoshang.imports.pipeline import commit_import
    from zhaoshang.imports.spec import ImportRefused

    business(request, "imports", "write")
    user = request.user
    batch = one(_batches(user, Action.CHANGE), batch_id)
    spec = _spec(user, batch.kind)
    exclude = sorted(set(payload.exclude_rows)) if spec.exclusions else []

    def commit():
        if commits_as_job(batch):
            job = pending_commit(batch) or enqueue_commit(user, batch, exclude_rows=exclude)
            return 202, {"batch": batch_out(one(_batches(user), batch.pk)), "job": job_out(job)}
        try:
            result = commit_import(spec, user, batch, exclude_rows=exclude)
        except ImportRefused as refused:
            raise ApiError(422, "refused", "整批未导入：" + "；".join(refused.messages[:50])) from None
        except PermissionDenied as error:
            raise ApiError(403, "forbidden", str(error)) from None
        except (ValidationError, OSError, ValueError) as error:
            raise ApiError(422, "invalid", _refusal(error)) from None
        return 200, {"batch": batch_out(result.batch), "job": None}

    status, body, replayed = idempotent(request, request.auth, idempotency_key, commit)
    _replayed(response, replayed)
    return Status(status, body)


@router.get("/jobs/{job_id}", response={200: JobOut, ERRORS: ErrorOut}, summary="后台任务的进度与结果")
def job_detail(request, job_id: int):
    from zhaoshang.core.jobs import Job

    business(request, "imports")
    return job_out(one(Job.objects.restrict(request.user), job_id))
