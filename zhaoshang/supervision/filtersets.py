"""One FilterSet per model: the problem list (and later the API and bulletins' drill-downs),
and the instruction list."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFilterSet
from zhaoshang.core.search import search_terms
from zhaoshang.supervision.choices import ProblemCategory, ProblemStatus
from zhaoshang.supervision.models import Instruction, Problem

YES = [("1", "是")]


class _UnitFilterMixin:
    def _restrict_units(self, user):
        # Only units the viewer may see are offered.
        self.filters["unit"].queryset = Unit.objects.restrict(user).order_by("path")


class ProblemFilterSet(_UnitFilterMixin, StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "项目名称、编号、拼音或问题描述"})
    )
    status = django_filters.ChoiceFilter(label="状态", choices=ProblemStatus.choices, empty_label="全部状态")
    category = django_filters.ChoiceFilter(label="类别", choices=ProblemCategory.choices, empty_label="全部类别")
    unit = django_filters.ModelChoiceFilter(
        label="责任单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部责任单位"
    )
    overdue = django_filters.ChoiceFilter(label="逾期", choices=YES, method="only_overdue", empty_label="逾期与否")
    escalated = django_filters.ChoiceFilter(
        label="已升级", choices=YES, method="only_escalated", empty_label="升级与否"
    )
    leader = django_filters.CharFilter(
        label="责任领导", method="by_leader", widget=forms.TextInput(attrs={"placeholder": "责任领导姓名"})
    )
    project = django_filters.NumberFilter(label="项目", field_name="project_id", widget=forms.HiddenInput)

    class Meta:
        model = Problem
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self._restrict_units(user or getattr(request, "user", None))

    def search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(
                Q(project__search_text__contains=term) | Q(description__icontains=term) | Q(project__code__iexact=term)
            )
        return queryset

    def in_unit(self, queryset, name, unit):
        # The unit's whole subtree, as responsible unit of the problem.
        return queryset.filter(responsible_unit__path__startswith=unit.path) if unit else queryset

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=ProblemStatus.OPEN, deadline__lt=timezone.localdate())

    def only_escalated(self, queryset, name, value):
        return queryset.filter(status=ProblemStatus.OPEN, escalated_on__isnull=False) if value else queryset

    def by_leader(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(responsible_leader_name__icontains=value)
            | Q(responsible_leader__name__icontains=value)
            | Q(responsible_leader__username__iexact=value)
        )


class InstructionFilterSet(_UnitFilterMixin, StyledFilterSet, django_filters.FilterSet):
    answered = django_filters.ChoiceFilter(
        label="回复", choices=[("no", "未回复"), ("yes", "已回复")], method="by_answer", empty_label="全部批示"
    )
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )
    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "项目名称、拼音或批示内容"})
    )

    class Meta:
        model = Instruction
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self._restrict_units(user or getattr(request, "user", None))

    def by_answer(self, queryset, name, value):
        if value == "no":
            return queryset.filter(replied_on__isnull=True)
        if value == "yes":
            return queryset.filter(replied_on__isnull=False)
        return queryset

    def in_unit(self, queryset, name, unit):
        if unit is None:
            return queryset
        return queryset.filter(
            Q(project__responsible_unit__path__startswith=unit.path)
            | Q(problem__responsible_unit__path__startswith=unit.path)
        )

    def search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(Q(project__search_text__contains=term) | Q(text__icontains=term))
        return queryset
