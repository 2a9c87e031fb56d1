import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.forms import StyledFilterSet, date_picker
from zhaoshang.core.models import AuditLog


def audited_types() -> list[tuple[str, str]]:
    """(``app_label.model``, 模型名称) of the project's models: audited ones, and those whose
    events are recorded by hand (exports of a bulletin, a scheduling round)."""
    return sorted(
        (
            (model._meta.label_lower, str(model._meta.verbose_name))
            for model in apps.get_models()
            if model.__module__.startswith("zhaoshang.")
        ),
        key=lambda choice: choice[1],
    )


class AuditLogFilterSet(StyledFilterSet, django_filters.FilterSet):
    """Who, what, when, which object: the auditor's questions."""

    username = django_filters.CharFilter(
        label="用户", lookup_expr="icontains", widget=forms.TextInput(attrs={"placeholder": "用户名"})
    )
    action = django_filters.ChoiceFilter(label="操作", choices=AuditAction.choices, empty_label="全部操作")
    # Chosen by the model's Chinese name; the stored value stays ``app_label.model``.
    object_type = django_filters.ChoiceFilter(label="对象类型", choices=audited_types, empty_label="全部对象类型")
    object_id = django_filters.CharFilter(label="对象编号", lookup_expr="exact")
    start = django_filters.DateFilter(
        label="开始日期", field_name="time", lookup_expr="date__gte", widget=date_picker()
    )
    end = django_filters.DateFilter(label="结束日期", field_name="time", lookup_expr="date__lte", widget=date_picker())
    ip = django_filters.CharFilter(label="IP", lookup_expr="exact")
    request_id = django_filters.CharFilter(label="请求编号", lookup_expr="exact")
    text = django_filters.CharFilter(
        label="内容", method="search", widget=forms.TextInput(attrs={"placeholder": "对象名称或说明"})
    )

    class Meta:
        model = AuditLog
        fields = ["username", "action", "object_type", "object_id", "start", "end", "ip", "request_id", "text"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_repr__contains=value) | Q(detail__contains=value))

    def describe(self) -> str:
        """The active filters in words, for the export's audit row."""
        if not self.is_bound or not self.form.is_valid():
            return "无筛选"
        parts = [
            f"{self.form.fields[key].label}={value}"
            for key, value in self.form.cleaned_data.items()
            if value not in (None, "")
        ]
        return "，".join(parts) or "无筛选"
