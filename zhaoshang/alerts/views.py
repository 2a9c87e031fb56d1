"""Warning pages: the list (filters, pagination), the bureau's rules with their edit page,
and the 立即扫描 button with its progress. Thin: reads through restrict(), writes through
services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.alerts import services
from zhaoshang.alerts.filtersets import WarningFilterSet
from zhaoshang.alerts.forms import WarningRuleForm
from zhaoshang.alerts.models import Warning, WarningRule, WarningScan
from zhaoshang.alerts.registry import all_kinds
from zhaoshang.core.choices import Action
from zhaoshang.core.models import StaleEditError
from zhaoshang.core.views import paginate, querystring_without_page

PAGE = 50


@login_required
def warning_list(request):
    if not Warning.access.allows(request.user, Action.VIEW):
        raise Http404
    base = Warning.objects.restrict(request.user)
    filterset = WarningFilterSet(request.GET, queryset=base, request=request)
    rows = filterset.qs.select_related("project", "unit").order_by("status", "level", "-since", "-id")
    context = {
        "filterset": filterset,
        "page": paginate(request, rows, PAGE),
        "qs": querystring_without_page(request),
        "can_scan": WarningScan.access.allows(request.user, Action.CHANGE),
        "last_scan": WarningScan.objects.restrict(request.user).first(),
    }
    template = "alerts/warning_list.html#warning-table" if request.htmx else "alerts/warning_list.html"
    return render(request, template, context)


@login_required
def rule_list(request):
    if not WarningRule.access.allows(request.user, Action.VIEW):
        raise Http404
    rules = services.ensure_rules()
    readable = set(WarningRule.objects.restrict(request.user).values_list("kind", flat=True))
    rows = [{"spec": spec, "rule": rules[spec.kind]} for spec in all_kinds() if spec.kind in readable]
    for row in rows:
        rule, spec = row["rule"], row["spec"]
        row["settings"] = [
            (label, _setting_text(rule, name)) for name, label in spec.fields.items() if name != "stage_limits"
        ]
        if "stage_limits" in spec.fields:
            row["stage_limits"] = _stage_limits_text(rule)
    scans = WarningScan.objects.restrict(request.user).select_related("triggered_by")[:5]
    return render(
        request,
        "alerts/rule_list.html",
        {
            "rows": rows,
            "scans": scans,
            "running": next((scan for scan in scans if scan.status == "running"), None),
            "can_change": WarningRule.access.allows(request.user, Action.CHANGE),
        },
    )


def _setting_text(rule, name) -> str:
    value = getattr(rule, name)
    return "—" if value is None else str(value)


def _stage_limits_text(rule) -> str:
    from zhaoshang.alerts.rules import DWELL_STAGES
    from zhaoshang.projects.choices import Stage

    limits = rule.stage_limits or {}
    return "；".join(
        f"{Stage(stage).label} {limits[stage]} 天" if limits.get(stage) else f"{Stage(stage).label} 不检查"
        for stage in DWELL_STAGES
    )


@login_required
def rule_edit(request, kind):
    services.ensure_rules()
    rule = get_object_or_404(WarningRule.objects.restrict(request.user, Action.CHANGE), kind=kind)
    if rule.spec is None:
        raise Http404
    stale = None
    if request.method == "POST":
        form = WarningRuleForm(request.POST, instance=rule)
        if form.is_valid():
            try:
                services.update_rule(request.user, form.instance, expected_version=form.cleaned_data["version"] or 0)
            except StaleEditError as error:
                stale = error.current
                messages.error(request, "该规则已被他人修改：下方是最新的设置，请确认后重新保存。")
                form = WarningRuleForm(instance=stale)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"已保存「{rule.label}」规则；下次扫描（或点「立即扫描」）后生效。")
                return redirect("alerts:rules")
    else:
        form = WarningRuleForm(instance=rule)
    return render(request, "alerts/rule_form.html", {"form": form, "rule": rule, "spec": rule.spec, "stale": stale})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
@require_POST
def scan_start(request):
    if not WarningScan.access.allows(request.user, Action.CHANGE):
        raise Http404
    scan_row, started = services.start_scan(request.user)
    if started:
        # The job worker runs it; the partial below polls the scan row until it ends.
        services.enqueue_scan(request.user, scan_row)
        scan_row.refresh_from_db()
    if request.htmx:
        return render(request, "alerts/_scan_status.html", {"scan": scan_row, "already": not started})
    if not started:
        messages.info(request, "已有一次扫描正在进行，请稍候。")
    return redirect("alerts:rules")


@login_required
def scan_status(request, pk):
    scan_row = get_object_or_404(WarningScan.objects.restrict(request.user, Action.CHANGE), pk=pk)
    return render(request, "alerts/_scan_status.html", {"scan": scan_row})
