"""Filters of the inbox and of the outbox."""

import django_filters

from zhaoshang.core.forms import StyledFilterSet
from zhaoshang.notifications.choices import DeliveryChannel, DeliveryStatus, NotificationKind
from zhaoshang.notifications.models import Delivery, Notification


class NotificationFilterSet(StyledFilterSet, django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        label="只看未读",
        method="only_unread",
        widget=django_filters.widgets.BooleanWidget(),
    )
    kind = django_filters.ChoiceFilter(label="类型", choices=NotificationKind.choices, empty_label="全部类型")

    class Meta:
        model = Notification
        fields = ["kind"]

    def only_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


class DeliveryFilterSet(StyledFilterSet, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=DeliveryStatus.choices, empty_label="全部状态")
    channel = django_filters.ChoiceFilter(label="渠道", choices=DeliveryChannel.choices, empty_label="全部渠道")

    class Meta:
        model = Delivery
        fields = ["status", "channel"]
