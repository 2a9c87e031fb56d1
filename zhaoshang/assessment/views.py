"""Assessment pages. Thin: reads through restrict(), scores from services, writes through
services.

Who sees what: the bureau configures schemes, records entries and publishes; a leader
reads everything, live and published; a unit officer reads published results only — the
ranking, and the breakdown of units in their own subtree (another unit's answers 404).
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit
from zhaoshang.assessment import tables
from zhaoshang.assessment.choices import EntryKind, RuleKind, period_keys
from zhaoshang.assessment.forms import EntryForm, IndicatorFormSet, PeriodForm, RuleFormSet, SchemeForm
from zhaoshang.assessment.models import AssessmentResult, AssessmentScheme, ManualEntry
from zhaoshang.assessment.services import (
    RuleInput,
    compute_scores,
    default_period_key,
    delete_entry,
    differences,
    publish,
    result_scores,
    save_entry,
    save_scheme,
)
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.models import AuditLog, StaleEditError
from zhaoshang.core.views import paginate
from zhaoshang.stats.choices import Indicator

ROWS_INDICATORS = len(Indicator)
ROWS_RULES = 6


def _sees_live(user) -> bool:
    """Live (unpublished) scores are for the bureau and leaders."""
    return AssessmentScheme.access.allows(user, Action.VIEW) and user.role in (Role.BUREAU, Role.LEADER)


def _may_edit(user) -> bool:
    return AssessmentScheme.access.allows(user, Action.CHANGE)


def _scheme_or_404(request, pk, *, live: bool = True, edit: bool = False) -> AssessmentScheme:
    if (edit and not _may_edit(request.user)) or (live and not _sees_live(request.user)):
        raise Http404
    action = Action.CHANGE if edit else Action.VIEW
    return get_object_or_404(AssessmentScheme.objects.restrict(request.user, action).select_related("parent"), pk=pk)


def _apply_errors(form, error: ValidationError, extra: dict[str, list]) -> None:
    """Field errors onto the form; errors about the indicator or rule rows into ``extra``."""
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for name, reasons in items:
        for reason in reasons:
            if name in extra:
                extra[name].append(reason)
            else:
                form.add_error(name if name in form.fields else None, reason)


# --- Schemes -------------------------------------------------------------------------------------


@login_required
def scheme_list(request):
    if not AssessmentScheme.access.allows(request.user, Action.VIEW):
        raise Http404
    schemes = AssessmentScheme.objects.restrict(request.user).select_related("parent").prefetch_related("results")
    return render(
        request,
        "assessment/scheme_list.html",
        {
            "page": paginate(request, schemes, 30),
            "may_edit": _may_edit(request.user),
            "sees_live": _sees_live(request.user),
        },
    )


def _rows_initial(scheme):
    indicators = (
        [{"indicator": row.indicator, "weight": row.weight} for row in scheme.indicators.all()] if scheme.pk else []
    )
    rules = (
        [
            {
                "kind": row.kind,
                "points": row.points,
                "max_points": row.max_points,
                "threshold_wan": row.threshold_wan,
                "flag": row.flag,
            }
            for row in scheme.rules.all()
        ]
        if scheme.pk
        else []
    )
    if not scheme.pk:
        indicators = [
            {"indicator": Indicator.CONTRACTED_INVESTMENT, "weight": Decimal(40)},
            {"indicator": Indicator.FUNDS_IN_PLACE, "weight": Decimal(30)},
            {"indicator": Indicator.SIGNED_BIG_COUNT, "weight": Decimal(15)},
            {"indicator": Indicator.STARTED_COUNT, "weight": Decimal(15)},
        ]
        rules = [
            {"kind": RuleKind.INVESTOR_FLAG, "points": Decimal(2), "max_points": Decimal(6)},
            {
                "kind": RuleKind.BIG_PROJECT,
                "points": Decimal(3),
                "max_points": Decimal(9),
                "threshold_wan": Decimal(100000),
            },
            {"kind": RuleKind.NOT_STARTED, "points": Decimal(1), "max_points": Decimal(5)},
            {"kind": RuleKind.MISSING_REPORT, "points": Decimal("0.5")},
            {"kind": RuleKind.FALSIFIED, "points": Decimal(5)},
        ]
    indicators += [{}] * max(0, ROWS_INDICATORS - len(indicators))
    rules += [{}] * max(0, ROWS_RULES - len(rules))
    return indicators, rules


def _scheme_form(request, scheme: AssessmentScheme):
    creating = scheme.pk is None
    indicator_rows, rule_rows = _rows_initial(scheme)
    if request.method == "POST":
        form = SchemeForm(request.POST, instance=scheme, user=request.user)
        indicator_set = IndicatorFormSet(request.POST, prefix="ind")
        rule_set = RuleFormSet(request.POST, prefix="rule")
    else:
        initial = {} if scheme.pk else {"year": timezone.localdate().year}
        form = SchemeForm(instance=scheme, user=request.user, initial=initial)
        indicator_set = IndicatorFormSet(prefix="ind", initial=indicator_rows)
        rule_set = RuleFormSet(prefix="rule", initial=rule_rows)
    row_errors = {"indicators": [], "rules": [], "selection": []}
    weight_sum = None
    if request.method == "POST":
        valid = form.is_valid() & indicator_set.is_valid() & rule_set.is_valid()
        indicators, rules = [], []
        if indicator_set.is_valid() and rule_set.is_valid():
            try:
                indicators = [row for row in (f.row() for f in indicator_set.forms) if row]
                rules = [
                    RuleInput(
                        kind=data["kind"],
                        points=data.get("points"),
                        max_points=data.get("max_points"),
                        threshold_wan=data.get("threshold_wan"),
                        flag=data.get("flag") or "",
                    )
                    for data in (f.row() for f in rule_set.forms)
                    if data
                ]
            except ValidationError as error:
                row_errors["indicators"].extend(error.messages)
                valid = False
            weight_sum = sum((weight or 0 for _, weight in indicators), Decimal(0))
        if valid:
            try:
                saved = save_scheme(
                    request.user,
                    form.save(commit=False),
                    indicators,
                    rules,
                    expected_version=form.cleaned_data.get("version"),
                )
            except StaleEditError:
                form.add_error(None, "该方案已被他人修改，您的修改未保存。请重新打开后再编辑。")
            except ValidationError as error:
                _apply_errors(form, error, row_errors)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已{'创建' if creating else '保存'}考核方案「{saved.name}」。")
                return redirect("assessment:scores", pk=saved.pk)
    else:
        weight_sum = sum((row.get("weight") or 0 for row in indicator_rows), Decimal(0))
    return render(
        request,
        "assessment/scheme_form.html",
        {
            "form": form,
            "indicator_set": indicator_set,
            "rule_set": rule_set,
            "row_errors": row_errors,
            "scheme": scheme if scheme.pk else None,
            "weight_sum": weight_sum,
        },
    )


@login_required
def scheme_create(request):
    if not _may_edit(request.user):
        raise Http404
    return _scheme_form(request, AssessmentScheme())


@login_required
def scheme_edit(request, pk):
    return _scheme_form(request, _scheme_or_404(request, pk, edit=True))


# --- Scores --------------------------------------------------------------------------------------


def _period_key(request, scheme) -> tuple[PeriodForm, str]:
    form = PeriodForm(request.GET if "period" in request.GET else None, initial={"period": default_period_key(scheme)})
    key = form.cleaned_data["period"] if form.is_bound and form.is_valid() else default_period_key(scheme)
    if not form.is_bound:
        form = PeriodForm(initial={"period": key})
    return form, key


@login_required
def scores(request, pk):
    """Live scores of every assessed unit for the chosen period, with publications."""
    scheme = _scheme_or_404(request, pk)
    form, key = _period_key(request, scheme)
    result = compute_scores(scheme, key)
    published = {row.period_key: row for row in scheme.results.all()}
    return render(
        request,
        "assessment/scores.html",
        {
            "scheme": scheme,
            "form": form,
            "scores": result,
            "period_key": key,
            "published": published.get(key),
            "results": sorted(published.values(), key=lambda row: row.period_end, reverse=True),
            "may_edit": _may_edit(request.user),
            "entry_count": scheme.entries.count(),
            "rules": list(scheme.rules.all()),
        },
    )


@login_required
def breakdown(request, pk):
    """One unit's live breakdown: each indicator, each bonus/deduction with its projects."""
    scheme = _scheme_or_404(request, pk)
    _, key = _period_key(request, scheme)
    try:
        unit_id = int(request.GET.get("unit", ""))
    except ValueError:
        raise Http404 from None
    result = compute_scores(scheme, key)
    unit = result.unit(unit_id)
    if unit is None:
        raise Http404
    return render(
        request,
        "assessment/breakdown.html",
        {"scheme": scheme, "scores": result, "unit": unit, "period_key": key, "result": None},
    )


