"""Pages of leads that move between units: handovers (项目信息共享) and the lead pool (线索池).
Thin: reads through restrict(), writes through leads.services."""

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.core.once import back_to_saved, create_once, posted_token, saved_response
from zhaoshang.leads import services
from zhaoshang.leads.filtersets import HandoverFilterSet, PoolFilterSet
from zhaoshang.leads.forms import AssignForm, DeclineForm, HandoverForm, PoolForm, ReturnForm
from zhaoshang.leads.models import Handover, PoolLead
from zhaoshang.projects.models import Project


def _badge(row) -> str:
    return f'<span class="badge bg-{row.status_badge}-lt">{escape(row.get_status_display())}</span>'


HANDOVER_COLUMNS = Columns(
    Handover,
    Column("project__name", label="项目", link=True, required=True),
    Column("from_unit__name", label="移交单位", sort="from_unit__path"),
    Column("to_unit__name", label="接收单位", sort="to_unit__path"),
    Column("kept_percent", label="移交单位保留（%）"),
    Column("status", html=_badge),
    Column("offered_at"),
    Column("decided_at", default=False),
    Column("decline_reason", default=False),
)


class HandoverList(generic.ObjectListView):
    model = Handover
    list_url, detail_url = "leads:handover_list", "leads:handover_detail"
    columns, filterset_class, ordering = HANDOVER_COLUMNS, HandoverFilterSet, ("-offered_at", "-id")
    template_name = "leads/handover_list.html"


def _handover_or_404(user, pk) -> Handover:
    rows = Handover.objects.restrict(user, Action.VIEW).select_related(
        "project", "from_unit", "to_unit", "offered_by", "decided_by"
    )
    return get_object_or_404(rows, pk=pk)


def _project_or_404(user, pk, action=Action.CHANGE) -> Project:
    return get_object_or_404(Project.objects.restrict(user, action).filter(merged_into__isnull=True), pk=pk)


def _save_once(request, form, create, url_of, success):
    """A create form's POST saved once (core.once): the response to send, or None to show
    the form again with the service's refusal beside its fields."""
    token = posted_token(request)
    again = back_to_saved(request, token)
    if again:
        return again
    if not form.is_valid():
        return None
    try:
        once = create_once(request.user, token, lambda: create(form.cleaned_data), url_of)
    except (ValidationError, PermissionDenied) as error:
        generic.apply_errors(form, error)
        return None
    return saved_response(request, once, success)


def _refused(request, error) -> None:
    messages.error(request, "；".join(getattr(error, "messages", [str(error)])))


@login_required
def handover_create(request, project_pk):
    project = _project_or_404(request.user, project_pk)
    if request.user.role not in ("bureau", "officer"):
        raise Http404
    form = HandoverForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST":
        saved = _save_once(
            request,
            form,
            lambda data: services.offer_handover(
                request.user, project, data["to_unit"], data["note"], data["kept_percent"]
            ),
            lambda handover: reverse("leads:handover_detail", args=[handover.pk]),
            lambda handover: f"已向{handover.to_unit.name}移交，等待对方接收。",
        )
        if saved:
            return saved
    return render(request, "leads/handover_form.html", {"form": form, "project": project})


@login_required
def handover_detail(request, pk):
    handover = _handover_or_404(request.user, pk)
    return render(
        request,
        "leads/handover_detail.html",
        {
            "handover": handover,
            "actions": services.handover_actions(request.user, handover),
            "decline_form": DeclineForm(),
            "can_open_project": Project.objects.restrict(request.user).filter(pk=handover.project_id).exists(),
        },
    )


def _decide(request, pk, decide, success: str):
    handover = _handover_or_404(request.user, pk)
    try:
        decide(handover)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, success)
    return redirect("leads:handover_detail", pk=handover.pk)


@login_required
@require_POST
def handover_accept(request, pk):
    return _decide(request, pk, lambda h: services.accept_handover(request.user, h), "已接收，项目已转为本单位负责。")


@login_required
@require_POST
def handover_decline(request, pk):
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    return _decide(
        request, pk, lambda h: services.decline_handover(request.user, h, reason), "已拒绝接收，并告知移交单位。"
    )


