"""Supervision pages: the problem list, a problem with its timeline, raising one from
the project page, editing, progress notes, closing, reopening; leaders' instructions and
replies; 问题办结率 by unit; "my problems". Thin: reads through restrict(), writes through
services."""

import datetime
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit
from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.core.models import StaleEditError
from zhaoshang.core.once import back_to_saved, create_once, posted_token, saved_response
from zhaoshang.core.parsing import ParseError, parse_date
from zhaoshang.core.views import paginate, querystring_without_page
from zhaoshang.projects.models import Project
from zhaoshang.stats.services import rank_desc
from zhaoshang.supervision.filtersets import InstructionFilterSet, ProblemFilterSet
from zhaoshang.supervision.forms import CloseForm, InstructionForm, NoteForm, ProblemForm, ReopenForm, ReplyForm
from zhaoshang.supervision.models import Instruction, Problem
from zhaoshang.supervision.services import (
    CLOSURE_RULE,
    add_note,
    close_problem,
    closure_rates,
    describe_time_limit,
    open_problems_for,
    parse_time_limit,
    raise_problem,
    reopen_problem,
    reply_instruction,
    update_problem,
    write_instruction,
)

PAGE = 50


def _problem_or_404(user, pk, action=Action.VIEW) -> Problem:
    return get_object_or_404(
        Problem.objects.restrict(user, action).select_related(
            "project", "project__responsible_unit", "responsible_unit", "responsible_leader", "raised_by", "closed_by"
        ),
        pk=pk,
    )


def _can(model, user, action, pk) -> bool:
    return model.access.allows(user, action) and model.objects.restrict(user, action).filter(pk=pk).exists()


def _messages_of(error) -> str:
    return "；".join(getattr(error, "messages", [str(error)]))


# --- Problems ---------------------------------------------------------------------------


def _problem_listed(problem) -> str:
    deadline = problem.deadline
    return f"已列入问题清单，{deadline.year}年{deadline.month}月{deadline.day}日前办结。"


def _problem_category(problem, context) -> str:
    return f'<a href="{reverse("supervision:detail", args=[problem.pk])}">{escape(problem.get_category_display())}</a>'


def _problem_text(problem) -> str:
    detail = reverse("supervision:detail", args=[problem.pk])
    project = reverse("projects:detail", args=[problem.project_id])
    return (
        f'<a href="{detail}">{escape(Truncator(problem.description).chars(50))}</a>'
        f'<div class="small text-secondary"><a class="text-secondary" href="{project}">{escape(problem.project.name)}</a></div>'
    )


def _problem_owner(problem) -> str:
    return f'{escape(problem.responsible_unit.name)}<div class="small text-secondary">{escape(problem.leader_display or "")}</div>'


def _problem_deadline(problem, context) -> str:
    days = problem.working_days
    extra = f'<div class="small text-secondary fw-normal">{days} 个工作日</div>' if days else ""
    css = " text-danger fw-bold" if problem.is_open and problem.deadline < context["today"] else ""
    return f'<span class="text-nowrap{css}">{problem.deadline.isoformat()}{extra}</span>'


def _problem_state(problem, context) -> str:
    cell = f'<span class="badge bg-{problem.status_badge}-lt">{escape(problem.get_status_display())}</span>'
    if problem.is_open and problem.escalated_on:
        cell += f' <span class="badge bg-red text-white" title="{problem.escalated_on.isoformat()} 升级">已升级</span>'
    elif problem.is_open and problem.deadline < context["today"]:
        cell += ' <span class="badge bg-red-lt">逾期</span>'
    if problem.satisfaction:
        label = escape(problem.get_satisfaction_display())
        cell += f'<div class="small"><span class="badge bg-{problem.satisfaction_badge}-lt">{label}</span></div>'
    return cell


def _problem_row(problem) -> dict:
    attrs = {"data-testid": "problem-row"}
    if problem.is_open and problem.escalated_on:
        attrs["class"] = "table-danger"
    return attrs


