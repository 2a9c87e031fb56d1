from django import forms

from zhaoshang.core.forms import StyledFormMixin, TypedDecimalField, date_picker
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.leads.choices import NEVER_REWARDED, RewardAmountKind, RewardCondition, SourceKind
from zhaoshang.leads.models import Payout, Referral, RewardRule
from zhaoshang.leads.referrals import colleagues_for, contacts_for, intermediaries_for, local_firms_for
from zhaoshang.leads.services import default_kept_percent, units_to_choose

DATE = date_picker()


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


class _NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if hasattr(obj, "get_full_name"):
            return f"{obj.get_full_name() or obj.username}（{obj.unit.name if obj.unit_id else ''}）"
        return getattr(obj, "name", str(obj))


class ReferralForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    """Who brought the project: the kind, then the one source of that kind."""

    class Meta:
        model = Referral
        fields = [
            "source_kind",
            "intermediary",
            "contact",
            "company",
            "colleague",
            "source_unit",
            "source_text",
            "referred_on",
            "note",
            "is_primary",
            "referrer_is_official",
        ]
        field_classes = {
            "intermediary": _NamedChoiceField,
            "contact": _NamedChoiceField,
            "company": _NamedChoiceField,
            "colleague": _NamedChoiceField,
            "source_unit": _NamedChoiceField,
        }
        widgets = {"referred_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "intermediary": "引荐来源为「中介机构」时选择。",
            "contact": "引荐来源为「乡贤」或「客商」时选择（本单位维护的联系人）。",
            "company": "引荐来源为「本地企业」时选择（已落户本地的存量企业）。",
            "colleague": "引荐来源为「同事」时选择。",
            "source_unit": "引荐来源为「其他单位」时选择。",
            "source_text": "引荐来源为「其他」时填写。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intermediary"].queryset = intermediaries_for(user)
        self.fields["contact"].queryset = contacts_for(user)
        self.fields["company"].queryset = local_firms_for(user)
        self.fields["colleague"].queryset = colleagues_for(user).select_related("unit")
        self.fields["source_unit"].queryset = units_to_choose(user)
        self.fields["source_kind"].choices = [("", "请选择"), *SourceKind.choices]


class RewardRuleForm(StyledFormMixin, forms.ModelForm):
    source_kinds = forms.MultipleChoiceField(
        label="适用引荐来源",
        choices=[(kind, label) for kind, label in SourceKind.choices if kind not in NEVER_REWARDED],
        widget=forms.CheckboxSelectMultiple,
        help_text="同事、其他单位的引荐不享受奖励，不在此列。",
    )

    class Meta:
        model = RewardRule
        fields = [
            "name",
            "source_kinds",
            "condition",
            "within_days",
            "min_funds",
            "amount_kind",
            "amount",
            "active_from",
            "active_to",
            "note",
        ]
        field_classes = {"min_funds": TypedDecimalField, "amount": TypedDecimalField}
        widgets = {"active_from": DATE, "active_to": DATE}

    def clean(self):
        data = super().clean()
        condition = data.get("condition")
        if condition == RewardCondition.IN_PRODUCTION_IN_TIME and data.get("within_days") is None:
            self.add_error("within_days", "按约定投产的规则须填写宽限天数（可为 0）。")
        if condition == RewardCondition.FUNDS_AT_LEAST and data.get("min_funds") is None:
            self.add_error("min_funds", "资金到位的规则须填写到位资金下限。")
        if data.get("amount_kind") == RewardAmountKind.PERCENT_OF_FUNDS and (data.get("amount") or 0) > 100:
            self.add_error("amount", "比例不能超过 100%。")
        if data.get("active_to") and data.get("active_from") and data["active_to"] < data["active_from"]:
            self.add_error("active_to", "失效日期不能早于生效日期。")
        return data


class PayoutForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Payout
        fields = ["amount", "paid_on", "evidence", "note"]
        field_classes = {"amount": TypedDecimalField}
        widgets = {"paid_on": DATE}
