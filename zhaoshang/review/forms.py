"""The review queue's filters: unit (subtree), kind, stage, days waiting, amount."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.core.verification import verifiable_models
from zhaoshang.projects.choices import Stage

AMOUNT_MAX = Decimal("100000000")  # 万元: 1 万亿元, far above any project


def kind_choices() -> list[tuple[str, str]]:
    return [("", "全部类型"), *((model.review_kind, model.review_label) for model in verifiable_models())]


def amount_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=18,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0), "金额不能为负。"), MaxValueValidator(AMOUNT_MAX, "金额过大。")],
        error_messages={
            "invalid": "请输入金额（万元）。",
            "max_digits": "金额过大。",
            "max_decimal_places": "金额最多保留 4 位小数。",
            "max_whole_digits": "金额过大。",
        },
        widget=forms.NumberInput(attrs={"placeholder": "万元", "min": 0, "step": "any"}),
    )


class ReviewFilterForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全部单位",
        error_messages={"invalid_choice": "所选单位不存在或不在您的管理范围内。"},
    )
    kind = forms.ChoiceField(
        label="类型", choices=(), required=False, error_messages={"invalid_choice": "没有这种填报类型。"}
    )
    stage = forms.ChoiceField(
        label="阶段",
        choices=[("", "全部阶段"), *Stage.choices],
        required=False,
        error_messages={"invalid_choice": "没有这个阶段。"},
    )
    min_days = forms.IntegerField(
        label="已等待（天）不少于",
        required=False,
        validators=[MinValueValidator(0, "天数不能为负。"), MaxValueValidator(3650, "天数不能超过 3650。")],
        error_messages={"invalid": "请输入整数天数。"},
        widget=forms.NumberInput(attrs={"placeholder": "天数", "min": 0, "max": 3650}),
    )
    amount_min = amount_field("金额不少于（万元）")
    amount_max = amount_field("金额不超过（万元）")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units the viewer may see are offered.
        self.fields["unit"].queryset = Unit.objects.restrict(user).order_by("path")
        self.fields["kind"].choices = kind_choices()

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", "金额上限不能小于下限。")
        return data