PROBLEM_COLUMNS = Columns(
    Problem,
    Column("category", label="类别", html=_problem_category, takes_context=True, css="text-nowrap", required=True),
    Column("description", label="问题 / 项目", html=_problem_text, required=True, select=("project",)),
    Column("project__name", label="项目", default=False),
    Column("responsible_unit__name", label="责任单位 / 领导", html=_problem_owner, select=("responsible_leader",)),
    Column("deadline", html=_problem_deadline, takes_context=True),
    Column("status", html=_problem_state, takes_context=True, css="text-nowrap"),
    Column("raised_on", default=False),
    Column("closed_on", default=False),
    row_attrs=_problem_row,
)


class ProblemList(generic.ObjectListView):
    """问题清单: every problem the user may see, open ones first by deadline."""

    model, columns, filterset_class, per_page = Problem, PROBLEM_COLUMNS, ProblemFilterSet, PAGE
    ordering, template_name, title = ("status", "deadline", "id"), "supervision/problem_list.html", "问题清单"
    list_url, detail_url, table_id = "supervision:list", "supervision:detail", "problem-table"
    empty_title, empty_hint = "没有符合条件的问题", "换个筛选条件；新问题在项目页面「提出问题」。"


@login_required
def my_problems(request):
    """What the person should act on: their unit's open problems, a leader's assigned and
    escalated ones, the bureau's overdue ones."""
    if not Problem.access.allows(request.user, Action.VIEW):
        raise Http404
    problems = open_problems_for(request.user)
    return render(
        request,
        "supervision/my_problems.html",
        {"page": paginate(request, problems, PAGE), "today": timezone.localdate()},
    )


@login_required
def problem_detail(request, pk):
    problem = _problem_or_404(request.user, pk)
    user = request.user
    can_change = _can(Problem, user, Action.CHANGE, problem.pk)
    today = timezone.localdate()
    return render(
        request,
        "supervision/problem_detail.html",
        {
            "problem": problem,
            "project": problem.project,
            "notes": problem.notes.select_related("by").order_by("date", "id"),
            "instructions": Instruction.objects.restrict(user)
            .filter(problem=problem)
            .select_related("leader", "replied_by"),
            "can_change": can_change and problem.is_open,
            "can_reopen": Problem.access.allows(user, Action.VERIFY) and not problem.is_open,
            "can_instruct": user.role in (Role.LEADER, Role.BUREAU),
            "can_reply": Instruction.access.allows(user, Action.CHANGE),
            "note_form": NoteForm(initial={"date": today}),
            "close_form": CloseForm(initial={"date": today}),
            "reopen_form": ReopenForm(),
            "reply_form": ReplyForm(initial={"replied_on": today}),
            "today": today,
        },
    )


@login_required
def problem_create(request, pk):
    """提出问题 on a project the user may change (its unit, or the bureau)."""
    project = get_object_or_404(
        Project.objects.restrict(request.user, Action.CHANGE)
        .filter(merged_into__isnull=True)
        .select_related("responsible_unit"),
        pk=pk,
    )
    if request.method == "POST":
        token = posted_token(request)
        if response := back_to_saved(request, token):  # Back → 保存, a double click
            return response
        form = ProblemForm(request.POST, user=request.user, project=project)
        if form.is_valid():
            problem = form.save(commit=False)
            problem.project = project
            try:
                once = create_once(
                    request.user,
                    token,
                    lambda: raise_problem(request.user, problem, time_limit=form.cleaned_data["time_limit"]),
                    lambda made: reverse("supervision:detail", args=[made.pk]),
                )
            except ValidationError as error:
                generic.apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return saved_response(request, once, _problem_listed)
    else:
        form = ProblemForm(
            user=request.user,
            project=project,
            initial={
                "raised_on": timezone.localdate(),
                "responsible_unit": project.responsible_unit_id,
                "responsible_leader_name": project.responsible_leader,
                "time_limit": "10 个工作日",
            },
        )
    return render(request, "supervision/problem_form.html", {"form": form, "project": project})


