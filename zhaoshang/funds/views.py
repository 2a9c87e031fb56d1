"""Funds-in-place pages: the list with its totals and export, a tranche entered on a
project, corrected by its unit, verified or returned by the bureau, and (the funds ledger
import is the generic import pages over funds/import_specs.py). Thin: reads through restrict(), writes
through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zhaoshang.core.changes import describe_rows
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.export import write_xlsx, xlsx_response
from zhaoshang.core.generic import apply_errors
from zhaoshang.core.models import AuditLog, StaleEditError
from zhaoshang.core.numbers import wan_to_yi
from zhaoshang.core.once import back_to_saved, create_once, posted_token, saved_response
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.funds.filtersets import FundsTrancheFilterSet
from zhaoshang.funds.forms import TrancheForm
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import (
    add_evidence,
    project_funds,
    record_tranche,
    return_tranche,
    tranche_totals,
    update_tranche,
    verify_tranche,
)
from zhaoshang.projects.choices import Verification
from zhaoshang.projects.forms import ReturnForm
from zhaoshang.projects.models import Project

PAGE = 50


def _tranche_or_404(user, pk, action=Action.VIEW) -> FundsTranche:
    return get_object_or_404(
        FundsTranche.objects.restrict(user, action).select_related(
            "project", "project__responsible_unit", "project__investor", "submitted_by", "verified_by"
        ),
        pk=pk,
    )


def _tranche_rows(request, *, pending: bool = False):
    """The list's rows: in scope, filtered as on screen, newest first."""
    action = Action.VERIFY if pending else Action.VIEW
    base = FundsTranche.objects.restrict(request.user, action)
    if pending:
        base = base.filter(status=Verification.SUBMITTED)
    filterset = FundsTrancheFilterSet(request.GET or None, queryset=base, request=request)
    rows = filterset.qs.select_related("project", "project__responsible_unit")
    return filterset, rows.order_by("-date", "-id")


def _list_page(request, *, pending: bool):
    filterset, rows = _tranche_rows(request, pending=pending)
    totals = tranche_totals(rows)
    context = {
        "filterset": filterset,
        "page": paginate(request, rows, PAGE),
        "qs": querystring_without_page(request),
        "totals": totals,
        "total_yi": wan_to_yi(totals.amount),
        "pending": pending,
        "can_verify": FundsTranche.access.allows(request.user, Action.VERIFY),
        "return_form": ReturnForm(),
    }
    template = "funds/tranche_list.html#tranche-table" if request.htmx else "funds/tranche_list.html"
    return render(request, template, context)


@login_required
def tranche_list(request):
    if not FundsTranche.access.allows(request.user, Action.VIEW):
        raise Http404
    return _list_page(request, pending=False)


@login_required
def tranche_pending(request):
    """The bureau's queue: tranches waiting for verification, oldest concerns first in view."""
    if not FundsTranche.access.allows(request.user, Action.VERIFY):
        raise Http404
    return _list_page(request, pending=True)


EXPORT_COLUMNS = [
    ("项目编号", 18, lambda t: t.project.code),
    ("项目名称", 32, lambda t: t.project.name),
    ("投资方", 30, lambda t: t.project.investor.name if t.project.investor_id else ""),
    ("责任单位", 16, lambda t: t.project.responsible_unit.name),
    ("到位日期", 12, lambda t: t.date),
    ("到位金额（万元）", 16, lambda t: t.amount),
    ("资金类型", 8, lambda t: t.get_kind_display()),
    ("外资金额（万美元）", 16, lambda t: t.amount_usd),
    ("资金来源", 10, lambda t: t.get_source_display()),
    ("来源地", 12, lambda t: t.source_region),
    ("凭证编号", 18, lambda t: t.voucher_no),
    ("审核状态", 10, lambda t: t.get_status_display()),
    ("退回原因", 20, lambda t: t.return_reason),
    ("说明", 24, lambda t: t.note),
]


@login_required
def tranche_export(request):
    """The filtered list as .xlsx, with a 合计 row; every export is written to the audit log."""
    if not FundsTranche.access.allows(request.user, Action.EXPORT):
        raise Http404
    base = FundsTranche.objects.restrict(request.user, Action.EXPORT)
    filterset = FundsTrancheFilterSet(request.GET or None, queryset=base, request=request)
    rows = filterset.qs.select_related("project", "project__responsible_unit", "project__investor").order_by(
        "-date", "-id"
    )
    totals = tranche_totals(rows)

    def lines():
        for tranche in rows.iterator(chunk_size=2000):
            yield [value(tranche) for _, _, value in EXPORT_COLUMNS]
        yield ["合计", f"{totals.count} 笔", "", "", "", totals.amount, "", totals.amount_usd or None]

    data = write_xlsx("到位资金", [(name, width) for name, width, _ in EXPORT_COLUMNS], lines())
    AuditLog.record(
        AuditAction.EXPORT,
        None,
        detail=f"导出到位资金 {totals.count} 笔，合计 {totals.amount.normalize():f} 万元（筛选：{filterset.describe()}）",
    )
    return xlsx_response(data, f"到位资金-{timezone.localdate():%Y%m%d}.xlsx")


def _save_evidence(user, tranche, files) -> None:
    for uploaded in files:
        add_evidence(user, tranche, uploaded)


