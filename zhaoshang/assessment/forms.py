"""Forms of the assessment pages: the scheme with its indicator and rule rows, the
bureau's entries, the period picker. Rules across fields and rows (weights adding up to
the total …) are checked once, in ``services.validate_scheme``."""

from django import forms

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.assessment.choices import EntryKind, RuleKind, UnitSelection, period_keys
from zhaoshang.assessment.models import AssessmentScheme, ManualEntry
from zhaoshang.core.forms import StyledFormMixin, date_picker
from zhaoshang.relations.choices import CompanyFlag
from zhaoshang.stats.choices import Indicator

DATE = date_picker()


class SchemeForm(StyledFormMixin, forms.ModelForm):
    unit_types = forms.MultipleChoiceField(
        label="单位类型", choices=UnitType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    chosen_units = forms.ModelMultipleChoiceField(
        label="指定单位",
        queryset=Unit.objects.none(),
        required=False,
        help_text="按住 Ctrl 可多选；须在考核范围之下。",
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AssessmentScheme
        fields = [
            "name",
            "year",
            "parent",
            "selection",
            "unit_types",
            "chosen_units",
            "total_points",
            "cap_percent",
            "veto_mode",
            "note",
        ]
        widgets = {
            "selection": forms.RadioSelect,
            "veto_mode": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).filter(active=True).order_by("path")
        self.fields["parent"].queryset = units
        self.fields["chosen_units"].queryset = units
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["selection"].choices = UnitSelection.choices
        self.fields["name"].widget.attrs.setdefault("placeholder", "例如：2025年度招商引资工作考核")

    def clean_chosen_units(self):
        return [unit.pk for unit in self.cleaned_data.get("chosen_units") or []]


class IndicatorRowForm(StyledFormMixin, forms.Form):
    indicator = forms.ChoiceField(label="指标", choices=[("", "（不选）"), *Indicator.choices], required=False)
    weight = forms.DecimalField(label="分值", max_digits=8, decimal_places=2, required=False, min_value=0)

    def row(self):
        """(indicator, weight) or None for an empty row."""
        data = self.cleaned_data
        if not data.get("indicator") and data.get("weight") is None:
            return None
        if not data.get("indicator"):
            raise forms.ValidationError("填写了分值的行须选择指标。")
        return data["indicator"], data.get("weight")


class RuleRowForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="加减分项", choices=[("", "（不选）"), *RuleKind.choices], required=False)
    points = forms.DecimalField(label="每项分值", max_digits=8, decimal_places=2, required=False, min_value=0)
    max_points = forms.DecimalField(label="最多计分", max_digits=8, decimal_places=2, required=False, min_value=0)
    threshold_wan = forms.DecimalField(
        label="金额标准（万元）", max_digits=18, decimal_places=4, required=False, min_value=0
    )
    flag = forms.ChoiceField(
        label="企业标签", choices=[("", "（默认世界500强）"), *CompanyFlag.choices], required=False
    )

    def row(self):
        data = self.cleaned_data
        if not data.get("kind"):
            if data.get("points") is not None:
                raise forms.ValidationError("填写了分值的行须选择加减分项。")
            return None
        return data


IndicatorFormSet = forms.formset_factory(IndicatorRowForm, extra=0)
RuleFormSet = forms.formset_factory(RuleRowForm, extra=0)


class EntryForm(StyledFormMixin, forms.ModelForm):
    project_code = forms.CharField(
        label="相关项目编号", required=False, help_text="可不填；填写后在明细中可直接打开该项目。"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ManualEntry
        fields = ["kind", "unit", "date", "points", "reason", "evidence"]
        widgets = {"date": DATE, "evidence": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}

    def __init__(self, *args, user, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = (
            Unit.objects.restrict(user).filter(path__startswith=scheme.parent.path).order_by("path")
        )
        self.fields["kind"].choices = EntryKind.choices
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.project_id:
                self.fields["project_code"].initial = self.instance.project.code

    def clean_project_code(self):
        from zhaoshang.projects.models import Project

        code = (self.cleaned_data.get("project_code") or "").strip()
        if not code:
            return None
        project = Project.objects.restrict(self.user).filter(code=code).first()
        if project is None:
            raise forms.ValidationError(f"找不到编号为「{code}」的项目。")
        return project


class PeriodForm(StyledFormMixin, forms.Form):
    period = forms.ChoiceField(label="考核期", choices=period_keys())
