import django_filters
from django import forms
from django.db.models import Q

from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.forms import StyledFilterSet


class UnitFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "名称、编码或别名"})
    )
    type = django_filters.ChoiceFilter(label="类型", choices=UnitType.choices, empty_label="全部类型")
    active = django_filters.BooleanFilter(
        label="启用", widget=forms.Select(choices=[("", "全部"), ("true", "启用"), ("false", "停用")])
    )

    class Meta:
        model = Unit
        fields = ["q", "type", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__contains=value)
            | Q(code__icontains=value)
            | Q(short_name__contains=value)
            | Q(alias_text__contains=value)
        )


class UserFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "用户名或姓名"})
    )
    role = django_filters.ChoiceFilter(label="角色", choices=Role.choices, empty_label="全部角色")
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_subtree", empty_label="全部单位"
    )
    is_active = django_filters.BooleanFilter(
        label="状态", widget=forms.Select(choices=[("", "全部"), ("true", "正常"), ("false", "已停用")])
    )

    class Meta:
        model = User
        fields = ["q", "role", "unit", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The unit dropdown offers only units the viewer may see.
        self.filters["unit"].queryset = Unit.objects.restrict(user)

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value.strip()) | Q(name__contains=value.strip()))

    def in_subtree(self, queryset, name, unit):
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset
