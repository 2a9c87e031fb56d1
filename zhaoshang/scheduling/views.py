"""Scheduling pages: the list of rounds, opening a round, the bureau's view of a round (who
has reported, missing reports, adding and removing projects, reminding, closing), the
unit's reporting page (htmx save per project), the closed round's summary and its export.
Thin: reads through restrict(), writes through services."""

from dataclasses import replace
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.columns import Column, Columns
from zhaoshang.core.export import write_xlsx, xlsx_response
from zhaoshang.core.models import AuditLog, StaleEditError
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.projects.choices import Stage
from zhaoshang.scheduling.choices import Outcome, ReportStatus
from zhaoshang.scheduling.filtersets import RoundItemFilterSet, SchedulingRoundFilterSet
from zhaoshang.scheduling.forms import OpenRoundForm, ProjectSelectionForm, ReportForm, RoundEditForm
from zhaoshang.scheduling.models import RoundItem, SchedulingRound
from zhaoshang.scheduling.services import (
    add_projects,
    close_round,
    open_round,
    progress_by_unit,
    remind_missing,
    remove_item,
    return_report,
    save_report,
    select_projects,
    summary,
    units_missing,
    update_round,
)

PAGE = 50
REPORT_PAGE = 100


def _round_or_404(user, pk, action=Action.VIEW) -> SchedulingRound:
    return get_object_or_404(SchedulingRound.objects.restrict(user, action), pk=pk)


def _overseen_round_or_404(user, pk) -> SchedulingRound:
    """The whole round, for those who oversee every unit (bureau, leader); 404 for others."""
    if not SchedulingRound.access.oversees(user):
        raise Http404
    return _round_or_404(user, pk)


def _managed_round_or_404(user, pk) -> SchedulingRound:
    """A round the user may change: the bureau's; 404 for everyone else."""
    if not SchedulingRound.access.allows(user, Action.CHANGE):
        raise Http404
    return _round_or_404(user, pk, Action.CHANGE)


def _managed_item_or_404(user, pk) -> RoundItem:
    if not SchedulingRound.access.allows(user, Action.CHANGE):
        raise Http404
    return get_object_or_404(RoundItem.objects.restrict(user, Action.CHANGE).select_related("round"), pk=pk)


# --- Rounds -------------------------------------------------------------------------------------------


def _round_link(round_, context) -> str:
    name = "scheduling:detail" if context["oversees"] else "scheduling:report"
    return f'<a href="{reverse(name, args=[round_.pk])}">{escape(round_.title)}</a>'


def _round_period(round_) -> str:
    return f"{round_.period_start.isoformat()} 至 {round_.period_end.isoformat()}"


def _round_deadline(round_) -> str:
    if round_.late:
        return f'<span class="text-danger fw-bold">{round_.deadline.isoformat()}<div class="small">已过截止日期</div></span>'
    return round_.deadline.isoformat()


def _round_progress(round_) -> str:
    late = ' class="text-danger fw-bold"' if round_.late else ""
    return f'<span{late} data-testid="round-progress-{round_.pk}">{round_.item_submitted}/{round_.item_total}</span>'


def _round_actions(round_, context) -> str:
    if context["oversees"]:
        if round_.is_open:
            href, css, text = reverse("scheduling:detail", args=[round_.pk]), "btn-outline-primary", "查看报送"
        else:
            href, css, text = reverse("scheduling:summary", args=[round_.pk]), "btn-outline-secondary", "调度汇总"
    else:
        href = reverse("scheduling:report", args=[round_.pk])
        css, text = ("btn-primary", "填报") if round_.is_open else ("btn-outline-secondary", "查看")
    return f'<a class="btn btn-sm {css}" href="{href}">{text}</a>'


ROUND_COLUMNS = Columns(
    SchedulingRound,
    Column("title", label="调度", html=_round_link, takes_context=True, required=True),
    Column("kind"),
    Column("period", label="调度期", value=_round_period, css="text-nowrap", sort="period_start"),
    Column("deadline", label="报送截止", html=_round_deadline, css="text-nowrap"),
    Column(
        "status", html=lambda r: f'<span class="badge bg-{r.status_badge}-lt">{escape(r.get_status_display())}</span>'
    ),
    Column(
        "progress",
        label="已报送/项目数",
        html=_round_progress,
        value=lambda r: f"{r.item_submitted}/{r.item_total}",
        required=True,
    ),
    Column("actions", label="操作", html=_round_actions, takes_context=True, required=True, css="text-end text-nowrap"),
)


