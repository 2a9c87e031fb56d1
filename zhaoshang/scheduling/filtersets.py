"""FilterSets for rounds (the list) and round items (the bureau's item table, the reporting
page, the export)."""

import django_filters
from django import forms
from django.db.models import Q

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFilterSet
from zhaoshang.core.search import search_terms
from zhaoshang.scheduling.choices import ReportStatus, RoundKind, RoundStatus
from zhaoshang.scheduling.models import RoundItem, SchedulingRound


class SchedulingRoundFilterSet(StyledFilterSet, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=RoundStatus.choices, empty_label="全部状态")
    kind = django_filters.ChoiceFilter(label="类型", choices=RoundKind.choices, empty_label="全部类型")
    year = django_filters.NumberFilter(label="年度", widget=forms.NumberInput(attrs={"placeholder": "年度"}))

    class Meta:
        model = SchedulingRound
        fields = []


class RoundItemFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "项目名称、编号或拼音首字母"})
    )
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )
    status = django_filters.ChoiceFilter(label="填报状态", choices=ReportStatus.choices, empty_label="全部状态")

    class Meta:
        model = RoundItem
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["unit"].queryset = Unit.objects.restrict(getattr(request, "user", None)).order_by("path")

    def search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(Q(project__search_text__contains=term))
        return queryset

    def in_unit(self, queryset, name, unit):
        if unit is None:
            return queryset
        return queryset.filter(unit__path__startswith=unit.path)
