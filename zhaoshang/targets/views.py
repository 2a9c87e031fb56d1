"""Target pages: the grid of a year (units × indicators) with its completion and the
parents whose children do not add up, distribution from a parent to its children, and
the grid's export (the targets import is the generic import pages over
targets/import_specs.py). Thin: reads through restrict(), writes through targets.services."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import write_xlsx, xlsx_response
from zhaoshang.core.models import AuditLog
from zhaoshang.core.numbers import format_percent
from zhaoshang.core.parsing import ParseError, parse_amount_wan
from zhaoshang.stats.choices import INDICATOR_UNITS, MONEY_INDICATORS, Indicator
from zhaoshang.stats.services import CountingRules, Period, direct_values, ratio, rollup
from zhaoshang.targets.forms import DistributeForm, GridForm
from zhaoshang.targets.models import Target
from zhaoshang.targets.services import all_distribution_gaps, clean_value, distribute, may_distribute, set_target

INDICATORS = list(Indicator)


def _require_view(user) -> None:
    if not Target.access.allows(user, Action.VIEW):
        raise Http404


def _years(user) -> set[int]:
    return set(Target.objects.restrict(user).values_list("year", flat=True).distinct())


def _text(value: Decimal | None) -> str:
    """A stored target as an input shows it: 50000, 12, 1234.5 (no grouping, no trailing zeros)."""
    if value is None:
        return ""
    return f"{value.normalize():f}" if value != value.to_integral_value() else f"{value.to_integral_value():f}"


def progress_period(year: int) -> Period | None:
    """What completion is measured on: the whole of a past year, 1–this month of this year."""
    today = timezone.localdate()
    if year < today.year:
        return Period.year(year)
    if year == today.year:
        return Period.months(year, 1, today.month)
    return None


def _grid_scope(request, form) -> tuple[int, Unit | None, bool]:
    year = timezone.localdate().year
    root, progress = None, not request.GET or bool(request.GET.get("progress"))
    if form.is_valid():
        year = form.cleaned_data["year"]
        root = form.cleaned_data["unit"]
    return year, root, progress


def _units(user, root: Unit | None) -> list[Unit]:
    """Every unit of the grid's part of the tree, inactive ones too (their values roll up),
    in tree order: each unit followed by its children in their sort order."""
    units = Unit.objects.restrict(user)
    if root is not None:
        units = units.subtree(root)
    return tree_order(list(units))


def tree_order(units: list[Unit]) -> list[Unit]:
    present = {unit.pk for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in present else None, []).append(unit)
    ordered: list[Unit] = []
    stack = sorted(children.get(None, []), key=lambda unit: (unit.sort_order, unit.code), reverse=True)
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(sorted(children.get(unit.pk, []), key=lambda child: (child.sort_order, child.code), reverse=True))
    return ordered


def _parse_cells(post, allowed: dict[int, Unit]) -> tuple[dict, dict]:
    """The grid's posted cells as {(unit id, indicator): Decimal | None}, and their errors."""
    values, errors = {}, {}
    for key, text in post.items():
        if not key.startswith("t-"):
            continue
        _, unit_id, indicator = key.split("-", 2)
        if not unit_id.isdigit() or int(unit_id) not in allowed or indicator not in Indicator.values:
            raise Http404
        cell = (int(unit_id), indicator)
        text = text.strip()
        if not text:
            values[cell] = None
            continue
        try:
            values[cell] = clean_value(indicator, parse_amount_wan(text, "万元"))
        except ParseError as error:
            errors[cell] = str(error)
        except ValidationError as error:
            errors[cell] = "；".join(error.messages)
        if cell in errors:
            values[cell] = text
    return values, errors


