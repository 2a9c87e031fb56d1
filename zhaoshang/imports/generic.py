"""The import pages, once for every spec: upload → preview → commit → result, and the
error workbook.

Each view takes the spec's ``kind``: the generic URLs (imports:upload …) carry it in the
path, and an app that keeps its own URL names binds it in its urls.py
(``path("import/", generic.upload, {"kind": "funds"}, name="import")``). Reads go through
``ImportBatch.objects.restrict``; the pipeline checks the spec's rights again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from zhaoshang.core.choices import Action
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.jobs import job_url
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.imports.choices import ImportStatus, RowAction
from zhaoshang.imports.forms import UploadForm
from zhaoshang.imports.jobs import background_context, commits_as_job, enqueue_commit, pending_commit
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.pipeline import commit_import, errors_workbook, preview_import, reparse
from zhaoshang.imports.spec import Cell, ImportRefused, ImportSpec, spec_for

PREVIEW_PAGE = 100


def _spec_or_404(user, kind: str) -> ImportSpec:
    spec = spec_for(kind)
    if spec is None or not spec.allows(user):
        raise Http404
    return spec


def _batch_or_404(user, spec: ImportSpec, pk, action=Action.VIEW) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.restrict(user, action).filter(kind=spec.kind), pk=pk)


class BatchUnreadable(Exception):
    """The stored file of a batch can no longer be read (removed from storage, changed, or
    not this kind of sheet any more under today's rules): the user is told, never a 500."""


def _reparse(spec, user, batch):
    try:
        return reparse(spec, user, batch)
    except (OSError, ValueError, ValidationError) as error:
        reason = "；".join(getattr(error, "messages", [str(error)]))
        raise BatchUnreadable(f"无法重新读取该批次的文件「{batch.original_name}」：{reason}。请重新上传。") from None


def _unreadable(request, spec, error: BatchUnreadable):
    messages.error(request, str(error))
    return redirect(spec.url("upload"))


def _reason(error) -> str:
    return "；".join(getattr(error, "messages", [str(error)]))


def _form(spec: ImportSpec, request):
    form_class = spec.form_class or UploadForm
    return form_class(request.POST or None, request.FILES or None, user=request.user, spec=spec)


@login_required
def upload(request, kind):
    spec = _spec_or_404(request.user, kind)
    form = _form(spec, request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        file = data["file"]
        try:
            preview = preview_import(
                spec,
                request.user,
                file.read(),
                file.name,
                data.get("unit"),
                mark_verified=data.get("mark_verified", False),
                options={name: data.get(name) for name in spec.option_names},
            )
        except (ValueError, ValidationError) as error:  # unreadable, not this sheet, too large
            form.add_error("file", _reason(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect(spec.url("preview", preview.batch))
    batches = list(
        ImportBatch.objects.restrict(request.user).filter(kind=spec.kind).select_related("unit", "created_by")[:10]
    )
    for batch in batches:
        batch.link = spec.url("result" if batch.status == ImportStatus.COMMITTED else "preview", batch)
    return render(request, "imports/generic/upload.html", {"spec": spec, "form": form, "batches": batches})


def _table(spec: ImportSpec, parsed, rows) -> None:
    """Each row of a page as the preview shows it: its cells with their errors, the errors
    of no shown column, its notes and what an update changes."""
    spec.decorate(rows)
    labels = {parsed.column_label(name): name for name, _ in spec.columns}
    for row in rows:
        errors = {labels[label]: reason for label, reason in row.errors.items() if label in labels}
        row.cells = []
        for name, _ in spec.columns:
            cell = spec.cell(row, name)
            cell = cell if isinstance(cell, Cell) else Cell(cell)
            row.cells.append((cell, errors.get(name, "")))
        row.other_errors = [(label, reason) for label, reason in row.errors.items() if label not in labels]
        if not hasattr(row, "change_list"):
            row.change_list = []


def _preview_context(request, spec, preview, refused=None) -> dict:
    batch = preview.batch
    only_errors = request.GET.get("errors") == "1"
    page = paginate(request, preview.error_rows if only_errors else preview.rows, PREVIEW_PAGE)
    _table(spec, preview.parsed, page.object_list)
    counts = {action: preview.count(action) for action in RowAction.values}
    return {
        "spec": spec,
        "batch": batch,
        "preview": preview,
        "page": page,
        "qs": querystring_without_page(request),
        "only_errors": only_errors,
        "cards": [(label, counts[action], action) for action, label in spec.count_cards],
        "figures": spec.figures(spec.summary(preview)),
        "error_count": len(preview.error_rows),
        "error_numbers": ",".join(str(row.number) for row in preview.error_rows),
        "refused": refused or [],
        "urls": {step: spec.url(step, batch) for step in ("commit", "result", "errors")},
        **background_context(batch),
    }


@login_required
def preview(request, kind, pk):
    spec = _spec_or_404(request.user, kind)
    batch = _batch_or_404(request.user, spec, pk)
    # Parsed once per request; the table shows 100 rows a page however long the file.
    try:
        result = _reparse(spec, request.user, batch)
    except BatchUnreadable as error:
        return _unreadable(request, spec, error)
    return render(request, "imports/generic/preview.html", _preview_context(request, spec, result))


def _excluded_rows(request) -> list[int]:
    numbers = set(request.POST.getlist("exclude"))
    if request.POST.get("exclude_all"):
        # Every error row listed on the preview, across all its pages.
        numbers.update(request.POST.get("error_rows", "").split(","))
    return sorted(int(number) for number in numbers if number.strip().isdigit())


@login_required
@require_POST
def commit(request, kind, pk):
    spec = _spec_or_404(request.user, kind)
    batch = _batch_or_404(request.user, spec, pk, Action.CHANGE)
    exclude = _excluded_rows(request) if spec.exclusions else []
    if commits_as_job(batch):
        # A large file commits in the job worker; its page shows progress, then the result.
        job = pending_commit(batch) or enqueue_commit(request.user, batch, exclude_rows=exclude)
        return redirect(job_url(job))
    try:
        result = commit_import(spec, request.user, batch, exclude_rows=exclude)
    except ImportRefused as refused:
        # Nothing was saved; every reason is shown, not only the first.
        try:
            again = _reparse(spec, request.user, batch)
        except BatchUnreadable as error:
            return _unreadable(request, spec, error)
        context = _preview_context(request, spec, again, refused=refused.messages)
        return render(request, "imports/generic/preview.html", context, status=400)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _reason(error))
        return redirect(spec.url("preview", batch))
    except (OSError, ValueError) as error:
        return _unreadable(
            request, spec, BatchUnreadable(f"无法读取该批次的文件「{batch.original_name}」：{error}。请重新上传。")
        )
    messages.success(request, spec.describe(result.batch, len(result.batch.excluded_rows)))
    return redirect(spec.result_url(result.batch))


@login_required
def result(request, kind, pk):
    spec = _spec_or_404(request.user, kind)
    batch = _batch_or_404(request.user, spec, pk)
    if batch.status != ImportStatus.COMMITTED:
        return redirect(spec.url("preview", batch))
    summary = batch.summary
    context = {
        "spec": spec,
        "batch": batch,
        "cards": [(label, summary.get(action, 0), action) for action, label in spec.count_cards],
        "figures": spec.figures(summary),
        "upload_url": spec.url("upload"),
        **spec.result_context(request, batch),
    }
    return render(request, "imports/generic/result.html", context)


@login_required
def errors(request, kind, pk):
    spec = _spec_or_404(request.user, kind)
    batch = _batch_or_404(request.user, spec, pk)
    try:
        data = errors_workbook(spec, _reparse(spec, request.user, batch))
    except BatchUnreadable as error:
        return _unreadable(request, spec, error)
    except OSError as error:
        return _unreadable(request, spec, BatchUnreadable(f"无法读取该批次的文件「{batch.original_name}」：{error}。"))
    name = batch.original_name.rsplit(".", 1)[0]
    return xlsx_response(data, f"{name}-错误说明.xlsx")


def own_urls(kind: str) -> list:
    """The pages of a spec at an app's own addresses, under the names of its ``url_names``
    (``path("import/", include(generic.own_urls("funds")))``)."""
    bound = {"kind": kind}
    names = {step: name.rsplit(":", 1)[-1] for step, name in spec_for(kind).url_names.items()}
    return [
        path("", upload, bound, name=names["upload"]),
        path("<int:pk>/", preview, bound, name=names["preview"]),
        path("<int:pk>/commit/", commit, bound, name=names["commit"]),
        path("<int:pk>/result/", result, bound, name=names["result"]),
        path("<int:pk>/errors.xlsx", errors, bound, name=names["errors"]),
    ]
