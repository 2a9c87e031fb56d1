"""The statistics table's question: which period, whose units, which indicators."""

import datetime

from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.stats.choices import TABLE_INDICATORS, Indicator
from zhaoshang.stats.ratios import Ratio
from zhaoshang.stats.services import default_period

MONTHS = [(month, f"{month}月") for month in range(1, 13)]


def default_months(today: datetime.date | None = None) -> tuple[int, int, int]:
    """This year, January to the current month so far: the dashboard's default too
    (``stats.services.default_period``), so a leader sees one number on both."""
    period = default_period(today)
    return period.end.year, period.start.month, period.end.month


NO_RATIOS = "none"


class TableForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    first = forms.TypedChoiceField(label="起始月", choices=MONTHS, coerce=int)
    last = forms.TypedChoiceField(label="截止月", choices=MONTHS, coerce=int)
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（本级）",
        help_text="列出所选单位的下级单位，合计为所选单位。",
    )
    indicators = forms.TypedMultipleChoiceField(
        label="指标", choices=Indicator.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    ratios = forms.TypedMultipleChoiceField(
        label="比率指标", choices=Ratio.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data=None, *, user, **kwargs):
        year, first, last = default_months()
        values = {
            "year": year,
            "first": first,
            "last": last,
            # The roll-up's indicators unless asked: the relationship network's are counted
            # from the rows on every read (docs/counting-rules.md).
            "indicators": [i.value for i in TABLE_INDICATORS],
            # The ratio indicators are columns of the table unless the question says otherwise.
            "ratios": [r.value for r in Ratio],
        }
        if data is not None:
            values.update({key: data.get(key) for key in ("year", "first", "last", "unit") if data.get(key)})
            if hasattr(data, "getlist") and data.getlist("indicators"):
                values["indicators"] = data.getlist("indicators")
            elif isinstance(data.get("indicators"), str) and data["indicators"]:
                values["indicators"] = [part for part in data["indicators"].split(",") if part]
            # Ratios: every one when the question does not name them (a link, the API without
            # the parameter); else "all", "none" or a list. The page sends a hidden "none" so
            # that unticking every box means none.
            if "ratios" in data:
                asked = data.getlist("ratios") if hasattr(data, "getlist") else [data.get("ratios") or ""]
                asked = [part for value in asked if value for part in value.split(",") if part and part != NO_RATIOS]
                values["ratios"] = [r.value for r in Ratio] if "all" in asked else asked
        super().__init__(values, **kwargs)
        self.user = user
        self.fields["unit"].queryset = Unit.objects.restrict(user).filter(active=True).order_by("path")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and first > last:
            raise forms.ValidationError(f"起始月（{first}月）不能晚于截止月（{last}月）。")
        if not cleaned.get("indicators"):
            cleaned["indicators"] = [indicator.value for indicator in TABLE_INDICATORS]
        return cleaned

    def error_messages(self) -> list[str]:
        return [
            f"{self.fields[name].label}：{message}" if name in self.fields else message
            for name, errors in self.errors.items()
            for message in errors
        ]