@login_required
def tranche_create(request, pk):
    """登记到位资金 on a project the user may change (its unit, or the bureau)."""
    project = get_object_or_404(
        Project.objects.restrict(request.user, Action.CHANGE).filter(merged_into__isnull=True), pk=pk
    )
    if request.method == "POST":
        token = posted_token(request)
        if response := back_to_saved(request, token):  # Back → 保存, a double click
            return response
        form = TrancheForm(request.POST, request.FILES)
        if form.is_valid():

            def create():
                tranche = form.save(commit=False)
                tranche.project = project
                tranche = record_tranche(request.user, tranche)
                _save_evidence(request.user, tranche, form.cleaned_data["evidence"])
                return tranche

            try:
                once = create_once(request.user, token, create, lambda t: reverse("funds:detail", args=[t.pk]))
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return saved_response(
                    request,
                    once,
                    lambda tranche: f"已登记到位资金 {tranche.amount.normalize():f} 万元，等待招商局审核。",
                )
    else:
        form = TrancheForm(initial={"date": timezone.localdate()})
    return render(
        request, "funds/tranche_form.html", {"form": form, "project": project, "funds": project_funds(project)}
    )


@login_required
def tranche_edit(request, pk):
    """A unit corrects its tranche while it waits, or after the bureau returned it."""
    tranche = _tranche_or_404(request.user, pk, Action.CHANGE)
    if not tranche.editable:
        messages.error(request, "已审核通过的到位资金不能修改；如需更正，请招商局先退回。")
        return redirect("funds:detail", pk=pk)
    was_returned = tranche.status == Verification.RETURNED
    form = TrancheForm(request.POST or None, request.FILES or None, instance=tranche)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                edited = form.save(commit=False)
                update_tranche(request.user, edited, expected_version=int(form.cleaned_data.get("version") or 0))
                _save_evidence(request.user, edited, form.cleaned_data["evidence"])
        except StaleEditError:
            form.add_error(None, "该笔到位资金已被他人修改或审核，您的修改未保存。请返回详情页查看最新内容后重新编辑。")
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已保存，重新提交招商局审核。" if was_returned else "已保存。")
            return redirect("funds:detail", pk=pk)
    return render(
        request,
        "funds/tranche_form.html",
        {"form": form, "project": tranche.project, "tranche": tranche, "funds": project_funds(tranche.project)},
    )


# The people and moments of the workflow show in the row itself (who, when); the lines
# list what changed in the tranche.
HIDDEN_HISTORY_FIELDS = {"version", "verified_by", "verified_at", "submitted_by", "submitted_at", "project"}


def _history(tranche) -> list:
    """The tranche's audit rows, newest first, described in Chinese (core.changes)."""
    rows = AuditLog.objects.filter(object_type="funds.fundstranche", object_id=str(tranche.pk)).order_by("-time")
    return describe_rows(rows[:50], hide=HIDDEN_HISTORY_FIELDS)


@login_required
def tranche_detail(request, pk):
    tranche = _tranche_or_404(request.user, pk)
    user = request.user
    can_change = FundsTranche.objects.restrict(user, Action.CHANGE).filter(pk=tranche.pk).exists()
    return render(
        request,
        "funds/tranche_detail.html",
        {
            "tranche": tranche,
            "project": tranche.project,
            "evidence": [link.attachment for link in tranche.evidence.select_related("attachment")],
            "history": _history(tranche),
            "can_edit": can_change and tranche.editable,
            "can_verify": FundsTranche.access.allows(user, Action.VERIFY),
            "return_form": ReturnForm(),
        },
    )


def _tranche_for_bureau(user, pk) -> FundsTranche:
    if not FundsTranche.access.allows(user, Action.VERIFY):
        raise Http404
    return _tranche_or_404(user, pk, Action.VERIFY)


def _back(request, tranche):
    """Back to the queue the bureau came from, or to the tranche."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("funds:detail", pk=tranche.pk)


@login_required
@require_POST
def tranche_verify(request, pk):
    tranche = _tranche_for_bureau(request.user, pk)
    try:
        verify_tranche(request.user, tranche)
    except ValidationError as error:  # already decided, by a colleague in another tab
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(
            request, f"已审核通过：{tranche.project.name} {tranche.date:%Y-%m-%d} {tranche.amount.normalize():f} 万元。"
        )
    return _back(request, tranche)


@login_required
@require_POST
def tranche_return(request, pk):
    tranche = _tranche_for_bureau(request.user, pk)
    form = ReturnForm(request.POST)
    if form.problem():  # 5,000 characters once reached a 300-character column unchecked
        messages.error(request, form.problem())
        return _back(request, tranche)
    try:
        return_tranche(request.user, tranche, request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已退回，填报单位将看到退回原因。")
    return _back(request, tranche)


@login_required
@require_POST
def tranche_verify_selected(request):
    """The queue's 批量审核通过: each tranche verified on its own, each audited."""
    if not FundsTranche.access.allows(request.user, Action.VERIFY):
        raise Http404
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    tranches = list(
        FundsTranche.objects.restrict(request.user, Action.VERIFY).filter(pk__in=ids, status=Verification.SUBMITTED)
    )
    if not tranches:
        messages.error(request, "请先勾选要审核通过的到位资金。")
    else:
        with transaction.atomic():
            for tranche in tranches:
                verify_tranche(request.user, tranche)
        messages.success(request, f"已审核通过 {len(tranches)} 笔到位资金。")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("funds:pending")
