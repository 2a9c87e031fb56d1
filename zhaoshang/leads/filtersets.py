"""One FilterSet per model: the handover list and the pool list."""

import django_filters
from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFilterSet
from zhaoshang.leads.choices import HandoverStatus, PoolStatus, SourceKind
from zhaoshang.leads.models import Handover, PoolLead, Referral


class HandoverFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找",
        field_name="project__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": "项目名称"}),
    )
    status = django_filters.ChoiceFilter(label="状态", choices=HandoverStatus.choices, empty_label="全部状态")

    class Meta:
        model = Handover
        fields = ["q", "status"]


class PoolFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找",
        field_name="project__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": "项目名称"}),
    )
    status = django_filters.ChoiceFilter(label="状态", choices=PoolStatus.choices, empty_label="全部状态")

    class Meta:
        model = PoolLead
        fields = ["q", "status"]


class ReferralFilterSet(StyledFilterSet, django_filters.FilterSet):
    """The referral list and 引荐奖励: by source kind and by the project's responsible unit
    (its subtree)."""

    q = django_filters.CharFilter(
        label="查找",
        field_name="project__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": "项目名称"}),
    )
    source_kind = django_filters.ChoiceFilter(label="引荐来源", choices=SourceKind.choices, empty_label="全部来源")
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )

    class Meta:
        model = Referral
        fields = ["q", "source_kind", "unit"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            # Only units the viewer may see are offered.
            self.filters["unit"].queryset = Unit.objects.restrict(request.user).order_by("path")

    def in_unit(self, queryset, name, unit):
        if unit is None:
            return queryset
        subtree = Unit._base_manager.filter(path__startswith=unit.path).values_list("pk", flat=True)
        return queryset.filter(project__responsible_unit_id__in=list(subtree))
