"""Project pages. Thin: reads through restrict(), writes through services."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.accounts.models import Unit
from zhaoshang.core import generic
from zhaoshang.core.changes import describe_rows, format_local_date
from zhaoshang.core.choices import Action
from zhaoshang.core.models import AuditLog, ListColumns, StaleEditError
from zhaoshang.core.numbers import format_exact, wan_to_yi
from zhaoshang.core.once import back_to_saved, create_once, posted_token, saved_response
from zhaoshang.core.panels import panels_for
from zhaoshang.core.views import querystring_without_page
from zhaoshang.projects.attachments import download_name, save_attachment
from zhaoshang.projects.choices import LIFECYCLE, Stage
from zhaoshang.projects.columns import LIST_ORDERING, PROJECT_COLUMNS, ROW_BADGES
from zhaoshang.projects.duplicates import find_duplicates, merge_projects
from zhaoshang.projects.filtersets import ProjectFilterSet
from zhaoshang.projects.forms import (
    BulkEditForm,
    CreditShareFormSet,
    FollowUpForm,
    ProjectForm,
    ReturnForm,
    StageClaimForm,
)
from zhaoshang.projects.models import Attachment, Project, StageEvent
from zhaoshang.projects.services import (
    StageClaim,
    add_follow_up,
    bulk_edit,
    create_project,
    find_or_create_investor,
    return_event,
    set_credits,
    submit_stage,
    update_project,
    verify_event,
    withdraw_project,
    withdrawal_refusal,
)
from zhaoshang.relations.models import Contact

# What a kanban card reads.
KANBAN_FIELDS = ["name", "is_key", "total_investment", "stage", "responsible_unit__name", "investor__name"]


def _project_or_404(user, pk, action=Action.VIEW) -> Project:
    # Ids also come from posted fields (the merge form's duplicate): anything that is not an
    # id is a project that does not exist, not a server error.
    if not str(pk).isdigit() or len(str(pk)) > 18:
        raise Http404
    return get_object_or_404(
        Project.objects.restrict(user, action).select_related(
            "investor", "responsible_unit", "landing_unit", "industry"
        ),
        pk=pk,
    )


def _can(user, action, project=None) -> bool:
    if not Project.access.allows(user, action):
        return False
    return project is None or Project.objects.restrict(user, action).filter(pk=project.pk).exists()


class ProjectList(generic.ObjectListView):
    """项目库: the generic list over projects/columns.py, with the bulk edit's boxes, the
    warnings' badges after each name and the page's 协议总投资 in 亿元 under the table."""

    model = Project
    columns = PROJECT_COLUMNS
    filterset_class = ProjectFilterSet
    ordering = LIST_ORDERING
    list_url, detail_url, create_url = "projects:list", "projects:detail", "projects:create"
    list_key = "projects:list"
    template_name, table_template, table_id = (
        "projects/project_list.html",
        "projects/_project_table.html",
        "project-table",
    )
    title, add_label, export_title = "项目库", "新建项目", "项目库"
    empty_title, empty_hint = "没有符合条件的项目", "换个筛选条件，或新建项目、导入台账。"
    exporting = False

    def filter_queryset(self, queryset):
        return queryset.filter(merged_into__isnull=True)

    def get_count_cap(self):
        # A free-text search reads every live project; counting stops at 1,000 so it costs no more.
        return 1000 if self.request.GET.get("q", "").strip() else None

    def chosen_names(self):
        if "cols" in self.request.GET:  # a link that names its columns shows them, saving nothing
            return self.columns.clean(self.request.GET.getlist("cols"))
        # The chooser used to keep the choice in the session: carried over once to the
        # user's saved columns (ListColumns), never over a choice saved since.
        carried = self.request.session.pop("project_columns", None)
        if carried is not None:
            ListColumns.objects.get_or_create(
                user=self.request.user, list_key=self.get_list_key(), defaults={"columns": self.columns.clean(carried)}
            )
        return super().chosen_names()

    def chosen_columns(self):
        chosen = super().chosen_columns()
        if not self.can_bulk:
            chosen = [column for column in chosen if column.name != "select"]
        return chosen

    @cached_property
    def can_bulk(self) -> bool:
        return Project.access.allows(self.request.user, Action.CHANGE)

    def decorate(self, rows):
        self.page_total = sum((project.total_investment or 0) for project in rows)
        if self.exporting or not rows:
            return
        ids = [project.pk for project in rows]
        badge_makers = [provider(ids) for provider in ROW_BADGES]  # one query each for the page
        for project in rows:
            project.row_badges = "".join(badges_of(project.pk) for badges_of in badge_makers)

    def cell_context(self):
        return {**super().cell_context(), "row_url": self.row_url()}

    def export(self):
        self.exporting = True
        return super().export()

    def get_extra_context(self):
        return {"page_total_yi": wan_to_yi(self.page_total), "can_bulk": self.can_bulk}


project_list = ProjectList.as_view()


@login_required
def project_kanban(request):
    if not Project.access.allows(request.user, Action.VIEW):
        raise Http404
    base = Project.objects.restrict(request.user).filter(merged_into__isnull=True)
    filterset = ProjectFilterSet(request.GET or None, queryset=base, request=request)
    order, _ = PROJECT_COLUMNS.ordering(request.GET.get("sort"))  # the list's sort, if it came with one
    rows = filterset.qs.select_related("investor", "responsible_unit").only(*KANBAN_FIELDS)
    rows = rows.order_by(*(order or LIST_ORDERING))
    columns = []
    for stage in [*LIFECYCLE, Stage.ON_HOLD]:
        in_stage = rows.filter(stage=stage)
        columns.append({"stage": stage, "label": stage.label, "count": in_stage.count(), "cards": list(in_stage[:30])})
    return render(
        request,
        "projects/project_kanban.html",
        {"columns": columns, "filterset": filterset, "qs": querystring_without_page(request)},
    )


def _timeline(project: Project) -> list[dict]:
    """Stage events, verifications, follow-ups and changes, newest first."""
    items = []
    events = list(
        project.events.select_related("submitted_by", "verified_by", "resubmission_of").prefetch_related(
            "attachments", "resubmissions"
        )
    )
    for event in events:
        items.append({"when": event.submitted_at, "kind": "event", "event": event})
    for follow_up in project.follow_ups.select_related("created_by"):
        items.append({"when": follow_up.created_at, "kind": "follow_up", "follow_up": follow_up})
    # The project is in the viewer's scope (checked by the caller), so its own history is
    # theirs to read; AuditLog.objects.restrict() is for the auditor's whole-log pages.
    history = AuditLog.objects.filter(
        Q(object_type="projects.project", object_id=str(project.pk))
        | Q(object_type="projects.stageevent", object_id__in=[str(event.pk) for event in events], action="verify")
        | Q(action="merge", object_id=str(project.pk))
    ).order_by("-time")[:200]
    for row in describe_rows(history):
        if row.action in ("update", "create", "merge", "verify"):
            items.append({"when": row.time, "kind": row.action, "row": row})
    items.sort(key=lambda item: item["when"], reverse=True)
    return items


def _as_written(value):
    """A value of the stale-edit table as a clerk writes it: 3500, not 3500.0000."""
    if isinstance(value, Decimal):
        return format_exact(value)
    if isinstance(value, datetime.date):
        return format_local_date(value)
    return value


@login_required
def project_detail(request, pk):
    return _detail_page(request, _project_or_404(request.user, pk))


def _detail_page(request, project: Project, *, claim_form=None, follow_up_form=None):
    """The project page; a refused stage claim or follow-up comes back in its own form,
    with everything typed kept and each error beside its field."""
    user = request.user
    hints = []
    if project.investor_id:
        hints = [
            hint
            for hint in find_duplicates(
                user,
                name=project.name,
                investor_name=project.investor.name,
                uscc=project.investor.uscc or "",
                exclude_pk=project.pk,
            )
            if hint.strong
        ]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "timeline": _timeline(project),
            "credits": project.credits.select_related("unit"),
            # Contacts are their keeping unit's own: only those this user may see, masked.
            "contacts": Contact.objects.restrict(user).filter(company_id=project.investor_id)
            if project.investor_id
            else [],
            # Other apps' parts of the page (funds: the money in place), see core.panels.
            "panels": panels_for("project", user, project),
            "attachments": project.attachments.all(),
            "hints": hints,
            "can_change": _can(user, Action.CHANGE, project),
            "can_verify": _can(user, Action.VERIFY, project),
            "can_withdraw": _can(user, Action.CHANGE, project) and not withdrawal_refusal(user, project),
            "claim_form": claim_form or StageClaimForm(project=project),
            "follow_up_form": follow_up_form or FollowUpForm(),
            "return_form": ReturnForm(),
            "total_yi": wan_to_yi(project.total_investment),
        },
    )


def _save_investor(request, form, unit):
    link = find_or_create_investor(
        request.user, form.cleaned_data["investor_name"], form.cleaned_data["investor_uscc"], unit
    )
    for note in link.notes:
        messages.info(request, note)
    return link.company


# The service's field → the form's: the investor is typed by name, a supplement is a kind of stage claim.
FORM_FIELDS = {"investor": "investor_name", "is_supplementary": "stage"}


@login_required
def project_create(request):
    if not Project.access.allows(request.user, Action.ADD):
        raise Http404
    if request.method == "POST":
        token = posted_token(request)
        if response := back_to_saved(request, token):  # Back → 保存, a double click
            return response
        form = ProjectForm(request.POST, user=request.user)
        if form.is_valid():

            def create():
                project = form.save(commit=False)
                project.investor = _save_investor(request, form, project.responsible_unit)
                return create_project(request.user, project)

            try:
                once = create_once(request.user, token, create, _detail_url)
            except (ValidationError, PermissionDenied) as error:
                generic.apply_errors(form, error, FORM_FIELDS)
            else:
                return saved_response(request, once, lambda made: f"已创建项目「{made.name}」（{made.code}）。")
    else:
        form = ProjectForm(
            user=request.user, initial={"responsible_unit": request.user.unit_id, "stage": Stage.NEGOTIATING}
        )
    return render(request, "projects/project_form.html", {"form": form, "creating": True})


def _detail_url(record) -> str:
    """The project page, where a project, its stage claims and follow-ups are shown."""
    return reverse("projects:detail", args=[getattr(record, "project_id", None) or record.pk])


@login_required
def project_edit(request, pk):
    project = _project_or_404(request.user, pk, Action.CHANGE)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                edited = form.save(commit=False)
                edited.investor = _save_investor(request, form, edited.responsible_unit)
                update_project(request.user, edited, expected_version=int(form.cleaned_data.get("version") or 0))
        except StaleEditError as error:
            stale = error.current
            form.add_error(None, "该项目已被他人修改，您的修改未保存。请对照下方他人保存的内容，在最新版本上重新编辑。")
        except ValidationError as error:
            generic.apply_errors(form, error, FORM_FIELDS)
        else:
            messages.success(request, "已保存。")
            return redirect("projects:detail", pk=project.pk)
    stale_rows = []
    if stale is not None:
        for name in (
            "name",
            "total_investment",
            "responsible_leader",
            "officer_in_charge",
            "signed_on",
            "started_on",
            "remarks",
        ):
            mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
            label = Project._meta.get_field(name).verbose_name
            stale_rows.append((label, _as_written(getattr(stale, name)), _as_written(mine)))
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project, "stale": stale, "stale_rows": stale_rows},
    )


@login_required
@require_POST
def project_advance(request, pk):
    project = _project_or_404(request.user, pk, Action.CHANGE)
    token = posted_token(request)
    if response := back_to_saved(request, token):  # Back → 保存, a double click
        return response
    form = StageClaimForm(request.POST, request.FILES, project=project)
    evidence = request.FILES.get("evidence")
    if form.is_valid():
        data = form.cleaned_data
        if data["stage"] in (Stage.STARTED, Stage.PRODUCTION) and evidence is None:
            form.add_error("evidence", "开工、投产须上传证明材料（如施工许可证、开工或投产现场照片）。")
        else:

            def create():
                event = submit_stage(
                    request.user,
                    project,
                    StageClaim(
                        stage=data["stage"],
                        date=data["date"],
                        amount=data["amount"],
                        note=data["note"],
                        is_supplementary=data["is_supplementary"],
                    ),
                )
                if evidence is not None:
                    try:
                        save_attachment(
                            request.user,
                            project,
                            evidence,
                            event=event,
                            description=f"{event.get_stage_display()}证明材料",
                        )
                    except ValidationError as error:
                        raise ValidationError({"evidence": error.messages}) from None
                return event

            try:
                once = create_once(request.user, token, create, _detail_url)
            except ValidationError as error:
                generic.apply_errors(form, error, FORM_FIELDS)
            else:
                return saved_response(
                    request, once, lambda event: f"已填报「{event.get_stage_display()}」，等待招商局审核。"
                )
    # A browser never keeps a chosen file: say which one to choose again.
    form.lost_file = evidence.name if evidence is not None else ""
    return _detail_page(request, project, claim_form=form)


def _event_for_bureau(user, pk) -> StageEvent:
    if not StageEvent.access.allows(user, Action.VERIFY):
        raise Http404
    return get_object_or_404(StageEvent.objects.restrict(user, Action.VERIFY), pk=pk)


@login_required
@require_POST
def event_verify(request, pk):
    event = _event_for_bureau(request.user, pk)
    try:
        verify_event(request.user, event)
    except ValidationError as error:  # already decided, by a colleague in another tab
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已审核通过：{event.get_stage_display()} {event.date:%Y-%m-%d}。")
    return redirect("projects:detail", pk=event.project_id)


@login_required
@require_POST
def event_return(request, pk):
    event = _event_for_bureau(request.user, pk)
    form = ReturnForm(request.POST)
    if form.problem():  # 5,000 characters once reached a 300-character column unchecked
        messages.error(request, form.problem())
        return redirect("projects:detail", pk=event.project_id)
    try:
        return_event(request.user, event, form.data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已退回，填报单位将看到退回原因。")
    return redirect("projects:detail", pk=event.project_id)


@login_required
@require_POST
def follow_up_add(request, pk):
    project = _project_or_404(request.user, pk, Action.CHANGE)
    token = posted_token(request)
    if response := back_to_saved(request, token):  # Back → 保存, a double click
        return response
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            once = create_once(
                request.user, token, lambda: add_follow_up(request.user, project, form.save(commit=False)), _detail_url
            )
        except ValidationError as error:
            generic.apply_errors(form, error, FORM_FIELDS)
        else:
            return saved_response(request, once, lambda _: "已添加跟踪洽谈记录。")
    return _detail_page(request, project, follow_up_form=form)


@login_required
def project_withdraw(request, pk):
    """撤回: a project entered in error goes, after a confirmation page; otherwise the page
    says why it cannot (and that 退库 ends a real project)."""
    project = _project_or_404(request.user, pk, Action.CHANGE)
    refusal = withdrawal_refusal(request.user, project)
    error = ""
    if request.method == "POST" and not refusal:
        try:
            withdraw_project(request.user, project, request.POST.get("reason", ""))
        except ValidationError as problem:
            error = "；".join(problem.messages)
        else:
            messages.success(request, f"已撤回项目「{project.name}」（{project.code}）。")
            return redirect("projects:list")
    return render(
        request,
        "projects/project_withdraw.html",
        {"project": project, "refusal": refusal, "error": error, "reason": request.POST.get("reason", "")},
        status=409 if refusal and request.method == "POST" else 200,
    )


@login_required
def project_credits(request, pk):
    """A project's credit shares: everyone who sees the project reads them; the bureau
    changes them (cross-region landing, a stationed team's home department)."""
    project = _project_or_404(request.user, pk)
    can_edit = request.user.role == "bureau"
    units = Unit.objects.restrict(request.user).filter(active=True).order_by("path")
    current = [
        {"unit": credit.unit, "percent": credit.percent, "reason": credit.reason}
        for credit in project.credits.select_related("unit")
    ]
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        formset = CreditShareFormSet(request.POST, form_kwargs={"units": units})
        if formset.is_valid():
            shares = [
                (row["unit"], row["percent"], row.get("reason", ""))
                for row in formset.cleaned_data
                if row and not row.get("DELETE")
            ]
            try:
                set_credits(request.user, project, shares)
            except (ValidationError, PermissionDenied) as error:
                formset._non_form_errors = formset.error_class(getattr(error, "messages", [str(error)]))
            else:
                messages.success(request, "已更新业绩归属。")
                return redirect("projects:detail", pk=project.pk)
    else:
        formset = CreditShareFormSet(initial=current, form_kwargs={"units": units})
    return render(
        request,
        "projects/project_credits.html",
        {"project": project, "formset": formset, "current": current, "can_edit": can_edit},
    )


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def duplicates_check(request):
    """htmx: likely duplicates of what is being typed into the project form."""
    if not Project.access.allows(request.user, Action.VIEW):
        raise Http404
    exclude = request.GET.get("exclude") or None
    hints = find_duplicates(
        request.user,
        name=request.GET.get("name", ""),
        investor_name=request.GET.get("investor_name", ""),
        uscc=request.GET.get("investor_uscc", ""),
        exclude_pk=int(exclude) if exclude and exclude.isdigit() else None,
    )
    return render(request, "projects/_duplicates.html", {"hints": hints})


@login_required
def project_merge(request, pk):
    if request.user.role != "bureau":
        raise Http404
    keep = _project_or_404(request.user, pk, Action.CHANGE)
    hints = find_duplicates(
        request.user,
        name=keep.name,
        investor_name=keep.investor.name if keep.investor_id else "",
        uscc=(keep.investor.uscc or "") if keep.investor_id else "",
        exclude_pk=keep.pk,
    )
    if request.method == "POST":
        duplicate = _project_or_404(request.user, request.POST.get("duplicate") or 0, Action.CHANGE)
        try:
            merge_projects(request.user, keep, duplicate, reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"已将 {duplicate.code} 合并至本项目，其阶段事件、洽谈记录和附件已转入。")
            return redirect("projects:detail", pk=keep.pk)
    return render(request, "projects/project_merge.html", {"project": keep, "hints": hints})


@login_required
@require_http_methods(["GET", "POST"])
def project_bulk_edit(request):
    if request.method == "GET":
        # The form is fetched when the user opens it: its unit list has thousands of
        # options, and most visits to the list never bulk-edit.
        if not Project.access.allows(request.user, Action.CHANGE):
            raise PermissionDenied
        context = {"bulk_form": BulkEditForm(user=request.user), "back": request.GET.get("back", "")}
        return render(request, "projects/_bulk_form.html", context)
    form = BulkEditForm(request.POST, user=request.user)
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("projects:list")  # never redirect off-site (a forged "back")
    if not form.is_valid():
        messages.error(request, "；".join(message for errors in form.errors.values() for message in errors))
        return redirect(back)
    projects = list(Project.objects.restrict(request.user, Action.CHANGE).filter(pk__in=form.cleaned_data["ids"]))
    if len(projects) != len(set(form.cleaned_data["ids"])):
        raise Http404
    try:
        count = bulk_edit(
            request.user,
            projects,
            {
                key: form.cleaned_data[key]
                for key in ("responsible_unit", "responsible_leader", "leading_industry", "chain_tag")
            },
        )
    except (ValidationError, PermissionDenied, StaleEditError) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"已批量修改 {count} 个项目。")
    return redirect(back)
