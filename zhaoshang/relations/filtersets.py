"""One FilterSet per model (companies, contacts): the list page, its export (and later the API)."""

import django_filters
from django import forms
from django.db.models import TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFilterSet
from zhaoshang.core.search import search_terms
from zhaoshang.reference.choices import DivisionLevel
from zhaoshang.reference.models import Division
from zhaoshang.relations.choices import (
    CompanyFlag,
    CompanyNature,
    ContactKind,
    InteractionKind,
    IntermediaryKind,
    LocalStatus,
)
from zhaoshang.relations.models import Company, Contact, Interaction, Intermediary


class SearchTextFilterSet(StyledFilterSet, django_filters.FilterSet):
    """``q`` of every relations list: each word somewhere in the row's ``search_text``
    (names and their pinyin initials; never a phone number)."""

    def search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(search_text__contains=term)
        return queryset


class CompanyFilterSet(SearchTextFilterSet):
    q = django_filters.CharFilter(
        label="查找",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "企业名称、曾用名、信用代码或拼音首字母"}),
    )
    nature = django_filters.ChoiceFilter(label="企业性质", choices=CompanyNature.choices, empty_label="全部性质")
    flag = django_filters.ChoiceFilter(
        label="企业标签", choices=CompanyFlag.choices, method="with_flag", empty_label="全部标签"
    )
    local_status = django_filters.ChoiceFilter(label="本地状态", choices=LocalStatus.choices, empty_label="本地与外地")
    province = django_filters.ModelChoiceFilter(
        label="来源省份",
        queryset=Division.objects.none(),
        to_field_name="code",
        method="from_province",
        empty_label="全部省份",
    )

    class Meta:
        model = Company
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        self.filters["province"].queryset = Division.objects.restrict(user).filter(level=DivisionLevel.PROVINCE)

    def with_flag(self, queryset, name, value):
        # Flags are a JSON list; its text form holds each flag in quotes on SQLite and
        # PostgreSQL alike, where JSON "contains" is not available on SQLite.
        return queryset.filter(Contains(Cast("flags", output_field=TextField()), f'"{value}"'))

    def from_province(self, queryset, name, province):
        if province is None:
            return queryset
        return queryset.filter(home_division__province_code=province.code)


class ContactFilterSet(SearchTextFilterSet):
    """Contacts: by name, company, title or place (with pinyin initials), kind and keeping
    unit. Never by a phone number or an id: those are not in the search text."""

    q = django_filters.CharFilter(
        label="查找",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "姓名、企业、职务或拼音首字母"}),
    )
    kind = django_filters.ChoiceFilter(label="类别", choices=ContactKind.choices, empty_label="全部类别")
    keeping_unit = django_filters.ModelChoiceFilter(
        label="维护单位", queryset=Unit.objects.none(), method="kept_by", empty_label="全部单位"
    )

    class Meta:
        model = Contact
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        self.filters["keeping_unit"].queryset = Unit.objects.restrict(user).filter(active=True)

    def kept_by(self, queryset, name, unit):
        if unit is None:
            return queryset
        return queryset.filter(keeping_unit__path__startswith=unit.path)


class InteractionFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "企业名称或拼音首字母"})
    )
    kind = django_filters.ChoiceFilter(label="方式", choices=InteractionKind.choices, empty_label="全部方式")
    date_from = django_filters.DateFilter(
        label="起始日期", field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="截止日期", field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Interaction
        fields = []

    def search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(company__search_text__contains=term)
        return queryset


class IntermediaryFilterSet(SearchTextFilterSet):
    q = django_filters.CharFilter(
        label="查找",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "机构名称、地区、行业或拼音首字母"}),
    )
    kind = django_filters.ChoiceFilter(label="类型", choices=IntermediaryKind.choices, empty_label="全部类型")

    class Meta:
        model = Intermediary
        fields = []