@login_required
@require_POST
def handover_withdraw(request, pk):
    return _decide(request, pk, lambda h: services.withdraw_handover(request.user, h), "已撤回移交。")


# --- The lead pool ----------------------------------------------------------------------------------


def _project_cell(entry) -> str:
    href = reverse("leads:pool_detail", args=[entry.pk])
    investor = entry.project.investor.name if entry.project.investor_id else ""
    extra = f'<div class="small text-secondary">{escape(investor)}</div>' if investor else ""
    return f'<a href="{href}">{escape(entry.project.name)}</a>{extra}'


POOL_COLUMNS = Columns(
    PoolLead,
    Column("project__name", label="线索", html=_project_cell, select=("project__investor",), required=True),
    Column("project__leading_industry", label="主导产业"),
    Column("project__total_investment", label="意向投资（万元）"),
    Column("status", html=_badge),
    Column("taken_by_unit__name", label="认领/承接单位", sort="taken_by_unit__path"),
    Column("placed_at"),
    Column("times_returned", default=False),
)


class PoolList(generic.ObjectListView):
    model = PoolLead
    list_url, detail_url = "leads:pool_list", "leads:pool_detail"
    columns, filterset_class, ordering = POOL_COLUMNS, PoolFilterSet, ("-placed_at", "-id")
    template_name = "leads/pool_list.html"

    def get_extra_context(self) -> dict:
        return {"figures": services.pool_figures(self.request.user)}


def _entry_or_404(user, pk, action=Action.VIEW) -> PoolLead:
    rows = PoolLead.objects.restrict(user, action).select_related(
        "project", "project__investor", "pool_unit", "taken_by_unit", "taken_by", "placed_by"
    )
    return get_object_or_404(rows, pk=pk)


@login_required
def pool_place(request, project_pk):
    if request.user.role != "bureau":
        raise Http404
    project = _project_or_404(request.user, project_pk)
    form = PoolForm(request.POST or None, user=request.user)
    if request.method == "POST":
        saved = _save_once(
            request,
            form,
            lambda data: services.place_in_pool(request.user, project, note=data["note"], open_to=data["open_to"]),
            lambda entry: reverse("leads:pool_detail", args=[entry.pk]),
            lambda entry: "已放入线索池，等待单位认领。",
        )
        if saved:
            return saved
    return render(request, "leads/pool_form.html", {"form": form, "project": project})


@login_required
def pool_detail(request, pk):
    entry = _entry_or_404(request.user, pk)
    user = request.user
    return render(
        request,
        "leads/pool_detail.html",
        {
            "entry": entry,
            "open_to": list(entry.open_to.order_by("path")),
            "can_claim": user.role == "officer" and entry.status == "pooled",
            "can_assign": user.role == "bureau" and entry.status == "pooled",
            "can_return": entry.status != "pooled" and services._in_scope(user, entry.taken_by_unit),
            "can_open_project": Project.objects.restrict(user).filter(pk=entry.project_id).exists(),
            "assign_form": AssignForm(user=user) if user.role == "bureau" else None,
            "return_form": ReturnForm(),
        },
    )


def _pool_action(request, pk, act, success: str, *, to_project: bool = False):
    entry = _entry_or_404(request.user, pk)
    try:
        act(entry)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return redirect("leads:pool_detail", pk=entry.pk)
    messages.success(request, success)
    if to_project:
        return redirect("projects:detail", pk=entry.project_id)
    return redirect("leads:pool_detail", pk=entry.pk)


@login_required
@require_POST
def pool_claim(request, pk):
    return _pool_action(
        request, pk, lambda e: services.claim_lead(request.user, e), "已认领，项目已转为本单位负责。", to_project=True
    )


@login_required
@require_POST
def pool_assign(request, pk):
    form = AssignForm(request.POST, user=request.user) if request.user.role == "bureau" else None
    unit = form.cleaned_data["unit"] if form is not None and form.is_valid() else None
    return _pool_action(request, pk, lambda e: services.assign_lead(request.user, e, unit), "已分配给承接单位。")


@login_required
@require_POST
def pool_return(request, pk):
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""

    def give_back(entry):
        if not reason.strip():
            raise ValidationError("请说明退回原因。")
        services.return_to_pool(entry, reason, user=request.user)

    return _pool_action(request, pk, give_back, "已退回线索池。")