@login_required
def export(request, pk):
    scheme = _scheme_or_404(request, pk)
    if not AssessmentScheme.access.allows(request.user, Action.EXPORT):
        raise Http404
    _, key = _period_key(request, scheme)
    result = compute_scores(scheme, key)
    AuditLog.record(AuditAction.EXPORT, scheme, detail=f"导出考核得分（实时计算）：{tables.title(result)}"[:500])
    data = tables.workbook(result, published_note="实时计算结果，未发布，数据变化后会随之改变。")
    return xlsx_response(data, f"{tables.title(result)}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def publish_view(request, pk):
    scheme = _scheme_or_404(request, pk, edit=True)
    key = request.POST.get("period", "")
    if key not in dict(period_keys()):
        messages.error(request, "请选择要发布的考核期。")
        return redirect("assessment:scores", pk=pk)
    try:
        result = publish(request.user, scheme, key)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(f"{_url('assessment:scores', pk)}?period={key}")
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("assessment:scores", pk=pk)
    messages.success(request, f"已发布{result.period_label}考核结果；发布后的结果不再随数据改变。")
    return redirect("assessment:result", pk=result.pk)


def _url(name, pk):
    from django.urls import reverse

    return reverse(name, kwargs={"pk": pk})


# --- Published results ---------------------------------------------------------------------------


def _result_or_404(request, pk) -> AssessmentResult:
    return get_object_or_404(
        AssessmentResult.objects.restrict(request.user).select_related("scheme", "scheme__parent", "published_by"),
        pk=pk,
    )


def _visible_units(user, unit_ids) -> set[int]:
    return set(Unit.objects.restrict(user).filter(pk__in=unit_ids).values_list("pk", flat=True))


@login_required
def result_detail(request, pk):
    """A published ranking, as frozen. The bureau and leaders may compare it with a
    recomputation on today's data."""
    result = _result_or_404(request, pk)
    frozen = result_scores(result)
    changes = None
    if request.GET.get("compare") and _sees_live(request.user):
        changes = differences(frozen, compute_scores(result.scheme, result.period_key))
    return render(
        request,
        "assessment/result.html",
        {
            "result": result,
            "scores": frozen,
            "visible": _visible_units(request.user, [unit.unit_id for unit in frozen.units]),
            "changes": changes,
            "sees_live": _sees_live(request.user),
        },
    )


@login_required
def result_unit(request, pk, unit_id):
    """A unit's frozen breakdown: an officer opens only units in their own subtree."""
    result = _result_or_404(request, pk)
    if unit_id not in _visible_units(request.user, [unit_id]):
        raise Http404
    frozen = result_scores(result)
    unit = frozen.unit(unit_id)
    if unit is None:
        raise Http404
    return render(
        request,
        "assessment/breakdown.html",
        {"scheme": result.scheme, "scores": frozen, "unit": unit, "period_key": result.period_key, "result": result},
    )


@login_required
def result_export(request, pk):
    if not _sees_live(request.user):
        raise Http404
    result = _result_or_404(request, pk)
    frozen = result_scores(result)
    AuditLog.record(AuditAction.EXPORT, result, detail=f"导出已发布考核结果：{tables.title(frozen)}"[:500])
    note = f"已于 {timezone.localtime(result.published_at):%Y-%m-%d %H:%M} 发布，发布后数据不再改变。"
    return xlsx_response(tables.workbook(frozen, published_note=note), f"{tables.title(frozen)}（已发布）.xlsx")


# --- The bureau's entries ------------------------------------------------------------------------


@login_required
def entries(request, pk):
    """Falsified records, vetoes and adjustments of a scheme; the bureau adds them here."""
    scheme = _scheme_or_404(request, pk)
    may_edit = _may_edit(request.user)
    form = None
    if may_edit:
        form = EntryForm(
            request.POST or None,
            user=request.user,
            scheme=scheme,
            initial={"date": timezone.localdate() if timezone.localdate().year == scheme.year else None},
        )
        if request.method == "POST" and form.is_valid():
            entry = form.save(commit=False)
            entry.scheme = scheme
            entry.project = form.cleaned_data["project_code"]
            try:
                save_entry(request.user, entry)
            except ValidationError as error:
                _apply_errors(form, error, {})
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已登记：{entry.get_kind_display()}（{entry.unit.name}）。")
                return redirect("assessment:entries", pk=pk)
    elif request.method == "POST":
        raise Http404
    rows = (
        ManualEntry.objects.restrict(request.user)
        .filter(scheme=scheme)
        .select_related("unit", "project", "created_by")
        .order_by("-date", "-id")
    )
    return render(
        request,
        "assessment/entries.html",
        {
            "scheme": scheme,
            "form": form,
            "page": paginate(request, rows, 50),
            "kinds": EntryKind,
            "has_falsified_rule": scheme.rules.filter(kind=RuleKind.FALSIFIED).exists(),
        },
    )


def _entry_or_404(request, pk, action=Action.VIEW) -> ManualEntry:
    return get_object_or_404(
        ManualEntry.objects.restrict(request.user, action).select_related("scheme", "unit", "project", "created_by"),
        pk=pk,
    )


@login_required
def entry_detail(request, pk):
    """One entry: its unit's officer reads it (reason, evidence); other units get 404."""
    entry = _entry_or_404(request, pk)
    return render(
        request,
        "assessment/entry_detail.html",
        {"entry": entry, "may_edit": _may_edit(request.user), "sees_live": _sees_live(request.user)},
    )


@login_required
def entry_edit(request, pk):
    if not _may_edit(request.user):
        raise Http404
    entry = _entry_or_404(request, pk, Action.CHANGE)
    form = EntryForm(request.POST or None, instance=entry, user=request.user, scheme=entry.scheme)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        edited.project = form.cleaned_data["project_code"]
        try:
            save_entry(request.user, edited, expected_version=form.cleaned_data.get("version"))
        except StaleEditError:
            form.add_error(None, "该事项已被他人修改，您的修改未保存。请返回后重新编辑。")
        except ValidationError as error:
            _apply_errors(form, error, {})
        else:
            messages.success(request, "已保存。")
            return redirect("assessment:entry_detail", pk=pk)
    return render(request, "assessment/entry_form.html", {"form": form, "entry": entry, "scheme": entry.scheme})


@login_required
@require_POST
def entry_delete(request, pk):
    if not _may_edit(request.user):
        raise Http404
    entry = _entry_or_404(request, pk, Action.DELETE)
    scheme_pk = entry.scheme_id
    delete_entry(request.user, entry)
    messages.success(request, "已删除该登记事项（审计日志保留记录）。")
    return redirect("assessment:entries", pk=scheme_pk)
