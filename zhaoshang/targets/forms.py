from django import forms
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.imports.forms import UploadForm
from zhaoshang.stats.choices import Indicator


def year_choices(extra=()) -> list[tuple[int, str]]:
    """The last five years, this year and next (and any year already in use), newest first."""
    this_year = timezone.localdate().year
    years = {*range(this_year - 5, this_year + 2), *extra}
    return [(year, f"{year}年") for year in sorted(years, reverse=True)]


class GridForm(StyledFormMixin, forms.Form):
    """Which year, and which part of the unit tree, the grid shows."""

    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())
    unit = forms.ModelChoiceField(
        label="单位范围", queryset=Unit.objects.none(), required=False, empty_label="全部可见单位"
    )
    progress = forms.BooleanField(label="显示完成情况", required=False)

    def __init__(self, *args, user=None, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(years)
        self.fields["unit"].queryset = Unit.objects.restrict(user).filter(active=True).order_by("path")


class DistributeForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())
    indicator = forms.ChoiceField(label="指标", choices=Indicator.choices)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(years)


class TargetsUploadForm(UploadForm):
    """The targets sheet: the bureau's, for every unit it sees; the year when the sheet has none."""

    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=(),
        help_text="表中没有「年度」列时按此年度导入；有「年度」列时以表中为准。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "目标任务表"
        self.fields["file"].help_text = (
            "Excel（.xlsx、.xls）或 CSV：每行「单位、年度、指标、目标值」，"
            "或从本页导出的格式（每行一个单位、每列一个指标）。单位按名称、简称、编码或别名匹配。"
        )
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year
