"""One FilterSet per model: the handover list and the pool list."""

import django_filters
from django import forms

from zhaoshang.core.forms import StyledFilterSet
from zhaoshang.leads.choices import HandoverStatus, PoolStatus
from zhaoshang.leads.models import Handover, PoolLead


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