def _grid_rows(user, year, units, stored, posted, errors, progress) -> list[dict]:
    shown = [unit for unit in units if unit.active]
    parents = {unit.parent_id for unit in units}
    gaps = {
        (unit.pk, indicator): {"own": own, "parts": parts, "difference": own - parts}
        for indicator, found in all_distribution_gaps(year, shown).items()
        for unit, own, parts in found
    }
    done: dict[str, dict[int, Decimal]] = {}
    period = progress_period(year) if progress else None
    if period is not None:
        rules = CountingRules.from_settings()
        top = units[0] if units and all(unit.path.startswith(units[0].path) for unit in units) else None
        for indicator in INDICATORS:
            done[indicator] = rollup(direct_values(indicator, period, rules, within=top), units)
    schedule = period.schedule if period else None
    top_depth = min((unit.depth for unit in shown), default=0)
    rows = []
    for unit in shown:
        cells, row_errors = [], []
        for indicator in INDICATORS:
            key = (unit.pk, indicator)
            value = stored.get(key)
            cell = {
                "indicator": indicator,
                "value": value,
                "text": posted[key] if key in posted and key in errors else _text(posted.get(key, value)),
                "error": errors.get(key, ""),
                "gap": gaps.get(key),
                "may_distribute": unit.pk in parents and may_distribute(user, unit),
            }
            if key in errors:
                row_errors.append(f"{indicator.label}：{errors[key]}")
            if period is not None:
                cell["done"] = done[indicator].get(unit.pk, Decimal(0))
                cell["ratio"] = ratio(cell["done"], value)
                cell["percent"] = format_percent(cell["ratio"])
                cell["ahead"] = cell["ratio"] is not None and cell["ratio"] >= schedule
            cells.append(cell)
        rows.append({"unit": unit, "indent": unit.depth - top_depth, "cells": cells, "errors": row_errors})
    return rows


@login_required
def grid(request):
    user = request.user
    _require_view(user)
    form = GridForm(request.GET or None, user=user, years=_years(user))
    if not request.GET:
        form = GridForm({"year": timezone.localdate().year, "progress": "on"}, user=user, years=_years(user))
    year, root, progress = _grid_scope(request, form)
    units = _units(user, root)
    ids = [unit.pk for unit in units]
    stored = {
        (unit_id, indicator): value
        for unit_id, indicator, value in Target.objects.restrict(user)
        .filter(year=year, unit_id__in=ids)
        .values_list("unit_id", "indicator", "value")
    }
    can_edit = Target.access.allows(user, Action.VERIFY)
    posted, errors = {}, {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("目标任务由招商局下达。")
        posted, errors = _parse_cells(request.POST, {unit.pk: unit for unit in units if unit.active})
        if not errors:
            by_id = {unit.pk: unit for unit in units}
            changed = [(key, value) for key, value in posted.items() if stored.get(key) != value]
            try:
                with transaction.atomic():
                    for (unit_id, indicator), value in changed:
                        set_target(user, year, by_id[unit_id], indicator, value)
            except ValidationError as error:  # refused by the service: nothing saved
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, f"已保存 {len(changed)} 项目标任务。" if changed else "没有修改。")
                return redirect(f"{reverse('targets:grid')}?{request.GET.urlencode()}")
    rows = _grid_rows(user, year, units, stored, posted, errors, progress)
    period = progress_period(year) if progress else None
    context = {
        "form": form,
        "year": year,
        "rows": rows,
        "indicators": [(indicator, INDICATOR_UNITS[indicator]) for indicator in INDICATORS],
        "can_edit": can_edit,
        "errors": errors,
        "gap_count": sum(1 for row in rows for cell in row["cells"] if cell["gap"]),
        "period": period,
        "schedule": format_percent(period.schedule) if period else "",
        "qs": request.GET.urlencode(),
    }
    return render(request, "targets/grid.html", context, status=400 if errors else 200)


