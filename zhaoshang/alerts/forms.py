from django import forms

from zhaoshang.alerts.models import WarningRule
from zhaoshang.alerts.rules import DWELL_STAGES
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.projects.choices import Stage

STAGE_FIELD = "limit_{}"


class WarningRuleForm(StyledFormMixin, forms.ModelForm):
    """A rule as its kind defines it: only the fields the kind uses, labelled by the kind;
    stage limits as one number per stage."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = WarningRule
        fields = ["enabled", "yellow_threshold", "red_threshold", "plan_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spec = self.instance.spec
        used = spec.fields if spec else {}
        for name in ("yellow_threshold", "red_threshold", "plan_days"):
            if name in used:
                self.fields[name].label = used[name]
                self.fields[name].required = True
                self.fields[name].error_messages.update(
                    required="请填写此项。", invalid="请输入整数。", min_value="不能小于 0。"
                )
            else:
                del self.fields[name]
        self.stage_fields = []
        if "stage_limits" in used:
            limits = self.instance.stage_limits or {}
            for stage in DWELL_STAGES:
                name = STAGE_FIELD.format(stage)
                self.fields[name] = forms.IntegerField(
                    label=f"「{Stage(stage).label}」阶段时限（天）",
                    min_value=0,
                    max_value=3650,
                    required=False,
                    initial=limits.get(stage, 0),
                    error_messages={
                        "invalid": "请输入整数天数。",
                        "min_value": "天数不能小于 0。",
                        "max_value": "天数不能超过 3650。",
                    },
                    widget=forms.NumberInput(attrs={"class": "form-control"}),
                )
                self.stage_fields.append(self[name])
        self.fields["version"].initial = self.instance.version
        self.fields["enabled"].label = "启用本规则"

    def clean(self):
        data = super().clean()
        if self.stage_fields:
            self.instance.stage_limits = {
                stage: data.get(STAGE_FIELD.format(stage)) or 0
                for stage in DWELL_STAGES
                if STAGE_FIELD.format(stage) not in self.errors
            }
        return data
