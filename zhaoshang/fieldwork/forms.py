from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin, date_picker
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.fieldwork.choices import LeaderLevel, SigningDocument
from zhaoshang.fieldwork.models import Campaign, LeaderTitleLevel, Trip, TripVisit
from zhaoshang.fieldwork.services import along_units


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
