"""The bureau's question: which bulletin, for which period and scope, issued by whom."""

import datetime

from django import forms
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.bulletins.choices import BasicWorkCheck, BulletinKind, BulletinStatus, HonourMeasure
from zhaoshang.bulletins.models import Bulletin, HonourRule
from zhaoshang.core.forms import StyledFormMixin

MONTHS = [(month, f"{month}月") for month in range(1, 13)]


def last_complete_month(today: datetime.date | None = None) -> tuple[int, int]:
    """Last month (a bulletin reports a month that has ended): December in January."""
    today = today or timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def default_issuer(user) -> str:
    """The bureau's unit, with the city's name when the unit is written "市…局"."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return ""
    root = Unit.objects.filter(path=unit.path.split("/", 1)[0] + "/").first()
    if root is not None and unit.name.startswith("市") and root.name.endswith("市"):
        return root.name + unit.name[1:]
    return unit.name


class BulletinForm(StyledFormMixin, forms.ModelForm):
    month = forms.TypedChoiceField(
        label="截止月份",
        choices=MONTHS,
        coerce=int,
        help_text="统计期为当年1月至该月；季度通报选季末月（3、6、9、12月）。",
    )

    class Meta:
        model = Bulletin
        fields = [
            "kind",
            "year",
            "month",
            "scope",
            "issuer",
            "issue_date",
            "title",
            "distribution_unit_type",
            "distribution_indicator",
        ]
        widgets = {"issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "title": "留空则按“全市招商引资工作情况通报（2026年1—10月）”格式生成。",
            "scope": "通报的单位范围，默认全市。",
        }

    def __init__(self, *args, user, **kwargs):
        year, month = last_complete_month()
        roots = Unit.objects.restrict(user).filter(parent__isnull=True, active=True).order_by("path")
        kwargs.setdefault(
            "initial",
            {
                "kind": BulletinKind.MONTHLY,
                "year": year,
                "month": month,
                "scope": roots.first(),
                "issuer": default_issuer(user),
                "issue_date": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = Unit.objects.restrict(user).filter(active=True).order_by("path")
        self.fields["title"].required = False
        # Not asked for, the distribution sentence is over 协议引资额 (the model's default).
        self.fields["distribution_indicator"].required = False
        self.fields["year"].min_value = 2000
        self.fields["year"].widget.attrs.update(min=2000, max=2100)

    def clean_distribution_indicator(self):
        return (
            self.cleaned_data.get("distribution_indicator")
            or Bulletin._meta.get_field("distribution_indicator").get_default()
        )


class HonourRuleForm(StyledFormMixin, forms.ModelForm):
    """A 红黑榜 rule: for a kind of bulletin (the template) or one draft, which units, ranked
    by what, how many on each list."""

    checks = forms.MultipleChoiceField(
        label="基础工作检查项",
        choices=BasicWorkCheck.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="按基础工作排名时选择；统计期为通报的截止月（季度通报为该季度）。",
    )

    class Meta:
        model = HonourRule
        fields = [
            "name",
            "bulletin_kind",
            "bulletin",
            "unit_type",
            "measure",
            "indicator",
            "checks",
            "top_n",
            "bottom_n",
            "sort_order",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A rule for one bulletin is for a draft: a published one is frozen.
        self.fields["bulletin"].queryset = Bulletin.objects.restrict(user).filter(status=BulletinStatus.DRAFT)
        self.fields["bulletin"].empty_label = "（按通报类型适用）"
        self.fields["bulletin_kind"].choices = [("", "各类通报"), *BulletinKind.choices]
        self.fields["indicator"].choices = [("", "（按基础工作排名时不选）"), *self.fields["indicator"].choices[1:]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("bulletin"):
            cleaned["bulletin_kind"] = ""  # one bulletin's rule: its kind says nothing more
        if cleaned.get("measure") == HonourMeasure.COMPLETION:
            cleaned["checks"] = []
        elif cleaned.get("measure") == HonourMeasure.BASIC_WORK:
            cleaned["indicator"] = ""
        return cleaned
