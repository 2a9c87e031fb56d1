"""招商情报 pages on the generic ones (core.generic): the list, a signal with its pipeline
actions, the form, and the firms likely to move or expand by region. The workflow is in
``services_teams``; these views only read (restricted) and call it."""

import uuid
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.core.once import back_to_saved, create_once, posted_token
from zhaoshang.fieldwork.choices import OPEN_SIGNAL_STAGES, SIGNAL_STAGE_BADGES, SignalStage
from zhaoshang.fieldwork.filtersets import SignalFilterSet
from zhaoshang.fieldwork.forms import SignalExcludeForm, SignalForm
from zhaoshang.fieldwork.models import Signal
from zhaoshang.fieldwork.services_teams import (
    advance_signal,
    convert_signal,
    exclude_signal,
    firms_by_region,
    save_signal,
)


def stage_badge(signal) -> str:
    css = SIGNAL_STAGE_BADGES.get(signal.stage, "")
    return f'<span class="badge {css}">{escape(signal.get_stage_display())}</span>'


SIGNAL_COLUMNS = Columns(
    Signal,
    Column("company__name", label="企业", link=True, required=True),
    Column("kind"),
    Column("summary"),
    Column("credibility"),
    Column("investment_category", default=False),
    Column("reporting_unit__name", label="报送单位", sort="reporting_unit__path"),
    Column("reported_on", css="text-nowrap"),
    Column("stage", html=stage_badge),
)


class SignalPages:
    model = Signal
    list_url, detail_url, create_url = "fieldwork:signal_list", "fieldwork:signal_detail", "fieldwork:signal_create"
    edit_url = "fieldwork:signal_edit"


class SignalList(SignalPages, generic.ObjectListView):
    columns, filterset_class, ordering = SIGNAL_COLUMNS, SignalFilterSet, ("-reported_on", "-id")
    add_label = "报送招商情报"
    subtitle = "驻点小分队和各单位报送的企业外迁、扩产、新设基地等信号，及其核实、拜访、转为项目线索的进展。"
    template_name = "fieldwork/intelligence/signal_list.html"


class SignalDetail(SignalPages, generic.ObjectDetailView):
    template_name = "fieldwork/intelligence/signal_detail.html"
    select_related = ("company", "reporting_unit", "team__unit", "member", "project")
    fields = (
        "company__name",
        "kind",
        "summary",
        "source",
        "evidence",
        "credibility",
        "investment_category",
        "reporting_unit__name",
        ("小分队", lambda s: s.team.unit.name if s.team_id else "—"),
        ("报送队员", lambda s: s.member.name if s.member_id else "—"),
        "reported_on",
        "stage",
        "verified_on",
        "visited_on",
        "converted_on",
        "excluded_on",
        "exclude_reason",
        "stage_note",
    )

    def get_extra_context(self, signal):
        can_act = self.can(Action.CHANGE, signal) and signal.stage in OPEN_SIGNAL_STAGES
        return {
            "can_act": can_act,
            "can_verify": can_act and signal.stage == SignalStage.SIGNAL,
            "can_visit": can_act and signal.stage in (SignalStage.SIGNAL, SignalStage.VERIFIED),
            "exclude_form": SignalExcludeForm() if can_act else None,
            "convert_token": uuid.uuid4().hex,
            "stages": [(value, label) for value, label in SignalStage.choices if value != SignalStage.EXCLUDED],
        }


class SignalEdit(SignalPages, generic.ObjectEditView):
    form_class = SignalForm
    title_create = "报送招商情报"

    def get_form_kwargs(self, signal):
        return {"instance": signal, "user": self.request.user}

    def save(self, form, signal, expected_version):
        from zhaoshang.relations.services import investor_for

        edited = form.save(commit=False)
        link = investor_for(self.request.user, form.cleaned_data["company_name"], unit=edited.reporting_unit)
        if link.company is None:
            raise ValidationError({"company_name": "请填写企业名称。"})
        edited.company = link.company
        return save_signal(self.request.user, edited, expected_version=expected_version)

    def success_message(self, signal):
        return f"已保存招商情报：{signal}。"


def _signal(request, pk) -> Signal:
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(Signal.objects.restrict(request.user, Action.CHANGE), pk=pk)


def _refused(request, error) -> None:
    if isinstance(error, PermissionDenied):
        messages.error(request, str(error) or "您没有权限进行此操作。")
    else:
        for text in error.messages:
            messages.error(request, text)


@require_POST
@login_required
def signal_step(request, pk, stage):
    """核实 or 拜访 (the stage in the URL); a second click changes nothing."""
    signal = _signal(request, pk)
    if stage not in (SignalStage.VERIFIED, SignalStage.VISITED):
        raise Http404
    try:
        signal = advance_signal(request.user, signal, stage, request.POST.get("note", "")[:2000])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, f"情报已标记为「{signal.get_stage_display()}」。")
    return redirect("fieldwork:signal_detail", pk=signal.pk)


@require_POST
@login_required
def signal_exclude(request, pk):
    signal = _signal(request, pk)
    form = SignalExcludeForm(request.POST)
    form.is_valid()
    try:
        exclude_signal(request.user, signal, form.cleaned_data.get("reason", ""))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, "情报已排除。")
    return redirect("fieldwork:signal_detail", pk=signal.pk)


@require_POST
@login_required
def signal_convert(request, pk):
    """转为项目线索 with the page's one-time token: Back → 转为项目线索 or a double click opens the
    lead made by the first; the service's lock makes a second conversion find it too."""
    signal = _signal(request, pk)
    token = posted_token(request)
    if response := back_to_saved(request, token):
        return response
    try:
        once = create_once(
            request.user,
            token,
            lambda: convert_signal(request.user, signal),
            lambda converted: converted.get_absolute_url(),
        )
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return redirect("fieldwork:signal_detail", pk=signal.pk)
    if once.created is not None:
        messages.success(request, f"已转为项目线索「{once.created.project.name}」（{once.created.project.code}）。")
    return redirect(once.url)


@login_required
def firms_by_region_page(request):
    """Firms likely to move or expand: the open signals the user sees, by the firm's home division."""
    if not Signal.access.allows(request.user, Action.VIEW):
        raise Http404
    signals = Signal.objects.restrict(request.user, Action.VIEW)
    filterset = SignalFilterSet(request.GET or None, queryset=signals, request=request)
    groups = firms_by_region(filterset.qs)
    return render(
        request,
        "fieldwork/intelligence/by_region.html",
        {"groups": groups, "filterset": filterset, "firm_count": sum(len(g["firms"]) for g in groups)},
    )
