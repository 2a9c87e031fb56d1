"""Statistics pages. Thin: the question is a form, the answer comes from stats.tables."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.models import AuditLog
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.stats import tables
from zhaoshang.stats.choices import INDICATOR_UNITS, NOT_PROJECT_INDICATORS, Indicator
from zhaoshang.stats.forms import TableForm
from zhaoshang.stats.models import UnitMonthFact
from zhaoshang.stats.ratios import RATIO_RULES, RATIO_UNITS, Ratio
from zhaoshang.stats.services import INDICATOR_RULES, Period
from zhaoshang.stats.services import behind as behind_rows


def _allowed(user):
    if not UnitMonthFact.access.allows(user, Action.VIEW):
        raise Http404


def _answer(request):
    """(form, result or None, error messages) for the GET parameters."""
    form = TableForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return form, None, form.error_messages()
    data = form.cleaned_data
    try:
        result = tables.build(
            request.user,
            year=data["year"],
            first=data["first"],
            last=data["last"],
            parent=data["unit"],
            indicators=data["indicators"],
            ratios=data["ratios"],
        )
    except (PermissionDenied, ValueError) as error:
        return form, None, [str(error)]
    return form, result, []


@login_required
def table(request):
    _allowed(request.user)
    form, result, errors = _answer(request)
    columns, ratio_columns = [], []
    if result:
        columns = [
            {
                "code": code,
                "label": Indicator(code).label,
                "unit": INDICATOR_UNITS[Indicator(code)],
                "drill": code not in NOT_PROJECT_INDICATORS,
            }
            for code in result.table.indicators
        ]
        ratio_columns = [
            {
                "code": code,
                "label": Ratio(code).label,
                "unit": RATIO_UNITS[Ratio(code)],
                "rule": RATIO_RULES[Ratio(code)],
            }
            for code in result.ratios
        ]
    return render(
        request,
        "stats/table.html",
        {
            "form": form,
            "result": result,
            "errors": errors,
            "columns": columns,
            "ratio_columns": ratio_columns,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def table_export(request):
    _allowed(request.user)
    if not UnitMonthFact.access.allows(request.user, Action.EXPORT):
        raise Http404
    form, result, errors = _answer(request)
    if result is None:
        return render(request, "stats/table.html", {"form": form, "result": None, "errors": errors}, status=400)
    AuditLog.record(AuditAction.EXPORT, None, detail=f"导出统计表：{result.title}"[:500])
    return xlsx_response(tables.workbook(result), f"{result.title}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def table_api(request):
    """GET /stats/api/table?year=2024&first=1&last=7[&unit=ID][&indicators=a,b]: the same
    numbers as the page, as exact decimal strings."""
    if not UnitMonthFact.access.allows(request.user, Action.VIEW):
        return JsonResponse({"error": "无权查看统计数据。"}, status=403)
    _, result, errors = _answer(request)
    if result is None:
        return JsonResponse({"error": "；".join(errors)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(tables.as_data(result), json_dumps_params={"ensure_ascii": False})


def _back_link(request, form, unit, period) -> tuple[str, str]:
    """Where the drill-down returns to: the dashboard when it was opened from there (and the
    menu marks 领导驾驶舱), else the statistics table of the unit's parent."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if request.GET.get("came_from") == "dashboard":
        request.nav_path = reverse("dashboard:index")
        first, last = period.start.month, period.end.month
        if first == last:
            kind = "month"
        elif first == 1:
            kind = "ytd"
        else:
            kind = "quarter"
        params = {"kind": kind, "year": period.end.year, "month": last, "quarter": (last - 1) // 3 + 1, "unit": unit.pk}
        return f"{reverse('dashboard:index')}?{urlencode(params)}", "← 返回领导驾驶舱"
    params = {"year": period.end.year, "first": period.start.month, "last": period.end.month}
    # Back to the table this figure came from: the unit's parent, when the viewer may open it.
    if form.fields["unit"].queryset.filter(pk=unit.parent_id).exists():
        params["unit"] = unit.parent_id
    return f"{reverse('stats:table')}?{urlencode(params)}", "← 返回统计报表"


@login_required
def behind(request):
    """The projects or tranches behind one figure of the table; their sum is the figure."""
    _allowed(request.user)
    form = TableForm(request.GET, user=request.user)
    indicator = request.GET.get("indicator", "")
    # Trip counts have no projects behind them; the trips are on the fieldwork list.
    if indicator in NOT_PROJECT_INDICATORS or indicator not in Indicator.values:
        indicator = ""
    if not indicator or not form.is_valid() or form.cleaned_data["unit"] is None:
        errors = form.error_messages() if form.is_bound and form.errors else ["请从统计表中点击数字查看其构成。"]
        return render(request, "stats/table.html", {"form": form, "result": None, "errors": errors}, status=400)
    data = form.cleaned_data
    unit = data["unit"]  # restricted to the units the viewer may see (an officer: own subtree)
    period = Period.months(data["year"], data["first"], data["last"])
    rows = behind_rows(indicator, unit, period)
    back_url, back_label = _back_link(request, form, unit, period)
    return render(
        request,
        "stats/behind.html",
        {
            "unit": unit,
            "back_url": back_url,
            "back_label": back_label,
            "period": period,
            "indicator": indicator,
            "label": Indicator(indicator).label,
            "word": INDICATOR_UNITS[Indicator(indicator)],
            "rule": INDICATOR_RULES[Indicator(indicator)],
            "total": sum((row.amount for row in rows), Decimal(0)),
            "count": len(rows),
            "tranches": indicator in (Indicator.FUNDS_IN_PLACE, Indicator.FOREIGN_FUNDS),
            "page": paginate(request, rows, 50),
            "qs": querystring_without_page(request),
        },
    )
