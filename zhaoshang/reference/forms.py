import datetime

from django import forms

from zhaoshang.core.forms import StyledFormMixin, date_picker
from zhaoshang.reference.choices import HolidayKind
from zhaoshang.reference.models import CalendarYear, Holiday


class CalendarYearForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "source"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("年份应在 2000—2100 之间。")
        if CalendarYear.objects.filter(year=year).exists():
            raise forms.ValidationError(f"{year}年已存在，请直接在该年度下录入日期。")
        return year


class HolidayForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=date_picker())
    kind = forms.ChoiceField(label="类型", choices=HolidayKind.choices)
    name = forms.CharField(label="名称", max_length=40, required=False)

    def clean(self):
        cleaned = super().clean()
        date: datetime.date | None = cleaned.get("date")
        kind = cleaned.get("kind")
        if date and not CalendarYear.objects.filter(year=date.year).exists():
            raise forms.ValidationError(f"请先添加{date.year}年度（填写依据的通知），再录入该年的日期。")
        if date and kind == HolidayKind.WORKDAY and date.weekday() < 5:
            self.add_error("kind", "调休上班日应为周六或周日。")
        if date and kind == HolidayKind.HOLIDAY and date.weekday() >= 5:
            self.add_error("kind", "周六、周日本就休息，无需录入为节假日。")
        return cleaned


def holiday_from(form: HolidayForm) -> Holiday:
    holiday = Holiday.objects.filter(date=form.cleaned_data["date"]).first() or Holiday(date=form.cleaned_data["date"])
    holiday.kind = form.cleaned_data["kind"]
    holiday.name = form.cleaned_data["name"]
    return holiday
