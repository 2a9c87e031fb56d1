"""The history of import batches, and the ledger export. The import pages themselves are
the generic ones (imports.generic), for every spec."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.models import AuditLog
from zhaoshang.core.views import paginate
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.spec import spec_for
from zhaoshang.projects.columns import LIST_ORDERING, PROJECT_COLUMNS
from zhaoshang.projects.exports import ledger_workbook
from zhaoshang.projects.filtersets import ProjectFilterSet
from zhaoshang.projects.models import Project


@login_required
def batch_list(request):
    if not ImportBatch.access.allows(request.user, Action.VIEW):
        raise Http404
    batches = ImportBatch.objects.restrict(request.user).select_related("unit", "created_by")
    page = paginate(request, batches, 50)
    for batch in page.object_list:
        # A batch links to its preview if its spec is still registered and open to the user.
        spec = spec_for(batch.kind)
        batch.link = spec.url("preview", batch) if spec and spec.allows(request.user) else ""
    return render(request, "imports/batch_list.html", {"page": page})


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
    order, _ = PROJECT_COLUMNS.ordering(request.GET.get("sort"))
    rows = filterset.qs.order_by(*(order or LIST_ORDERING))
    today = timezone.localdate()
    data, count = ledger_workbook(rows, unit_name=_title_unit(request, filterset), as_of=today)
    AuditLog.record(
        AuditAction.EXPORT, None, detail=f"导出项目台账 {count} 个项目（筛选：{describe_filters(filterset)}）"
    )
    return xlsx_response(data, f"项目台账-{today:%Y%m%d}.xlsx")
