"""One FilterSet for bulletins: the list page."""

import django_filters

from zhaoshang.bulletins.choices import BulletinKind, BulletinStatus
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.core.forms import StyledFilterSet


class BulletinFilterSet(StyledFilterSet, django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度")
    kind = django_filters.ChoiceFilter(label="类型", choices=BulletinKind.choices, empty_label="全部类型")
    status = django_filters.ChoiceFilter(label="状态", choices=BulletinStatus.choices, empty_label="全部状态")

    class Meta:
        model = Bulletin
        fields = []
