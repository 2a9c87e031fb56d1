from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin, date_picker
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.fieldwork.choices import LeaderLevel, SigningDocument
from zhaoshang.fieldwork.models import (
    Campaign,
    LeaderTitleLevel,
    Signal,
    StationedTeam,
    TeamMember,
    TeamReport,
    Trip,
    TripVisit,
)
from zhaoshang.fieldwork.services import along_units
from zhaoshang.reference.models import Division


class OrganisedFormMixin:
    """The organiser (a unit of the user's own line; their unit by default) and the units
    taking part (``along_units``) of a trip or a campaign; ``units_field`` and ``links``
    name the form field and the model's link rows."""

    units_field = ""
    links = ""

    def set_up_units(self, user) -> None:
        self.fields[self.units_field].queryset = along_units(user)
        units = Unit.objects.restrict(user).filter(active=True).order_by("path")
        if user is not None and user.role == "officer":
            units = units.filter(path__startswith=user.unit.path)
        self.fields["organiser"].queryset = units
        if self.instance.pk:
            self.initial[self.units_field] = list(getattr(self.instance, self.links).values_list("unit_id", flat=True))
        elif user is not None and user.unit_id:
            self.initial.setdefault("organiser", user.unit_id)


class TripForm(OrganisedFormMixin, OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    units_field, links = "accompanying", "participations"

    accompanying = forms.ModelMultipleChoiceField(
        label="随行单位", queryset=Unit.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = Trip
        fields = [
            "departure_on",
            "return_on",
            "status",
            "leader_name",
            "leader_title",
            "level_given",
            "leader_level",
            "organiser",
            "destination_text",
            "purpose",
            "remarks",
        ]
        widgets = {
            "departure_on": date_picker(),
            "return_on": date_picker(),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_up_units(user)
        self.fields["leader_level"].required = False
        self.fields["leader_level"].help_text = "勾选「层级为手工指定」时按此层级统计，否则按职务自动识别。"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level_given") and not cleaned.get("leader_level"):
            self.add_error("leader_level", "手工指定层级时请选择带队层级。")
        if not cleaned.get("level_given"):
            cleaned["leader_level"] = ""
        return cleaned


class TripVisitForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    project_code = forms.CharField(label="形成项目的编号", max_length=40, required=False)

    class Meta:
        model = TripVisit
        fields = ["visited_name", "date", "notes", "result"]
        widgets = {"date": date_picker(), "notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"visited_name": "拜访对象（企业、商会或中介机构）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_name"].required = True
        if self.instance.pk:
            if self.instance.company_id and not self.instance.visited_name:
                self.initial["visited_name"] = self.instance.company.name
            if self.instance.project_id:
                self.initial["project_code"] = self.instance.project.code


class LeaderTitleLevelForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = LeaderTitleLevel
        fields = ["title", "level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = LeaderLevel.choices


class CampaignForm(OrganisedFormMixin, OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    units_field, links = "units", "unit_links"
    units = forms.ModelMultipleChoiceField(
        label="责任单位", queryset=Unit.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "status",
            "start_on",
            "end_on",
            "place",
            "organiser",
            "lead_leader",
            "target_projects",
            "target_investment",
            "target_regions",
            "target_industries",
            "invited",
            "attendance",
            "review",
        ]
        widgets = {
            "start_on": date_picker(),
            "end_on": date_picker(),
            "invited": forms.Textarea(attrs={"rows": 3}),
            "review": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_up_units(user)


class SigningForm(StyledFormMixin, forms.Form):
    project_code = forms.CharField(label="项目编号", max_length=40)
    document = forms.ChoiceField(label="签约文书", choices=SigningDocument.choices)


# --- Stationed teams and intelligence (驻点招商小分队、招商情报) --------------------------------


class TeamForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    regions = forms.ModelMultipleChoiceField(
        label="驻点地区",
        queryset=Division.objects.filter(level__lte=3).order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="小分队驻扎、研究的省市区县（可多选）。",
    )

    class Meta:
        model = StationedTeam
        fields = ["unit", "leader_name", "leader_title", "leader_user", "target_industries", "base_address", "remarks"]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        from zhaoshang.accounts.models import User
        from zhaoshang.fieldwork.services_teams import team_units

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = team_units(user)
        self.fields["leader_user"].queryset = User.objects.restrict(user).filter(is_active=True).order_by("username")
        if self.instance.pk:
            self.initial["regions"] = list(self.instance.target_regions.values_list("pk", flat=True))


class TeamMemberForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "home_unit", "home_share", "duty"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A member comes from any unit of the organisation: only the names are offered.
        self.fields["home_unit"].queryset = Unit.objects.filter(active=True).order_by("path")


class TeamReportForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    submit = forms.BooleanField(label="保存并报送", required=False, help_text="报送后不能再修改。")

    class Meta:
        model = TeamReport
        fields = ["month", "text", "firms_visited", "signals_reported", "leads_formed"]
        widgets = {"month": date_picker(), "text": forms.Textarea(attrs={"rows": 6})}


class SignalForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    company_name = forms.CharField(label="企业名称", max_length=200, help_text="企业库中没有的企业将新建。")

    class Meta:
        model = Signal
        fields = [
            "kind",
            "summary",
            "source",
            "evidence",
            "credibility",
            "investment_category",
            "reporting_unit",
            "team",
            "member",
            "reported_on",
        ]
        widgets = {"reported_on": date_picker(), "evidence": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        from django.utils import timezone

        from zhaoshang.fieldwork.services_teams import reporting_units

        super().__init__(*args, **kwargs)
        units = reporting_units(user)
        self.fields["reporting_unit"].queryset = units
        teams = StationedTeam.objects.restrict(user).filter(unit__in=units).select_related("unit")
        self.fields["team"].queryset = teams
        self.fields["member"].queryset = TeamMember.objects.filter(team__in=teams).order_by("team", "id")
        if self.instance.pk:
            self.initial["company_name"] = self.instance.company.name
        else:
            # A new instance's fields are in ``initial`` already, as None: set them outright.
            self.initial["reported_on"] = self.initial.get("reported_on") or timezone.localdate()
            if user is not None and user.unit_id and units.filter(pk=user.unit_id).exists():
                self.initial["reporting_unit"] = user.unit_id
                team = teams.filter(unit_id=user.unit_id).first()
                if team is not None:
                    self.initial["team"] = team.pk
        self.order_fields(["company_name", *self.Meta.fields])


class SignalExcludeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="排除原因", max_length=300, required=False)