class RoundList(generic.ObjectListView):
    """项目调度: the bureau's rounds, or the rounds a unit reports to, with how many of the
    items the viewer may see have been reported."""

    model, columns, filterset_class, per_page = SchedulingRound, ROUND_COLUMNS, SchedulingRoundFilterSet, PAGE
    ordering, template_name, title = (
        ("status", "-period_start", "-half", "-id"),
        "scheduling/round_list.html",
        "项目调度",
    )
    list_url, create_url, add_label = "scheduling:list", "scheduling:create", "发起调度"
    empty_title = "还没有调度"

    def oversees(self) -> bool:
        return SchedulingRound.access.oversees(self.request.user)

    def decorate(self, rounds):
        # Reported / total per round, of the items the viewer may see (a unit: its own).
        counts = {}
        rows = (
            RoundItem.objects.restrict(self.request.user)
            .filter(round__in=[round_.pk for round_ in rounds])
            .order_by()
            .values_list("round_id", "status")
            .annotate(n=Count("id"))
        )
        for round_id, status, n in rows:
            total, submitted = counts.get(round_id, (0, 0))
            counts[round_id] = (total + n, submitted + (n if status == ReportStatus.SUBMITTED else 0))
        today = timezone.localdate()
        for round_ in rounds:
            round_.item_total, round_.item_submitted = counts.get(round_.pk, (0, 0))
            round_.late = round_.is_open and round_.past_deadline(today) and round_.item_submitted < round_.item_total

    def chosen_columns(self):
        chosen = super().chosen_columns()
        if self.oversees():
            return chosen
        return [replace(c, label="本单位已报送/项目数") if c.name == "progress" else c for c in chosen]

    def cell_context(self):
        return {**super().cell_context(), "oversees": self.oversees()}

    def get_extra_context(self):
        can_manage = SchedulingRound.access.allows(self.request.user, Action.CHANGE)
        hint = (
            "点击「发起调度」，默认纳入全部在库重点项目。"
            if can_manage
            else "招商局发起调度后，需要本单位报送的项目会出现在这里。"
        )
        return {"oversees": self.oversees(), "can_manage": can_manage, "empty_hint": hint}


@login_required
def round_create(request):
    """发起调度: the period, the deadline and the projects (key projects by default)."""
    user = request.user
    if not SchedulingRound.access.allows(user, Action.ADD):
        raise Http404
    form = OpenRoundForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = open_round(
                user,
                kind=data["kind"],
                year=data["year"],
                month=data["month"],
                half=data.get("half") or 0,
                title=data["title"],
                deadline=data["deadline"],
                note=data["note"],
                projects=select_projects(user, **form.selection()),
            )
        except ValidationError as error:
            generic.apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"已发起「{round_.title}」，纳入 {round_.items.count()} 个项目，报送截止 {round_.deadline:%Y-%m-%d}。",
            )
            return redirect("scheduling:detail", pk=round_.pk)
    return render(request, "scheduling/round_form.html", {"form": form})


@login_required
def round_edit(request, pk):
    round_ = _managed_round_or_404(request.user, pk)
    if not round_.is_open:
        messages.error(request, "本轮调度已结束，不能再修改。")
        return redirect("scheduling:detail", pk=pk)
    form = RoundEditForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            update_round(request.user, form.save(commit=False), expected_version=form.cleaned_data["version"] or 0)
        except StaleEditError:
            form.add_error(None, "本轮调度已被他人修改，您的修改未保存。请刷新后重新编辑。")
        except ValidationError as error:
            generic.apply_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("scheduling:detail", pk=pk)
    return render(request, "scheduling/round_edit.html", {"form": form, "round": round_})


def _item_rows(request, round_):
    base = RoundItem.objects.restrict(request.user).filter(round=round_)
    filterset = RoundItemFilterSet(request.GET or None, queryset=base, request=request)
    rows = filterset.qs.select_related("project", "unit").order_by("unit__path", "project__code", "id")
    return filterset, rows


