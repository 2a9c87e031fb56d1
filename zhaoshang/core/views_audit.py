"""The auditor's pages. Only the auditor reads the audit log (AuditRule); everyone else,
the system admin included, gets 404."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import write_xlsx, xlsx_response
from zhaoshang.core.filtersets import AuditLogFilterSet
from zhaoshang.core.models import AuditLog, SecurityEvent
from zhaoshang.core.views import paginate, querystring_without_page

EXPORT_LIMIT = 200_000


def _require_auditor(user, action=Action.VIEW):
    if not AuditLog.access.allows(user, action):
        raise Http404


@login_required
def audit_list(request):
    _require_auditor(request.user)
    filterset = AuditLogFilterSet(request.GET, queryset=AuditLog.objects.restrict(request.user))
    context = {
        "filterset": filterset,
        "page": paginate(request, filterset.qs, 50),
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
    context = {"page": paginate(request, events, 50), "username": username, "qs": querystring_without_page(request)}
    return render(request, "core/security_events.html", context)


@login_required
def audit_detail(request, pk):
    _require_auditor(request.user)
    event = get_object_or_404(AuditLog.objects.restrict(request.user), pk=pk)
    changes = json.dumps(event.changes, ensure_ascii=False, indent=2)
    return render(request, "core/audit_detail.html", {"event": event, "changes_json": changes})


@login_required
def audit_export(request):
    _require_auditor(request.user, Action.EXPORT)
    filterset = AuditLogFilterSet(request.GET, queryset=AuditLog.objects.restrict(request.user, Action.EXPORT))
    rows = filterset.qs[:EXPORT_LIMIT]
    count = rows.count()
    columns = [
        ("时间", 20),
        ("用户", 16),
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
    data = write_xlsx(
        "审计日志",
        columns,
        (
            [
                timezone.localtime(row.time).strftime("%Y-%m-%d %H:%M:%S"),
                row.username,
                row.get_action_display(),
                row.object_type,
                row.object_id,
                row.object_repr,
                json.dumps(row.changes, ensure_ascii=False) if row.changes else "",
                row.detail,
                row.ip or "",
                row.request_id,
                row.source,
            ]
            for row in rows.iterator(chunk_size=2000)
        ),
    )
    # Exporting the log is itself an event worth logging.
    AuditLog.record(AuditAction.EXPORT, None, detail=f"导出审计日志 {count} 条（{filterset.describe()}）")
    return xlsx_response(data, f"审计日志-{timezone.localdate():%Y%m%d}.xlsx")
