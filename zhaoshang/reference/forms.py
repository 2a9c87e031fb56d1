import datetime

from django import forms

from zhaoshang.core.forms import StyledFormMixin, date_picker
from zhaoshang.reference.choices import PROVINCES, HolidayKind
from zhaoshang.reference.models import CalendarYear, Holiday, OriginGroup

# The fixed labels of relations.origin (境外 ⊂ 省外 ⊂ 市外): a group may not take their names.
PLACES = ("市外", "省外", "境外")


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


class OriginGroupForm(StyledFormMixin, forms.ModelForm):
    """A 客商来源 group: a name and the provinces (港澳台 included) it takes in."""

    province_codes = forms.MultipleChoiceField(
        label="包含的省级地区",
        choices=[(code, name) for code, name, _ in PROVINCES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个省级地区。"},
    )

    class Meta:
        model = OriginGroup
        fields = ["name", "province_codes", "sort_order"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if name in PLACES:
            raise forms.ValidationError(f"「{name}」已是客商来源的固定分类，请另取分组名称。")
        return name

    def clean_province_codes(self):
        chosen = set(self.cleaned_data["province_codes"])
        return [code for code, _, _ in PROVINCES if code in chosen]  # in code order