@login_required
def round_detail(request, pk):
    """The bureau's (and the leader's) view of a round; a unit goes to its reporting page."""
    user = request.user
    round_ = _round_or_404(user, pk)
    if not SchedulingRound.access.oversees(user):
        return redirect("scheduling:report", pk=pk)
    filterset, rows = _item_rows(request, round_)
    page = paginate(request, rows, PAGE)
    context = {
        "round": round_,
        "filterset": filterset,
        "page": page,
        "qs": querystring_without_page(request),
        "deadline_passed": round_.past_deadline(),
        "today": timezone.localdate(),
    }
    if request.htmx and request.htmx.target == "item-table":
        return render(request, "scheduling/round_detail.html#item-table", context)
    grid = progress_by_unit(round_)
    context |= {
        "grid": grid,
        "total": sum(line.total for line in grid),
        "submitted": sum(line.submitted for line in grid),
        "missing": units_missing(round_) if round_.is_open else [],
        "can_manage": SchedulingRound.access.allows(user, Action.CHANGE) and round_.is_open,
        "selection_form": ProjectSelectionForm(user=user, initial={"key_only": True}),
    }
    return render(request, "scheduling/round_detail.html", context)


@login_required
@require_POST
def round_add_projects(request, pk):
    round_ = _managed_round_or_404(request.user, pk)
    form = ProjectSelectionForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
        return redirect("scheduling:detail", pk=pk)
    selection = form.selection()
    if not (selection["unit"] or selection["stages"] or selection["codes"]):
        messages.error(request, "请至少选择一个条件（责任单位、阶段或项目编号），以免误把全部项目加入本轮调度。")
        return redirect("scheduling:detail", pk=pk)
    try:
        added = add_projects(request.user, round_, select_projects(request.user, **selection))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        if added:
            messages.success(request, f"已加入 {added} 个项目。")
        else:
            messages.warning(request, "没有可加入的项目：符合条件的项目都已在本轮调度中，或没有符合条件的项目。")
    return redirect("scheduling:detail", pk=pk)


@login_required
@require_POST
def item_remove(request, pk):
    item = _managed_item_or_404(request.user, pk)
    try:
        remove_item(request.user, item)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已将「{item.project.name}」移出本轮调度。")
    return redirect("scheduling:detail", pk=item.round_id)


@login_required
@require_POST
def round_remind(request, pk):
    round_ = _managed_round_or_404(request.user, pk)
    try:
        missing = remind_missing(request.user, round_)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        if missing:
            messages.success(
                request,
                f"已向 {len(missing)} 个单位发送催报通知（{sum(len(m.items) for m in missing)} 个项目未报送）。",
            )
        else:
            messages.info(request, "各单位均已报送，无需催报。")
    return redirect("scheduling:detail", pk=pk)


@login_required
def round_close(request, pk):
    """结束调度: a confirmation page with the summary as it will be frozen, then POST."""
    round_ = _managed_round_or_404(request.user, pk)
    if not round_.is_open:
        return redirect("scheduling:summary", pk=pk)
    if request.method == "POST":
        try:
            close_round(request.user, round_)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "本轮调度已结束，汇总已冻结，各单位报告不能再修改。")
        return redirect("scheduling:summary", pk=pk)
    return render(
        request,
        "scheduling/round_close.html",
        {"round": round_, "summary": summary(round_), "deadline_passed": round_.past_deadline()},
    )


@login_required
def round_summary(request, pk):
    round_ = _overseen_round_or_404(request.user, pk)
    return render(request, "scheduling/round_summary.html", {"round": round_, "summary": summary(round_)})


OUTCOME_LABELS = dict(Outcome.choices)
STAGE_LABELS = dict(Stage.choices)
EXPORT_COLUMNS = [
    ("责任单位", 16, lambda line: line["unit_name"]),
    ("项目编号", 18, lambda line: line["project_code"]),
    ("项目名称", 32, lambda line: line["project_name"]),
    ("报送情况", 10, lambda line: OUTCOME_LABELS.get(line["outcome"], "")),
    ("本期进展", 40, lambda line: line["progress"]),
    ("本期完成投资（万元）", 16, lambda line: line["investment_this_period"]),
    ("累计完成投资（万元）", 16, lambda line: line["investment_cumulative"]),
    ("存在问题", 30, lambda line: line["problems"]),
    ("下步打算", 30, lambda line: line["next_steps"]),
    ("纳入时阶段", 10, lambda line: STAGE_LABELS.get(line["stage_at_open"], "")),
    ("单位填报阶段", 12, lambda line: STAGE_LABELS.get(line["reported_stage"], "")),
]


