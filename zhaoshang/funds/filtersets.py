"""One FilterSet for tranches: the list, the bureau's queue, the export (and later the API
and the statistics drill-downs)."""

import django_filters
from django import forms
from django.db.models import Q

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFilterSet, date_picker
from zhaoshang.core.search import search_terms
from zhaoshang.funds.choices import FundsKind, FundsSource
from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.choices import Verification

DATE = date_picker()


class FundsTrancheFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "项目名称、编号、拼音首字母或凭证编号"}),
    )
    date_from = django_filters.DateFilter(label="到位自", field_name="date", lookup_expr="gte", widget=DATE)
    date_to = django_filters.DateFilter(label="到位至", field_name="date", lookup_expr="lte", widget=DATE)
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )
    status = django_filters.ChoiceFilter(label="审核状态", choices=Verification.choices, empty_label="全部状态")
    kind = django_filters.ChoiceFilter(label="资金类型", choices=FundsKind.choices, empty_label="内资和外资")
    source = django_filters.ChoiceFilter(label="资金来源", choices=FundsSource.choices, empty_label="全部来源")
    project = django_filters.NumberFilter(label="项目", field_name="project_id", widget=forms.HiddenInput)

    class Meta:
        model = FundsTranche
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        # Only units the viewer may see are offered.
        self.filters["unit"].queryset = Unit.objects.restrict(user).order_by("path")

    def search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(Q(project__search_text__contains=term) | Q(voucher_no__iexact=term))
        return queryset

    def in_unit(self, queryset, name, unit):
        # The unit's whole subtree, by the project's responsible unit, as the project list filters.
        if unit is None:
            return queryset
        return queryset.filter(project__responsible_unit__path__startswith=unit.path)

    def describe(self) -> str:
        """The filters in words, for the export's audit row."""
        if not self.is_bound or not self.form.is_valid():
            return "无筛选"
        parts = []
        for key, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.form.fields[key]
            if hasattr(field, "choices") and not isinstance(value, Unit):
                value = dict(field.choices).get(value, value)
            parts.append(f"{field.label}={value}")
        return "；".join(parts) or "无筛选"
