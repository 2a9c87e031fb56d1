"""Import pages: upload → preview → commit, the error workbook, the history of batches;
and the ledger export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.models import AuditLog
from zhaoshang.core.views import paginate
from zhaoshang.imports.choices import ImportKind, ImportStatus, RowAction
from zhaoshang.imports.errors import error_workbook
from zhaoshang.imports.forms import LedgerUploadForm
from zhaoshang.imports.ledger import LedgerNotFound, parse_ledger
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.reading import ReadError, read_workbook
from zhaoshang.imports.services import ImportRefused, LedgerPreview, commit_ledger, preview_ledger, resolve
from zhaoshang.projects.exports import ledger_workbook
from zhaoshang.projects.models import Project
from zhaoshang.projects.views import project_queryset

PREVIEW_PAGE = 100


def _batch_or_404(user, pk, action=Action.VIEW) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.restrict(user, action).filter(kind=ImportKind.LEDGER), pk=pk)


def _reparse(user, batch: ImportBatch) -> LedgerPreview:
    with batch.file.open("rb") as handle:
        data = handle.read()
    parsed = parse_ledger(read_workbook(data, batch.original_name))
    resolve(user, batch.unit, parsed)
    return LedgerPreview(batch, parsed)


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


@login_required
def ledger_preview(request, pk):
    batch = _batch_or_404(request.user, pk)
    preview = _reparse(request.user, batch)
    only_errors = request.GET.get("errors") == "1"
    rows = preview.error_rows if only_errors else preview.rows
    return render(
        request,
        "imports/ledger_preview.html",
        {
            "batch": batch,
            "preview": preview,
            "page": paginate(request, rows, PREVIEW_PAGE),
            "only_errors": only_errors,
            "counts": {action: preview.count(action) for action in RowAction.values},
            "error_count": len(preview.error_rows),
            "columns": preview.parsed.header.columns,
        },
    )


@login_required
@require_POST
def ledger_commit(request, pk):
    batch = _batch_or_404(request.user, pk, Action.CHANGE)
    exclude = [int(number) for number in request.POST.getlist("exclude") if number.isdigit()]
    try:
        result = commit_ledger(request.user, batch, exclude_rows=exclude)
    except ImportRefused as refused:
        messages.error(
            request, f"有 {len(refused.messages)} 处错误未处理，未导入任何数据。请修正后重新上传，或勾选排除这些行。"
        )
        return redirect("imports:ledger_preview", pk=pk)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        return redirect("imports:ledger_preview", pk=pk)
    messages.success(
        request,
        f"导入完成：新增 {result.count(RowAction.CREATE)} 个，更新 {result.count(RowAction.UPDATE)} 个，"
        f"无变化 {result.count(RowAction.UNCHANGED)} 个，排除 {len(exclude)} 行。",
    )
    return redirect("imports:ledger_result", pk=pk)


@login_required
def ledger_result(request, pk):
    batch = _batch_or_404(request.user, pk)
    if batch.status != ImportStatus.COMMITTED:
        return redirect("imports:ledger_preview", pk=pk)
    return render(request, "imports/ledger_result.html", {"batch": batch})


@login_required
def ledger_errors(request, pk):
    batch = _batch_or_404(request.user, pk)
    preview = _reparse(request.user, batch)
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


@login_required
def ledger_export(request):
    """The project ledger as the bureau lays it out, with exactly the list's filters."""
    if not Project.access.allows(request.user, Action.EXPORT):
        raise Http404
    filterset, rows, _ = project_queryset(request)
    rows = rows.filter(pk__in=Project.objects.restrict(request.user, Action.EXPORT).values("pk"))
    unit = request.user.unit
    data, count = ledger_workbook(rows, unit_name=unit.name if unit else "全部单位", as_of=timezone.localdate())
    AuditLog.record(
        AuditAction.EXPORT,
        None,
        detail=f"导出项目台账 {count} 个项目（{filterset.form.data.urlencode() if filterset.is_bound else '无筛选'}）",
    )
    return xlsx_response(data, f"项目台账-{timezone.localdate():%Y%m%d}.xlsx")
