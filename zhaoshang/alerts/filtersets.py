"""One FilterSet for warnings: the list page (and later exports and the API)."""

import django_filters

from zhaoshang.accounts.models import Unit
from zhaoshang.alerts.choices import WarningLevel, WarningStatus
from zhaoshang.alerts.models import Warning
from zhaoshang.alerts.registry import kind_choices
from zhaoshang.core.forms import StyledFilterSet


class WarningFilterSet(StyledFilterSet, django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label="等级", choices=WarningLevel.choices, empty_label="全部等级")
    kind = django_filters.ChoiceFilter(label="预警类型", choices=kind_choices, empty_label="全部类型")
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=WarningStatus.choices, empty_label="未解除和已解除", method="with_status"
    )
    project = django_filters.NumberFilter(label="项目", field_name="project_id")

    class Meta:
        model = Warning
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        # Open warnings unless asked otherwise: that is what people come for.
        data = data.copy() if data is not None else {}
        if "status" not in data:
            data["status"] = WarningStatus.OPEN
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        self.filters["unit"].queryset = Unit.objects.restrict(user).order_by("path")

    def in_unit(self, queryset, name, unit):
        # The unit's whole subtree, by the responsible unit, as the project list filters.
        if unit is None:
            return queryset
        return queryset.filter(unit__path__startswith=unit.path)

    def with_status(self, queryset, name, value):
        return queryset.filter(status=value) if value else queryset
