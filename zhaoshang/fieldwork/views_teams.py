"""驻点招商小分队 pages on the generic ones (core.generic): the list, a team's page (members,
regions, monthly reports, intelligence figures), the team form, members and reports."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.fieldwork.choices import ReportStatus
from zhaoshang.fieldwork.forms import TeamForm, TeamMemberForm, TeamReportForm
from zhaoshang.fieldwork.models import StationedTeam, TeamMember, TeamReport
from zhaoshang.fieldwork.services_teams import member_home_share, save_member, save_report, save_team, team_figures

TEAM_COLUMNS = Columns(
    StationedTeam,
    Column("unit__name", label="小分队", link=True, required=True, sort="unit__path"),
    Column("leader_name"),
    Column("leader_title"),
    Column("target_industries"),
    Column("base_address", default=False),
)


class TeamPages:
    model = StationedTeam
    list_url, detail_url, create_url = "fieldwork:team_list", "fieldwork:team_detail", "fieldwork:team_create"
    edit_url = "fieldwork:team_edit"


class TeamList(TeamPages, generic.ObjectListView):
    columns, ordering = TEAM_COLUMNS, ("unit__path",)
    add_label = "登记小分队"
    subtitle = "驻点招商小分队和产业专班：队长、派出队员、驻点地区和重点产业、月度工作报告和招商情报成效。"


class TeamDetail(TeamPages, generic.ObjectDetailView):
    template_name = "fieldwork/teams/team_detail.html"
    select_related = ("unit", "leader_user")
    fields = (
        "unit__name",
        ("队长", lambda t: t.leader_name + (f"（{t.leader_title}）" if t.leader_title else "")),
        ("驻点地区", lambda t: "、".join(d.name for d in t.target_regions.all()) or "—"),
        "target_industries",
        "base_address",
        "remarks",
    )

    def get_extra_context(self, team):
        members = list(team.members.select_related("home_unit", "user"))
        for member in members:
            member.share = member_home_share(member)
        return {
            "members": members,
            "reports": list(team.reports.all()),
            "figures": team_figures(team),
            "can_manage": self.can(Action.CHANGE, team),
            "signals_href": reverse("fieldwork:signal_list") + f"?team={team.pk}",
        }


class TeamEdit(TeamPages, generic.ObjectEditView):
    form_class = TeamForm
    title_create = "登记驻点招商小分队"

    def get_form_kwargs(self, team):
        return {"instance": team, "user": self.request.user}

    def save(self, form, team, expected_version):
        return save_team(
            self.request.user, form.save(commit=False), form.cleaned_data["regions"], expected_version=expected_version
        )


class TeamChildEdit(generic.ObjectEditView):
    """A member or a report of a team: the team must be one the user may change; a new one's
    URL carries the team's pk."""

    def new_object(self):
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or len(pk) > 18:
            raise Http404
        team = get_object_or_404(StationedTeam.objects.restrict(self.request.user, Action.CHANGE), pk=pk)
        return self.model(team=team)

    def success_url(self, obj):
        return reverse("fieldwork:team_detail", args=[obj.team_id])

    def render_form(self, form, obj, stale=None, **extra):
        extra.setdefault("cancel_href", reverse("fieldwork:team_detail", args=[obj.team_id]))
        return super().render_form(form, obj, stale=stale, **extra)


class MemberEdit(TeamChildEdit):
    model, form_class, select_related = TeamMember, TeamMemberForm, ("team",)
    title_create = "添加队员"

    def save(self, form, member, expected_version):
        return save_member(self.request.user, form.save(commit=False))


class MemberAdd(MemberEdit):
    creating = True


class MemberDelete(generic.ObjectDeleteView):
    model, select_related = TeamMember, ("team",)

    def success_url(self, member):
        return reverse("fieldwork:team_detail", args=[member.team_id])


class ReportEdit(TeamChildEdit):
    model, form_class, select_related = TeamReport, TeamReportForm, ("team",)
    title_create = "填写月度工作报告"

    def get_queryset(self, action=None):
        # A submitted report is closed: its edit page is not offered.
        queryset = super().get_queryset(action)
        return queryset if self.creating else queryset.filter(status=ReportStatus.DRAFT)

    def save(self, form, report, expected_version):
        return save_report(
            self.request.user,
            form.save(commit=False),
            submit=form.cleaned_data.get("submit", False),
            expected_version=expected_version,
        )


class ReportAdd(ReportEdit):
    creating = True