@login_required
def grid_export(request):
    """The grid of a year as .xlsx, one unit a row: the layout the import reads back."""
    user = request.user
    if not Target.access.allows(user, Action.EXPORT):
        raise Http404
    form = GridForm(request.GET or None, user=user, years=_years(user))
    year, root, _ = _grid_scope(request, form)
    units = [unit for unit in _units(user, root) if unit.active]
    stored = {
        (unit_id, indicator): value
        for unit_id, indicator, value in Target.objects.restrict(user, Action.EXPORT)
        .filter(year=year, unit_id__in=[unit.pk for unit in units])
        .values_list("unit_id", "indicator", "value")
    }

    def cell(unit, indicator):
        value = stored.get((unit.pk, indicator))
        if value is None or indicator in MONEY_INDICATORS:
            return value
        return int(value)

    columns = [("单位编码", 14), ("单位名称", 28), ("年度", 8)] + [
        (f"{indicator.label}（{INDICATOR_UNITS[indicator]}）", 16) for indicator in INDICATORS
    ]
    lines = ([unit.code, unit.name, year, *(cell(unit, ind) for ind in INDICATORS)] for unit in units)
    data = write_xlsx(f"{year}年目标任务", columns, lines)
    AuditLog.record(
        AuditAction.EXPORT,
        None,
        detail=f"导出{year}年目标任务 {len(units)} 个单位、{len(stored)} 项目标（范围：{root.name if root else '全部可见单位'}）",
    )
    return xlsx_response(data, f"{year}年目标任务-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def distribute_view(request, pk):
    """Split a unit's target for one indicator among its children, with the sum checked."""
    user = request.user
    _require_view(user)
    parent = get_object_or_404(Unit.objects.restrict(user), pk=pk)
    params = request.POST if request.method == "POST" else request.GET
    form = DistributeForm(
        params or {"year": timezone.localdate().year, "indicator": Indicator.CONTRACTED_INVESTMENT},
        years=_years(user),
    )
    if not form.is_valid():
        form = DistributeForm(
            {"year": timezone.localdate().year, "indicator": Indicator.CONTRACTED_INVESTMENT}, years=_years(user)
        )
        form.is_valid()
    year, indicator = form.cleaned_data["year"], form.cleaned_data["indicator"]
    children = list(parent.children.filter(active=True).order_by("sort_order", "path"))
    targets = {
        target.unit_id: target.value
        for target in Target.objects.restrict(user).filter(year=year, indicator=indicator, unit__in=[parent, *children])
    }
    can_edit = may_distribute(user, parent) and bool(children)
    error, allow_remainder = "", False
    texts = {child.pk: _text(targets.get(child.pk)) for child in children}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只能分解本单位（或下级单位）的目标任务。")
        allow_remainder = bool(request.POST.get("allow_remainder"))
        texts = {child.pk: request.POST.get(f"part-{child.pk}", "").strip() for child in children}
        try:
            parts = {}
            for child in children:
                try:
                    parts[child.pk] = parse_amount_wan(texts[child.pk] or "0", "万元")
                except ParseError as problem:
                    raise ValidationError(f"{child.name}：{problem}") from None
            distribute(user, year, parent, indicator, parts, allow_remainder=allow_remainder)
        except ValidationError as problem:
            error = "；".join(problem.messages)
        except PermissionDenied as problem:
            error = str(problem)
        else:
            messages.success(request, f"已将{parent.name}{year}年「{Indicator(indicator).label}」目标分解到下级单位。")
            return redirect(f"{reverse('targets:distribute', args=[parent.pk])}?year={year}&indicator={indicator}")
    parent_value = targets.get(parent.pk)
    current_sum = sum((targets.get(child.pk, Decimal(0)) for child in children), Decimal(0))
    return render(
        request,
        "targets/distribute.html",
        {
            "parent": parent,
            "form": form,
            "year": year,
            "indicator": Indicator(indicator),
            "unit_word": INDICATOR_UNITS[indicator],
            "children": [(child, texts[child.pk]) for child in children],
            "parent_value": parent_value,
            "current_sum": current_sum,
            "difference": (parent_value - current_sum) if parent_value is not None else None,
            "can_edit": can_edit,
            "error": error,
            "allow_remainder": allow_remainder,
            "is_money": indicator in MONEY_INDICATORS,
        },
        status=400 if error else 200,
    )
