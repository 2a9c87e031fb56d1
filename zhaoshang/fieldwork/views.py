"""外出招商 pages on the generic ones (core.generic): trips, their visits, the title table."""

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.fieldwork.choices import CAMPAIGN_BADGES, LEVEL_BADGES, STATUS_BADGES
from zhaoshang.fieldwork.filtersets import CampaignFilterSet, TripFilterSet
from zhaoshang.fieldwork.forms import CampaignForm, LeaderTitleLevelForm, SigningForm, TripForm, TripVisitForm
from zhaoshang.fieldwork.models import Campaign, LeaderTitleLevel, Trip, TripVisit
from zhaoshang.fieldwork.services import add_signing, campaign_figures, save_campaign, save_trip, save_visit


def _badge(css: str, text: str) -> str:
    return f'<span class="badge {css}">{escape(text)}</span>'


def _span(start, end) -> str:
    """2026-03-05, or 2026-03-05 至 03-07 (至 2027-01-02 across a year)."""
    if end and end != start:
        return f"{start:%Y-%m-%d} 至 {end:%m-%d}" if end.year == start.year else f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    return f"{start:%Y-%m-%d}"


def _dates(trip) -> str:
    return _span(trip.departure_on, trip.return_on)


TRIP_COLUMNS = Columns(
    Trip,
    Column("departure_on", html=lambda trip: escape(_dates(trip)), link=True, required=True, css="text-nowrap"),
    Column("return_on", default=False),
    Column("leader_name", html=lambda t: escape(t.leader_name + (f"（{t.leader_title}）" if t.leader_title else ""))),
    Column(
        "leader_level",
        html=lambda trip: _badge(LEVEL_BADGES.get(trip.leader_level, ""), trip.get_leader_level_display()),
    ),
    Column("organiser__name", label="组织单位", sort="organiser__path"),
    Column("destination_text"),
    Column("purpose", default=False),
    Column("status", html=lambda trip: _badge(STATUS_BADGES.get(trip.status, ""), trip.get_status_display())),
)


class TripPages:
    model = Trip
    list_url, detail_url, create_url = "fieldwork:trip_list", "fieldwork:trip_detail", "fieldwork:trip_create"
    edit_url, delete_url = "fieldwork:trip_edit", "fieldwork:trip_delete"


class TripList(TripPages, generic.ObjectListView):
    add_label = "登记外出招商"
    columns, filterset_class, ordering = TRIP_COLUMNS, TripFilterSet, ("-departure_on", "-id")
    template_name = "fieldwork/trip_list.html"


class TripDetail(TripPages, generic.ObjectDetailView):
    template_name = "fieldwork/trip_detail.html"
    select_related = ("organiser",)
    fields = (
        ("出行日期", _dates),
        ("带队领导", lambda trip: trip.leader_name + (f"（{trip.leader_title}）" if trip.leader_title else "")),
        ("带队层级", lambda t: t.get_leader_level_display() + ("（手工指定）" if t.level_given else "（按职务识别）")),
        "organiser__name",
        ("随行单位", lambda trip: "、".join(p.unit.name for p in trip.participations.select_related("unit")) or "—"),
        "destination_text",
        ("目的地区划", lambda trip: "、".join(d.name for d in trip.destinations.all()) or "—"),
        "purpose",
        "status",
        "remarks",
    )

    def get_extra_context(self, trip):
        visits = list(trip.visits.select_related("company", "project").prefetch_related("photos"))
        can_change = self.can(Action.CHANGE, trip)
        return {
            "visits": visits,
            "can_add_visit": can_change,
            "visit_add_href": reverse("fieldwork:visit_add", args=[trip.pk]) if can_change else None,
            "mobile_href": reverse("fieldwork:mobile_visit", args=[trip.pk]) if can_change else None,
        }


class TripEdit(TripPages, generic.ObjectEditView):
    form_class = TripForm
    title_create = "登记外出招商"

    def get_form_kwargs(self, trip):
        return {"instance": trip, "user": self.request.user}

    def save(self, form, trip, expected_version):
        edited = form.save(commit=False)
        edited.leader_level = form.cleaned_data.get("leader_level") or ""
        return save_trip(
            self.request.user, edited, list(form.cleaned_data["accompanying"]), expected_version=expected_version
        )

    def success_message(self, trip):
        return f"已保存外出招商：{trip}。"


class TripDelete(TripPages, generic.ObjectDeleteView):
    pass


# --- Visits of a trip ---------------------------------------------------------------------------


class VisitEdit(generic.ObjectEditView):
    model, form_class, select_related = TripVisit, TripVisitForm, ("trip", "company", "project")
    title_edit = "编辑拜访记录"

    def trip(self, visit):
        return visit.trip

    def save(self, form, visit, expected_version):
        edited = form.save(commit=False)
        edited.trip = self.trip(visit)
        return save_visit(
            self.request.user,
            edited,
            project_code=form.cleaned_data.get("project_code", ""),
            expected_version=expected_version,
        )

    def success_message(self, visit):
        return f"已保存拜访记录「{visit}」。"

    def success_url(self, visit):
        return reverse("fieldwork:trip_detail", args=[visit.trip_id])

    def render_form(self, form, visit, stale=None, **extra):
        trip = self.trip(visit)
        extra.setdefault("cancel_href", reverse("fieldwork:trip_detail", args=[trip.pk]))
        return super().render_form(form, visit, stale=stale, **extra)


class VisitAdd(VisitEdit):
    """新增拜访: the URL's pk is the trip's, which the user must be able to change."""

    creating = True
    title_create = "登记拜访记录"

    def new_object(self):
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or len(pk) > 18:
            raise Http404
        self.parent = get_object_or_404(Trip.objects.restrict(self.request.user, Action.CHANGE), pk=pk)
        return TripVisit(trip=self.parent)

    def trip(self, visit):
        return self.parent


