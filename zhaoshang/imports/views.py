"""Import pages: upload → preview → commit, the error workbook, the history of batches;
and the ledger export."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.jobs import job_url
from zhaoshang.core.models import AuditLog
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.imports.choices import ImportKind, ImportStatus, RowAction
from zhaoshang.imports.errors import error_workbook
from zhaoshang.imports.forms import LedgerUploadForm
from zhaoshang.imports.jobs import background_context, commits_as_job, enqueue_commit, ledger_summary, pending_commit
from zhaoshang.imports.ledger import LedgerNotFound, parse_ledger
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.reading import ReadError
from zhaoshang.imports.services import (
    ImportRefused,
    LedgerPreview,
    batch_sheets,
    commit_ledger,
    preview_ledger,
    resolve,
)
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.exports import ledger_workbook
from zhaoshang.projects.filtersets import ProjectFilterSet
from zhaoshang.projects.models import Project
from zhaoshang.projects.views import SORTS
from zhaoshang.reference.models import Industry

PREVIEW_PAGE = 100


def _batch_or_404(user, pk, action=Action.VIEW) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.restrict(user, action).filter(kind=ImportKind.LEDGER), pk=pk)


class BatchUnreadable(Exception):
    """The stored file of a batch can no longer be read (removed from storage, or not a
    ledger any more under today's rules): the user is told, never shown a 500."""


def _reparse(user, batch: ImportBatch) -> LedgerPreview:
    try:
        with batch.file.open("rb") as handle:
            data = handle.read()
        parsed = parse_ledger(batch_sheets(batch, data))
    except (OSError, ReadError, LedgerNotFound) as error:
        raise BatchUnreadable(f"无法重新读取该批次的文件「{batch.original_name}」：{error}。请重新上传。") from None
    resolve(user, batch.unit, parsed)
    return LedgerPreview(batch, parsed)


def _unreadable(request, error: BatchUnreadable):
    messages.error(request, str(error))
    return redirect("imports:ledger_upload")


@login_required
def ledger_upload(request):
    if not Project.access.allows(request.user, Action.ADD):
        raise Http404
    form = LedgerUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = preview_ledger(
                request.user,
                upload.read(),
                upload.name,
                form.cleaned_data["unit"],
                mark_verified=form.cleaned_data.get("mark_verified", False),
            )
        except (ReadError, LedgerNotFound, ValidationError) as error:
            form.add_error("file", "；".join(getattr(error, "messages", [str(error)])))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("imports:ledger_preview", pk=preview.batch.pk)
    batches = (
        ImportBatch.objects.restrict(request.user)
        .filter(kind=ImportKind.LEDGER)
        .select_related("unit", "created_by")[:10]
    )
    return render(request, "imports/ledger_upload.html", {"form": form, "batches": batches})


def _display(name: str, value, industries: dict) -> str:
    """A stored or parsed value as the preview shows it: 万元 without trailing zeros, ISO
    dates, stage labels, industry names."""
    if value in (None, ""):
        return "（空）"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    if name in ("stage", "verified_stage") and value in Stage.values:
        return Stage(value).label
    if name == "industry":
        return industries.get(value, str(value))
    return str(value)


def _field_label(name: str) -> str:
    try:
        return str(Project._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a name that is not a model field is shown as is
        return name


# Columns of the preview table; an error in one of them is shown in its cell.
PREVIEW_CELLS = ("name", "investor", "total_investment", "stage", "signed_on", "started_on", "responsible_unit")


def _decorate(rows, parsed) -> list:
    """The rows of one page, each with its per-cell errors, its other errors, and its
    changes as (field label, old, new) in Chinese."""
    ids = {pair[i] for row in rows for name, pair in row.changes.items() if name == "industry" for i in (0, 1)}
    industries = {
        pk: name for pk, name in Industry.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name")
    }
    cell_labels = {parsed.column_label(name): name for name in PREVIEW_CELLS}
    for row in rows:
        row.cell_errors = {cell_labels[label]: reason for label, reason in row.errors.items() if label in cell_labels}
        row.other_errors = [(label, reason) for label, reason in row.errors.items() if label not in cell_labels]
        row.change_list = [
            (_field_label(name), _display(name, old, industries), _display(name, new, industries))
            for name, (old, new) in row.changes.items()
        ]
    return rows


def _preview_context(request, batch: ImportBatch, preview: LedgerPreview, refused: list[str] | None = None) -> dict:
    only_errors = request.GET.get("errors") == "1"
    rows = preview.error_rows if only_errors else preview.rows
    page = paginate(request, rows, PREVIEW_PAGE)
    _decorate(page.object_list, preview.parsed)
    return {
        "batch": batch,
        "preview": preview,
        "page": page,
        "qs": querystring_without_page(request),
        "only_errors": only_errors,
        "counts": {action: preview.count(action) for action in RowAction.values},
        "error_count": len(preview.error_rows),
        "error_numbers": ",".join(str(row.number) for row in preview.error_rows),
        "refused": refused or [],
        **background_context(batch),
    }


@login_required
def ledger_preview(request, pk):
    batch = _batch_or_404(request.user, pk)
    # Parsed once per request; the table shows 100 rows a page however long the file.
    try:
        preview = _reparse(request.user, batch)
    except BatchUnreadable as error:
        return _unreadable(request, error)
    return render(request, "imports/ledger_preview.html", _preview_context(request, batch, preview))


def _excluded_rows(request) -> list[int]:
    numbers = set(request.POST.getlist("exclude"))
    if request.POST.get("exclude_all"):
        # Every error row listed on the preview, across all its pages.
        numbers.update(request.POST.get("error_rows", "").split(","))
    return sorted(int(number) for number in numbers if number.strip().isdigit())


@login_required
@require_POST
def ledger_commit(request, pk):
    batch = _batch_or_404(request.user, pk, Action.CHANGE)
    exclude = _excluded_rows(request)
    if commits_as_job(batch):
        # A large file commits in the job worker; its page shows progress, then the result.
        job = pending_commit(batch) or enqueue_commit(request.user, batch, exclude_rows=exclude)
        return redirect(job_url(job))
    try:
        result = commit_ledger(request.user, batch, exclude_rows=exclude)
    except ImportRefused as refused:
        # Nothing was saved; every reason is shown, not only the first.
        try:
            preview = _reparse(request.user, batch)
        except BatchUnreadable as error:
            return _unreadable(request, error)
        context = _preview_context(request, batch, preview, refused=refused.messages)
        return render(request, "imports/ledger_preview.html", context, status=400)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        return redirect("imports:ledger_preview", pk=pk)
    except (OSError, ReadError, LedgerNotFound) as error:
        return _unreadable(
            request, BatchUnreadable(f"无法读取该批次的文件「{batch.original_name}」：{error}。请重新上传。")
        )
    messages.success(request, ledger_summary(result, len(exclude)))
    return redirect("imports:ledger_result", pk=pk)


RESULT_LIMIT = 500


@login_required
def ledger_result(request, pk):
    batch = _batch_or_404(request.user, pk)
    if batch.status != ImportStatus.COMMITTED:
        return redirect("imports:ledger_preview", pk=pk)
    created_ids = batch.summary.get("created_ids", [])
    updated_ids = batch.summary.get("updated_ids", [])
    visible = Project.objects.restrict(request.user).select_related("investor", "responsible_unit")
    created = list(visible.filter(pk__in=created_ids[:RESULT_LIMIT]).order_by("code"))
    updated = list(visible.filter(pk__in=updated_ids[:RESULT_LIMIT]).order_by("code"))
    return render(
        request,
        "imports/ledger_result.html",
        {
            "batch": batch,
            "lists": [("新增", created), ("更新", updated)],
            "more": max(0, len(created_ids) + len(updated_ids) - len(created) - len(updated)),
        },
    )


@login_required
def ledger_errors(request, pk):
    batch = _batch_or_404(request.user, pk)
    try:
        preview = _reparse(request.user, batch)
    except BatchUnreadable as error:
        return _unreadable(request, error)
    header = preview.parsed.header
    label_to_index = {preview.parsed.column_label(name): column.index for name, column in header.columns.items()}
    errors = {row.number: row.messages() for row in preview.error_rows}
    bad = {
        row.number: {label_to_index[label] for label in row.errors if label in label_to_index}
        for row in preview.error_rows
    }
    with batch.file.open("rb") as handle:
        data = error_workbook(
            handle.read(), batch.original_name, preview.parsed.sheet_name, header.header_row + 1, errors, bad
        )
    name = batch.original_name.rsplit(".", 1)[0]
    return xlsx_response(data, f"{name}-错误说明.xlsx")


@login_required
def batch_list(request):
    if not ImportBatch.access.allows(request.user, Action.VIEW):
        raise Http404
    batches = ImportBatch.objects.restrict(request.user).select_related("unit", "created_by")
    return render(request, "imports/batch_list.html", {"page": paginate(request, batches, 50)})


def _title_unit(request, filterset) -> str:
    """Whose ledger the title names: the unit filtered on, else the top of the viewer's scope."""
    if filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("unit"):
        return filterset.form.cleaned_data["unit"].name
    if request.user.role == "officer" and request.user.unit:
        return request.user.unit.name
    top = Unit.objects.restrict(request.user).order_by("depth", "path").first()
    return top.name if top else "全部单位"


def describe_filters(filterset) -> str:
    """The filters in words, for the export's audit row: 阶段=已签约,已开工；单位=城关镇."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return "无筛选"
    parts = []
    for key, value in filterset.form.cleaned_data.items():
        if value in (None, "", []):
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(item) for item in value)
        parts.append(f"{filterset.form.fields[key].label}={value}")
    return "；".join(parts) or "无筛选"


@login_required
def ledger_export(request):
    """The project ledger as the bureau lays it out: exactly the list's filters and sort,
    only rows the viewer may export."""
    if not Project.access.allows(request.user, Action.EXPORT):
        raise Http404
    base = Project.objects.restrict(request.user, Action.EXPORT).filter(merged_into__isnull=True)
    filterset = ProjectFilterSet(request.GET or None, queryset=base, request=request)
    rows = filterset.qs.order_by(SORTS.get(request.GET.get("sort", "-updated"), "-updated_at"), "-id")
    today = timezone.localdate()
    data, count = ledger_workbook(rows, unit_name=_title_unit(request, filterset), as_of=today)
    AuditLog.record(
        AuditAction.EXPORT, None, detail=f"导出项目台账 {count} 个项目（筛选：{describe_filters(filterset)}）"
    )
    return xlsx_response(data, f"项目台账-{today:%Y%m%d}.xlsx")