@login_required
def round_export(request, pk):
    """The round's reports as .xlsx (a closed round's from its frozen summary), with a
    合计 row; written to the audit log."""
    round_ = _overseen_round_or_404(request.user, pk)
    data = summary(round_)
    counts = data["counts"]

    def lines():
        for line in data["items"]:
            yield [value(line) for _, _, value in EXPORT_COLUMNS]
        yield [
            "合计",
            f"{counts['projects']} 个项目",
            f"已报送 {counts['reported']}（按时 {counts['on_time']}，逾期 {counts['late']}），未报送 {counts['missing']}",
            "",
            "",
            data["investment"]["this_period"],
            data["investment"]["cumulative"] if data["investment"]["cumulative_reported"] else None,
        ]

    content = write_xlsx(round_.title, [(name, width) for name, width, _ in EXPORT_COLUMNS], lines())
    AuditLog.record(AuditAction.EXPORT, round_, detail=f"导出调度报告「{round_.title}」{counts['projects']} 个项目")
    return xlsx_response(content, f"{round_.title}.xlsx")


# --- The unit's reporting page ----------------------------------------------------------------------


def _card(item, form=None, *, can_edit: bool, can_return: bool, saved: str = "") -> dict:
    return {
        "item": item,
        "form": form or ReportForm(instance=item),
        "can_edit": can_edit,
        "can_return": can_return,
        "saved": saved,
    }


@login_required
def round_report(request, pk):
    """A unit's reports on all its projects in the round, one card each, saved one by one."""
    user = request.user
    round_ = _round_or_404(user, pk)
    filterset, rows = _item_rows(request, round_)
    page = paginate(request, rows, REPORT_PAGE)
    may_change = set(
        RoundItem.objects.restrict(user, Action.CHANGE)
        .filter(pk__in=[item.pk for item in page])
        .values_list("pk", flat=True)
    )
    can_return = RoundItem.access.allows(user, Action.VERIFY) and round_.is_open
    cards = []
    for item in page:
        item.round = round_
        cards.append(_card(item, can_edit=item.pk in may_change and item.editable, can_return=can_return))
    mine = RoundItem.objects.restrict(user).filter(round=round_)
    return render(
        request,
        "scheduling/round_report.html",
        {
            "round": round_,
            "cards": cards,
            "page": page,
            "filterset": filterset,
            "qs": querystring_without_page(request),
            "grid": progress_by_unit(round_, mine),
            "deadline_passed": round_.past_deadline(),
            "oversees": SchedulingRound.access.oversees(user),
        },
    )


@login_required
@require_POST
def item_save(request, pk):
    """Save (草稿) or submit (提交) one report; htmx swaps the card, a plain POST goes back."""
    user = request.user
    item = get_object_or_404(RoundItem.objects.restrict(user, Action.CHANGE).select_related("round"), pk=pk)
    form = ReportForm(request.POST, instance=item)
    submit = request.POST.get("action") == "submit"
    saved = ""
    if form.is_valid():
        try:
            item = save_report(
                user, form.save(commit=False), expected_version=form.cleaned_data["version"] or 0, submit=submit
            )
        except StaleEditError:
            form.add_error(None, "该报告已被他人修改或退回，您的修改未保存。请刷新页面查看最新内容后重新填写。")
        except ValidationError as error:
            generic.apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            saved = "已提交招商局。" if submit else "已保存草稿。"
            form = None
    item = RoundItem.objects.select_related("round", "project", "unit").get(pk=item.pk) if form is None else item
    if not request.htmx:
        if saved:
            messages.success(request, f"「{item.project.name}」{saved}")
            return redirect("scheduling:report", pk=item.round_id)
        messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
        return redirect("scheduling:report", pk=item.round_id)
    card = _card(
        item,
        form,
        can_edit=item.editable,
        can_return=RoundItem.access.allows(user, Action.VERIFY) and item.round.is_open,
        saved=saved,
    )
    response = render(request, "scheduling/_item_card.html", card)
    if saved:
        # The counters above the cards (已提交 n/m) change with a submission: sent along
        # out of band, so the page never shows a stale count.
        response.write(render_to_string("scheduling/_report_counters.html", _counters(request, item.round), request))
    return response


def _counters(request, round_, oob: bool = True) -> dict:
    return {
        "round": round_,
        "grid": progress_by_unit(round_, RoundItem.objects.restrict(request.user).filter(round=round_)),
        "deadline_passed": round_.past_deadline(),
        "oversees": SchedulingRound.access.oversees(request.user),
        "oob": oob,
    }


@login_required
@require_POST
def item_return(request, pk):
    item = _managed_item_or_404(request.user, pk)
    try:
        return_report(request.user, item, request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已退回「{item.project.name}」的报告，填报单位将看到退回原因。")
    target = "scheduling:report" if request.POST.get("back") == "report" else "scheduling:detail"
    return redirect(target, pk=item.round_id)
