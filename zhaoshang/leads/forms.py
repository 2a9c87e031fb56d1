from django import forms

from zhaoshang.core.forms import StyledFormMixin, TypedDecimalField
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.leads.services import default_kept_percent, units_to_choose


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class HandoverForm(OneTimeTokenFormMixin, StyledFormMixin, forms.Form):
    to_unit = UnitChoiceField(label="接收单位", queryset=None, empty_label="请选择")
    kept_percent = TypedDecimalField(
        label="本单位保留业绩（%）",
        min_value=0,
        max_value=99,
        decimal_places=2,
        max_digits=5,
        help_text="对方接收后，本单位按此比例保留该项目的业绩归属；默认值为招商局规定的比例。",
    )
    note = forms.CharField(
        label="项目情况说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="投资方、投资意向、已做的工作、联系人，以及为什么适合接收单位。",
    )

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units_to_choose(user).exclude(pk=project.responsible_unit_id)
        self.initial.setdefault("kept_percent", default_kept_percent())


class DeclineForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="拒绝原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PoolForm(OneTimeTokenFormMixin, StyledFormMixin, forms.Form):
    note = forms.CharField(label="线索说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    open_to = forms.ModelMultipleChoiceField(
        label="开放给",
        queryset=None,
        required=False,
        help_text="不选则向所有单位开放；选择某单位即向该单位及其下级单位开放。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["open_to"].queryset = units_to_choose(user)
        self.fields["open_to"].label_from_instance = lambda unit: unit.name


class AssignForm(StyledFormMixin, forms.Form):
    unit = UnitChoiceField(label="承接单位", queryset=None, empty_label="请选择")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_to_choose(user)


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
