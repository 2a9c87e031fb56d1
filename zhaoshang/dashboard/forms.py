from django import forms
from django.utils import timezone

from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.dashboard.choices import PeriodKind
from zhaoshang.stats import services as stats
from zhaoshang.stats.services import Period

MONTHS = [(month, f"{month}月") for month in range(1, 13)]
QUARTERS = [(quarter, f"第{'一二三四'[quarter - 1]}季度") for quarter in range(1, 5)]


FIRST_YEAR = 2000


def year_choices() -> list[tuple[int, str]]:
    """This year back to 2000 (ledgers migrated from Excel reach back years)."""
    this_year = timezone.localdate().year
    return [(year, f"{year}年") for year in range(this_year, FIRST_YEAR - 1, -1)]


class PeriodForm(StyledFormMixin, forms.Form):
    """The dashboard's period (whole months of one year) and, optionally, a unit below the
    viewer's top unit. What is not given takes its default — this year, January to this
    month — so the form always shows the period the page is computed for."""

    kind = forms.ChoiceField(label="统计期", choices=PeriodKind.choices)
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())
    month = forms.TypedChoiceField(label="截至/月份", coerce=int, choices=MONTHS)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=QUARTERS)
    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        today = stats.today()
        given = {key: value for key, value in (data or {}).items() if value not in (None, "")}
        given.setdefault("kind", PeriodKind.YEAR_TO_DATE)
        given.setdefault("year", str(today.year))
        # A past year's "1 to N" runs to December unless a month is given.
        given.setdefault("month", str(today.month) if given["year"] == str(today.year) else "12")
        given.setdefault("quarter", str((today.month - 1) // 3 + 1))
        super().__init__(given, **kwargs)
        self.fields["year"].choices = year_choices()

    def period(self) -> Period:
        """The chosen period; this year to date when the input is not valid."""
        if not self.is_valid():
            return stats.default_period()
        data = self.cleaned_data
        match data["kind"]:
            case PeriodKind.MONTH:
                return Period.month(data["year"], data["month"])
            case PeriodKind.QUARTER:
                return Period.quarter(data["year"], data["quarter"])
            case PeriodKind.YEAR:
                return Period.year(data["year"])
        return Period.months(data["year"], 1, data["month"])

    def unit_id(self) -> int | None:
        return self.cleaned_data.get("unit") if self.is_valid() else None

    def params(self) -> dict:
        """The period as query parameters, for links that keep it (a unit's own dashboard)."""
        if not self.is_valid():
            return {}
        return {key: self.cleaned_data[key] for key in ("kind", "year", "month", "quarter")}