class VisitDelete(generic.ObjectDeleteView):
    model, select_related = TripVisit, ("trip",)

    def success_url(self, visit):
        return reverse("fieldwork:trip_detail", args=[visit.trip_id])


# --- The title table ---------------------------------------------------------------------------------


class TitlePages:
    model = LeaderTitleLevel
    list_url, create_url = "fieldwork:title_list", "fieldwork:title_create"
    edit_url, delete_url = "fieldwork:title_edit", "fieldwork:title_delete"


TITLE_COLUMNS = Columns(
    LeaderTitleLevel,
    Column("title", required=True),
    Column("level", html=lambda row: _badge(LEVEL_BADGES.get(row.level, ""), row.get_level_display())),
    Column(
        "actions",
        label="操作",
        html=lambda row: (
            f'<a href="{reverse("fieldwork:title_edit", args=[row.pk])}">编辑</a> · '
            f'<a href="{reverse("fieldwork:title_delete", args=[row.pk])}">删除</a>'
        ),
        required=True,
        css="text-end",
    ),
)


class TitleList(TitlePages, generic.ObjectListView):
    columns, ordering, per_page = TITLE_COLUMNS, ("level", "title"), 400
    title = "职务层级对照表"
    subtitle = "外出招商的带队层级按带队领导的职务从此表读出：先找完全相同的职务，否则取职务中包含的最长一项；都没有则为「其他」。"

    def chosen_columns(self):
        columns = super().chosen_columns()
        if not self.can(Action.CHANGE):
            columns = [column for column in columns if column.name != "actions"]
        return columns


class TitleEdit(TitlePages, generic.ObjectEditView):
    form_class = LeaderTitleLevelForm
    title_create = "新增职务"

    def success_url(self, obj):
        return reverse("fieldwork:title_list")


class TitleDelete(TitlePages, generic.ObjectDeleteView):
    pass


# --- Campaigns (招商活动) -------------------------------------------------------------------------------


def _campaign_dates(campaign) -> str:
    return _span(campaign.start_on, campaign.end_on)


CAMPAIGN_COLUMNS = Columns(
    Campaign,
    Column("name", link=True, required=True),
    Column("kind"),
    Column("start_on", label="日期", html=lambda c: escape(_campaign_dates(c)), css="text-nowrap"),
    Column("place", default=False),
    Column("organiser__name", label="主办单位", sort="organiser__path"),
    Column("target_projects", label="目标项目数"),
    Column("target_investment", label="目标金额（万元）"),
    Column("status", html=lambda c: _badge(CAMPAIGN_BADGES.get(c.status, ""), c.get_status_display())),
)


class CampaignPages:
    model = Campaign
    list_url, detail_url, create_url = (
        "fieldwork:campaign_list",
        "fieldwork:campaign_detail",
        "fieldwork:campaign_create",
    )
    edit_url, delete_url = "fieldwork:campaign_edit", "fieldwork:campaign_delete"


class CampaignList(CampaignPages, generic.ObjectListView):
    columns, filterset_class, ordering = CAMPAIGN_COLUMNS, CampaignFilterSet, ("-start_on", "-id")
    add_label = "新建招商活动"


class CampaignDetail(CampaignPages, generic.ObjectDetailView):
    select_related = ("organiser",)
    fields = (
        "kind",
        ("日期", _campaign_dates),
        "place",
        "organiser__name",
        (
            "责任单位",
            lambda c: (
                "、".join(link.unit.name for link in c.unit_links.select_related("unit").order_by("unit__path")) or "—"
            ),
        ),
        "lead_leader",
        "target_projects",
        "target_investment",
        "target_regions",
        "target_industries",
        "invited",
        "attendance",
        "status",
        "review",
    )

    template_name = "fieldwork/campaign_detail.html"

    def get_extra_context(self, campaign):
        can_change = self.can(Action.CHANGE, campaign)
        return {
            "signings": list(campaign.signings.select_related("project").order_by("project__code")),
            "figures": campaign_figures(campaign),
            "signing_form": SigningForm() if can_change else None,
            "can_change_campaign": can_change,
            "unit_links": list(campaign.unit_links.select_related("unit").order_by("unit__path")),
        }


@require_POST
@login_required
def campaign_signing_add(request, pk):
    """登记活动签约项目: a project (by its code) signed at this campaign, with its document."""
    campaign = get_object_or_404(Campaign.objects.restrict(request.user, Action.CHANGE), pk=pk)
    form = SigningForm(request.POST)
    if form.is_valid():
        try:
            signing = add_signing(
                request.user, campaign, form.cleaned_data["project_code"], form.cleaned_data["document"]
            )
        except (ValidationError, PermissionDenied) as error:
            generic.apply_errors(form, error)
        else:
            messages.success(request, f"已登记项目「{signing.project.name}」在本活动签约。")
    for text in [message for errors in form.errors.values() for message in errors]:
        messages.error(request, text)
    return redirect("fieldwork:campaign_detail", pk=campaign.pk)


class CampaignEdit(CampaignPages, generic.ObjectEditView):
    form_class = CampaignForm
    title_create = "新建招商活动"

    def get_form_kwargs(self, campaign):
        return {"instance": campaign, "user": self.request.user}

    def save(self, form, campaign, expected_version):
        return save_campaign(
            self.request.user, form.save(commit=False), form.cleaned_data["units"], expected_version=expected_version
        )


class CampaignDelete(CampaignPages, generic.ObjectDeleteView):
    pass
