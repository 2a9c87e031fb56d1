"""One FilterSet for trips: the list and its export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFilterSet
from zhaoshang.fieldwork.choices import CampaignKind, CampaignStatus, LeaderLevel, SignalKind, SignalStage, TripStatus
from zhaoshang.fieldwork.models import Campaign, CampaignUnit, Signal, StationedTeam, Trip, TripUnit
from zhaoshang.reference.models import Division


def year_choices():
    this_year = timezone.localdate().year
    return [(str(year), f"{year}年") for year in range(this_year + 1, this_year - 6, -1)]


class UnitYearFilterSet(StyledFilterSet, django_filters.FilterSet):
    """What the trip and the campaign lists share: a unit among those the viewer sees, a year
    of ``year_field``."""

    year_field = ""
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )
    year = django_filters.ChoiceFilter(label="年度", choices=year_choices, method="in_year", empty_label="全部年度")

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        self.filters["unit"].queryset = Unit.objects.restrict(user).order_by("path")

    def in_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.year_field}__year": int(value)}) if value else queryset


class TripFilterSet(UnitYearFilterSet):
    year_field = "departure_on"

    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "带队领导、目的地或事由"})
    )
    level = django_filters.ChoiceFilter(
        label="带队层级", field_name="leader_level", choices=LeaderLevel.choices, empty_label="全部层级"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=TripStatus.choices, empty_label="全部状态")

    class Meta:
        model = Trip
        fields = []

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(leader_name__contains=term) | Q(destination_text__contains=term) | Q(purpose__contains=term)
            )
        return queryset

    def in_unit(self, queryset, name, unit):
        # Trips the unit's subtree organised or went along on, as the counting rules count them.
        if unit is None:
            return queryset
        along = TripUnit.objects.filter(unit__path__startswith=unit.path).values("trip_id")
        return queryset.filter(Q(organiser__path__startswith=unit.path) | Q(pk__in=along))


class CampaignFilterSet(UnitYearFilterSet):
    year_field = "start_on"

    q = django_filters.CharFilter(
        label="查找",
        field_name="name",
        lookup_expr="contains",
        widget=forms.TextInput(attrs={"placeholder": "活动名称"}),
    )
    kind = django_filters.ChoiceFilter(label="活动类型", choices=CampaignKind.choices, empty_label="全部类型")
    status = django_filters.ChoiceFilter(label="状态", choices=CampaignStatus.choices, empty_label="全部状态")

    class Meta:
        model = Campaign
        fields = []

    def in_unit(self, queryset, name, unit):
        if unit is None:
            return queryset
        linked = CampaignUnit.objects.filter(unit__path__startswith=unit.path).values("campaign_id")
        return queryset.filter(Q(organiser__path__startswith=unit.path) | Q(pk__in=linked))


# --- Intelligence (招商情报) -----------------------------------------------------------------------


class SignalFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找", method="search", widget=forms.TextInput(attrs={"placeholder": "企业名称或情报摘要"})
    )
    kind = django_filters.ChoiceFilter(label="信号类型", choices=SignalKind.choices, empty_label="全部类型")
    stage = django_filters.ChoiceFilter(label="进展", choices=SignalStage.choices, empty_label="全部进展")
    region = django_filters.ModelChoiceFilter(
        label="企业所在地",
        queryset=Division.objects.filter(level__lte=2).order_by("code"),
        method="in_region",
        empty_label="全部地区",
    )
    team = django_filters.ModelChoiceFilter(
        label="小分队", queryset=StationedTeam.objects.none(), empty_label="全部小分队"
    )
    unit = django_filters.ModelChoiceFilter(
        label="报送单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )

    class Meta:
        model = Signal
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        self.filters["unit"].queryset = Unit.objects.restrict(user).order_by("path")
        self.filters["team"].queryset = StationedTeam.objects.restrict(user).select_related("unit")

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(company__name__contains=term) | Q(summary__contains=term))
        return queryset

    def in_region(self, queryset, name, division):
        # A province or a prefecture: the firms whose home division is it or lies under it.
        if division is None:
            return queryset
        # Codes carry no trailing zeros (reference.Division), so a division's code prefixes
        # every code under it.
        return queryset.filter(company__home_division__code__startswith=division.code)

    def in_unit(self, queryset, name, unit):
        return queryset if unit is None else queryset.filter(reporting_unit__path__startswith=unit.path)