@login_required
def problem_edit(request, pk):
    problem = _problem_or_404(request.user, pk, Action.CHANGE)
    if not problem.is_open:
        messages.error(request, "已办结的问题不能修改；如需继续办理，请招商局重新打开。")
        return redirect("supervision:detail", pk=pk)
    form = ProblemForm(request.POST or None, instance=problem, user=request.user, project=problem.project)
    if request.method == "POST" and form.is_valid():
        try:
            update_problem(
                request.user,
                form.save(commit=False),
                time_limit=form.cleaned_data["time_limit"],
                expected_version=int(form.cleaned_data.get("version") or 0),
            )
        except StaleEditError:
            form.add_error(None, "该问题已被他人修改或办结，您的修改未保存。请返回详情页查看最新内容后重新编辑。")
        except ValidationError as error:
            generic.apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已保存。")
            return redirect("supervision:detail", pk=pk)
    return render(
        request, "supervision/problem_form.html", {"form": form, "project": problem.project, "problem": problem}
    )


@login_required
def deadline_preview(request):
    """The deadline the typed 办理时限 gives, shown under the field as the clerk types (htmx)."""
    try:
        start = parse_date(request.GET.get("raised_on", "")) if request.GET.get("raised_on") else None
    except ParseError:
        start = None
    start = start.date if start else timezone.localdate()
    try:
        limit = parse_time_limit(request.GET.get("time_limit", ""), start)
    except ValidationError as error:
        return HttpResponse(format_html('<span class="text-danger">{}</span>', _messages_of(error)))
    return HttpResponse(
        format_html('<span class="text-success" data-testid="deadline">{}</span>', describe_time_limit(limit))
    )


@login_required
@require_POST
def note_add(request, pk):
    problem = _problem_or_404(request.user, pk, Action.CHANGE)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            add_note(request.user, problem, form.cleaned_data["text"], form.cleaned_data["date"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, "已记录办理进展。")
    else:
        messages.error(request, "请填写办理进展和日期。")
    return redirect("supervision:detail", pk=pk)


@login_required
def problem_close(request, pk):
    problem = _problem_or_404(request.user, pk, Action.CHANGE)
    form = CloseForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            close_problem(
                request.user,
                problem,
                satisfaction=form.cleaned_data["satisfaction"],
                note=form.cleaned_data["note"],
                day=form.cleaned_data["date"],
            )
        except ValidationError as error:
            generic.apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "问题已办结。")
            return redirect("supervision:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/problem_close.html", {"form": form, "problem": problem}, status=status)


@login_required
@require_POST
def problem_reopen(request, pk):
    if not Problem.access.allows(request.user, Action.VERIFY):
        raise Http404
    problem = _problem_or_404(request.user, pk, Action.VERIFY)
    try:
        reopen_problem(
            request.user, problem, request.POST.get("reason", ""), time_limit=request.POST.get("time_limit", "")
        )
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    else:
        messages.success(request, "问题已重新打开，责任单位继续办理。")
    return redirect("supervision:detail", pk=pk)


# --- Instructions -----------------------------------------------------------------------


@login_required
def instruction_list(request):
    if not Instruction.access.allows(request.user, Action.VIEW):
        raise Http404
    data = request.GET.copy() if request.GET else None
    if data is None:
        data = {"answered": "no"}  # what needs doing first: the unanswered ones
    filterset = InstructionFilterSet(data, queryset=Instruction.objects.restrict(request.user), request=request)
    rows = filterset.qs.select_related(
        "project", "project__responsible_unit", "problem", "leader", "replied_by"
    ).order_by("replied_on", "-written_on", "-id")
    context = {
        "filterset": filterset,
        "page": paginate(request, rows, PAGE),
        "qs": querystring_without_page(request),
        "can_reply": Instruction.access.allows(request.user, Action.CHANGE),
        "reply_form": ReplyForm(initial={"replied_on": timezone.localdate()}),
    }
    template = (
        "supervision/instruction_list.html#instruction-table" if request.htmx else "supervision/instruction_list.html"
    )
    return render(request, template, context)


