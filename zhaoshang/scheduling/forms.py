import re

from django import forms
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.forms import StyledFormMixin, date_picker
from zhaoshang.projects.choices import Stage
from zhaoshang.scheduling.choices import Half, RoundKind
from zhaoshang.scheduling.models import RoundItem, SchedulingRound
from zhaoshang.scheduling.services import deadline_working_days

DATE = date_picker()
STAGES = [(stage.value, stage.label) for stage in Stage if stage != Stage.DROPPED]


class ProjectSelectionForm(StyledFormMixin, forms.Form):
    """Which projects a round takes: key projects by default, narrowed by unit and stage."""

    key_only = forms.BooleanField(label="只纳入重点项目", required=False, initial=True)
    unit = forms.ModelChoiceField(
        label="责任单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全部单位",
        help_text="只纳入该单位及其下级单位负责的项目。",
    )
    stages = forms.MultipleChoiceField(
        label="项目阶段",
        choices=STAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则不限阶段（已退库项目不纳入）。",
    )
    codes = forms.CharField(
        label="项目编号",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="可选：逐个指定项目编号，以空格、逗号或换行分隔。",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user, Action.VIEW).filter(active=True).order_by("path")

    def clean_codes(self) -> list[str]:
        return [code for code in re.split(r"[\s,，、;；]+", self.cleaned_data.get("codes") or "") if code]

    def selection(self) -> dict:
        data = self.cleaned_data
        return {
            "key_only": data.get("key_only", False),
            "unit": data.get("unit"),
            "stages": data.get("stages") or (),
            "codes": data.get("codes") or (),
        }


class OpenRoundForm(ProjectSelectionForm):
    kind = forms.ChoiceField(label="调度类型", choices=RoundKind.choices, initial=RoundKind.MONTHLY)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(label="月份", choices=[(m, f"{m}月") for m in range(1, 13)], coerce=int)
    half = forms.TypedChoiceField(
        label="上/下半月",
        choices=[(Half.FIRST, Half.FIRST.label), (Half.SECOND, Half.SECOND.label)],
        coerce=int,
        required=False,
        help_text="半月调度时选择。",
    )
    title = forms.CharField(label="调度名称", max_length=100, required=False)
    deadline = forms.DateField(label="报送截止日期", required=False, widget=DATE)
    note = forms.CharField(label="填报说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["kind", "year", "month", "half", "title", "deadline", "note", "key_only", "unit", "stages", "codes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month
        self.fields["title"].widget.attrs["placeholder"] = f"留空则为「{today.year}年{today.month}月项目调度」"
        self.fields[
            "deadline"
        ].help_text = f"留空则为调度期结束后 {deadline_working_days()} 个工作日（按节假日安排，含调休）。"
        self.fields["key_only"].help_text = "默认纳入全部在库重点项目（未合并、未退库）。发起后仍可增减项目。"

    def clean(self):
        data = super().clean()
        if data.get("kind") == RoundKind.HALF_MONTHLY and not data.get("half"):
            self.add_error("half", "半月调度须选择上半月或下半月。")
        return data


class RoundEditForm(StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SchedulingRound
        fields = ["title", "deadline", "note"]
        widgets = {"deadline": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class ReportForm(StyledFormMixin, forms.ModelForm):
    """A unit's report on one project; one per item on the reporting page (prefixed)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RoundItem
        fields = [
            "progress",
            "investment_this_period",
            "investment_cumulative",
            "problems",
            "next_steps",
            "reported_stage",
        ]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "problems": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
            "next_steps": forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", f"item-{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for name in ("progress", "problems", "next_steps"):
            self.fields[name].validators.append(MaxLengthValidator(2000, "不能超过 2000 字。"))
        for name in ("investment_this_period", "investment_cumulative"):
            money = self.fields[name]
            label = money.label.split("（")[0]
            money.error_messages["invalid"] = f"{label}请填写数字（万元），例如 1200.5。"
            money.validators.append(MinValueValidator(0, f"{label}不能为负数。"))
            money.widget.attrs.setdefault("inputmode", "decimal")
        self.fields["progress"].widget.attrs["placeholder"] = "本期项目推进情况：手续办理、建设进度、设备安装等"
        self.fields["problems"].widget.attrs["placeholder"] = "需要协调解决的问题；没有可不填"
        self.fields["investment_this_period"].help_text = "本期没有投资请填 0。"
        self.fields["investment_cumulative"].help_text = "可选。"
        self.fields["reported_stage"].choices = [("", "（不填）"), *STAGES]
        self.fields["reported_stage"].help_text = "可选：按单位掌握的实际情况；项目库阶段仍以审核为准。"
