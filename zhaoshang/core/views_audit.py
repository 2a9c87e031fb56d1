"""The auditor's pages. Only the auditor reads the audit log (AuditRule); everyone else,
the system admin included, gets 404."""

import itertools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from zhaoshang.core.changes import SOURCE_LABELS, change_text, describe_rows, format_local_datetime
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import write_xlsx, xlsx_response
from zhaoshang.core.filtersets import AuditLogFilterSet
from zhaoshang.core.models import AuditLog, SecurityEvent
from zhaoshang.core.security import TOKEN_REASON_PREFIX
from zhaoshang.core.views import paginate, querystring_without_page

EXPORT_LIMIT = 200_000


def _require_auditor(user, action=Action.VIEW):
    if not AuditLog.access.allows(user, action):
        raise Http404


@login_required
def audit_list(request):
    _require_auditor(request.user)
    filterset = AuditLogFilterSet(request.GET, queryset=AuditLog.objects.restrict(request.user))
    page = paginate(request, filterset.qs, 50)
    describe_rows(page.object_list)
    context = {
        "filterset": filterset,
        "page": page,
        "qs": querystring_without_page(request),
    }
    template = "core/audit_list.html#audit-table" if request.htmx else "core/audit_list.html"
    return render(request, template, context)


@login_required
def security_events(request):
    """Refused access by user, path and hour (``core/security.py``), newest first."""
    _require_auditor(request.user)
    events = SecurityEvent.objects.restrict(request.user)
    username = request.GET.get("username", "").strip()[:150]
    if username:
        events = events.filter(username=username)
    kind = request.GET.get("kind", "")
    if kind == "token":
        events = events.filter(reason__startswith=TOKEN_REASON_PREFIX)
    context = {
        "page": paginate(request, events, 50),
        "username": username,
        "kind": kind,
        "qs": querystring_without_page(request),
    }
    return render(request, "core/security_events.html", context)


@login_required
def audit_detail(request, pk):
    _require_auditor(request.user)
    event = get_object_or_404(AuditLog.objects.restrict(request.user), pk=pk)
    # The auditor sees every field, the bookkeeping ones too.
    describe_rows([event], hide=())
    return render(request, "core/audit_detail.html", {"event": event})


@login_required
def audit_export(request):
    _require_auditor(request.user, Action.EXPORT)
    filterset = AuditLogFilterSet(request.GET, queryset=AuditLog.objects.restrict(request.user, Action.EXPORT))
    rows = filterset.qs[:EXPORT_LIMIT]
    count = rows.count()
    columns = [
        ("时间", 20),
        ("用户", 16),
        ("用户名", 16),
        ("操作", 12),
        ("对象类型", 20),
        ("对象编号", 10),
        ("对象", 30),
        ("变更内容", 60),
        ("说明", 30),
        ("IP", 16),
        ("请求编号", 18),
        ("来源", 8),
    ]

    def described():
        # Related names and people are read per batch, not per row.
        pending = rows.iterator(chunk_size=2000)
        while batch := list(itertools.islice(pending, 2000)):
            yield from describe_rows(batch, hide=())

    data = write_xlsx(
        "审计日志",
        columns,
        (
            [
                f"{format_local_datetime(row.time)}:{timezone.localtime(row.time):%S}",
                row.actor,
                row.username,
                row.get_action_display(),
                row.type_label,
                row.object_id,
                row.object_repr,
                change_text(row),
                row.detail,
                row.ip or "",
                row.request_id,
                SOURCE_LABELS.get(row.source, row.source),
            ]
            for row in described()
        ),
    )
    # Exporting the log is itself an event worth logging.
    AuditLog.record(AuditAction.EXPORT, None, detail=f"导出审计日志 {count} 条（{filterset.describe()}）")
    return xlsx_response(data, f"审计日志-{timezone.localdate():%Y%m%d}.xlsx")