def _instruction_shown_at(instruction) -> str:
    if instruction.problem_id:
        return reverse("supervision:detail", args=[instruction.problem_id])
    return reverse("projects:detail", args=[instruction.project_id])


@login_required
def instruction_create(request, pk):
    """批示 on a project (and optionally one of its problems): a leader, or the bureau for one."""
    if request.user.role not in (Role.LEADER, Role.BUREAU):
        raise Http404
    project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
    initial = {"written_on": timezone.localdate()}
    if request.GET.get("problem", "").isdigit():
        initial["problem"] = int(request.GET["problem"])
    token = posted_token(request) if request.method == "POST" else ""
    if response := back_to_saved(request, token):  # Back → 保存, a double click
        return response
    form = InstructionForm(request.POST or None, user=request.user, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        instruction = form.save(commit=False)
        instruction.project = project
        try:
            once = create_once(
                request.user, token, lambda: write_instruction(request.user, instruction), _instruction_shown_at
            )
        except ValidationError as error:
            generic.apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return saved_response(request, once, lambda _: "批示已录入，责任单位将看到并回复落实情况。")
    return render(request, "supervision/instruction_form.html", {"form": form, "project": project})


@login_required
def instruction_reply(request, pk):
    instruction = get_object_or_404(
        Instruction.objects.restrict(request.user, Action.CHANGE).select_related("project", "problem", "leader"), pk=pk
    )
    form = ReplyForm(
        request.POST or None,
        initial={"reply_text": instruction.reply_text, "replied_on": instruction.replied_on or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            reply_instruction(
                request.user, instruction, form.cleaned_data["reply_text"], form.cleaned_data["replied_on"]
            )
        except ValidationError as error:
            generic.apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已回复批示落实情况。")
            if instruction.problem_id:
                return redirect("supervision:detail", pk=instruction.problem_id)
            return redirect("supervision:instruction_list")
    return render(request, "supervision/instruction_reply.html", {"form": form, "instruction": instruction})


# --- 问题办结率 -------------------------------------------------------------------------


def _date_param(request, name: str, default: datetime.date) -> tuple[datetime.date, str | None]:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default, None
    try:
        parsed = parse_date(raw)
    except ParseError:
        parsed = None
    if parsed is None:
        return default, f"无法识别的日期「{raw}」，已按默认日期统计。"
    return parsed.date, None


@login_required
def closure_table(request):
    """问题办结率 of a unit and each unit below it, for a period (default: this year to date)."""
    user = request.user
    if not Problem.access.allows(user, Action.VIEW):
        raise Http404
    today = timezone.localdate()
    start, start_error = _date_param(request, "start", datetime.date(today.year, 1, 1))
    end, end_error = _date_param(request, "end", today)
    errors = [error for error in (start_error, end_error) if error]
    if end < start:
        errors.append("统计期末不能早于期初，已按本年至今统计。")
        start, end = datetime.date(today.year, 1, 1), today
    visible = Unit.objects.restrict(user)
    parent = None
    if request.GET.get("unit", "").isdigit():
        parent = visible.filter(pk=int(request.GET["unit"])).first()
    if parent is None:
        parent = (
            user.unit if user.role == Role.OFFICER else visible.filter(parent__isnull=True).order_by("path").first()
        )
    units = [parent, *visible.filter(parent=parent, active=True).order_by("sort_order", "path")] if parent else []
    rates = closure_rates(units, start, end)
    ranks = rank_desc({unit.pk: rates[unit.pk].rate for unit in units[1:]})
    rows = [{"unit": unit, "rate": rates[unit.pk], "rank": ranks.get(unit.pk)} for unit in units]
    return render(
        request,
        "supervision/closure_table.html",
        {
            "rows": rows,
            "parent": parent,
            "start": start,
            "end": end,
            "errors": errors,
            "units": visible.filter(active=True).order_by("path"),
            "rule": CLOSURE_RULE,
        },
    )
