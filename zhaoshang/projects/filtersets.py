"""One FilterSet for projects: the list page, the export and (later) the API and drill-downs."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFilterSet, date_picker
from zhaoshang.core.search import search_terms
from zhaoshang.projects.choices import LIFECYCLE, HeadquartersKind, Likelihood, PromotionMethod, Stage, Verification
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.reference.choices import PROVINCES
from zhaoshang.reference.models import Industry
from zhaoshang.relations.origin import origin_choices, origin_q

AMOUNT_BANDS = {
    "lt1000": ("1000万元以下", None, Decimal(1000)),
    "1000-10000": ("1000万—1亿元", Decimal(1000), Decimal(10000)),
    "ge1yi": ("1亿元以上（亿元以上项目）", Decimal(10000), None),
    "1-5yi": ("1亿—5亿元", Decimal(10000), Decimal(50000)),
    "5-10yi": ("5亿—10亿元", Decimal(50000), Decimal(100000)),
    "ge10yi": ("10亿元以上", Decimal(100000), None),
}
VERIFICATION_FILTERS = [
    ("pending", "待审核"),
    ("returned", "有退回"),
    ("has_verified", "有审核通过的阶段"),
    ("verified", "已审核到当前阶段"),
    ("unverified", "当前阶段未审核"),
    ("never", "从未审核通过"),
]
DATE = date_picker()


class ProjectFilterSet(StyledFilterSet, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="查找",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "项目名称、投资方、编号或拼音首字母"}),
    )
    # distinct=False: a stage is a column of the project itself, and the default DISTINCT
    # over every column made the list ten times slower at province scale.
    stage = django_filters.MultipleChoiceFilter(
        label="阶段", choices=[(s.value, s.label) for s in [*LIFECYCLE, Stage.ON_HOLD, Stage.DROPPED]], distinct=False
    )
    verification = django_filters.ChoiceFilter(
        label="审核状态", choices=VERIFICATION_FILTERS, method="by_verification", empty_label="全部"
    )
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), method="in_unit", empty_label="全部单位"
    )
    industry = django_filters.ModelChoiceFilter(
        label="行业",
        queryset=Industry.objects.all(),
        to_field_name="code",  # ?industry=C (a section) or ?industry=39 (a division): readable links
        method="in_industry",
        empty_label="全部行业",
    )
    leading_industry = django_filters.CharFilter(label="主导产业", lookup_expr="exact")
    chain_tag = django_filters.CharFilter(label="产业链", lookup_expr="exact")
    promotion_method = django_filters.ChoiceFilter(
        label="招商方式", choices=PromotionMethod.choices, empty_label="全部方式"
    )
    headquarters_kind = django_filters.ChoiceFilter(
        label="总部类型", choices=HeadquartersKind.choices, empty_label="全部（含非总部项目）"
    )
    landing_likelihood = django_filters.ChoiceFilter(
        label="落地可能性", choices=Likelihood.choices, empty_label="全部可能性"
    )
    amount = django_filters.ChoiceFilter(
        label="协议总投资",
        choices=[(key, label) for key, (label, _, _) in AMOUNT_BANDS.items()],
        method="in_band",
        empty_label="全部金额",
    )
    signed_from = django_filters.DateFilter(label="签约自", field_name="signed_on", lookup_expr="gte", widget=DATE)
    signed_to = django_filters.DateFilter(label="签约至", field_name="signed_on", lookup_expr="lte", widget=DATE)
    started_from = django_filters.DateFilter(label="开工自", field_name="started_on", lookup_expr="gte", widget=DATE)
    started_to = django_filters.DateFilter(label="开工至", field_name="started_on", lookup_expr="lte", widget=DATE)
    production_from = django_filters.DateFilter(
        label="投产自", field_name="production_on", lookup_expr="gte", widget=DATE
    )
    production_to = django_filters.DateFilter(
        label="投产至", field_name="production_on", lookup_expr="lte", widget=DATE
    )
    investor_province = django_filters.ChoiceFilter(
        label="客商来源",
        choices=[(code, name) for code, name, _ in PROVINCES],
        field_name="investor__home_division__province_code",
        empty_label="全部来源地",
    )
    # 市外 / 省外 / 境外 relative to settings.HOME_DIVISION, or a 客商来源分组 (relations.origin);
    # the choices are read per request, so a group the bureau adds is offered at once.
    investor_origin = django_filters.ChoiceFilter(
        label="客商来源分类", choices=[], method="by_origin", empty_label="全部客商"
    )
    created_from = django_filters.DateFilter(
        label="入库自", field_name="created_at", lookup_expr="date__gte", widget=DATE
    )
    created_to = django_filters.DateFilter(
        label="入库至", field_name="created_at", lookup_expr="date__lte", widget=DATE
    )
    is_key = django_filters.BooleanFilter(
        label="重点项目", widget=forms.Select(choices=[("", "全部"), ("true", "重点项目"), ("false", "非重点")])
    )

    class Meta:
        model = Project
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        # Only units the viewer may see are offered.
        self.filters["unit"].queryset = Unit.objects.restrict(user).order_by("path")
        self.filters["industry"].queryset = Industry.objects.restrict(user).order_by("code")
        self.filters["investor_origin"].extra["choices"] = origin_choices()

    def by_origin(self, queryset, name, value):
        return queryset.filter(origin_q(value, prefix="investor__"))

    def search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(search_text__contains=term)
        return queryset

    def in_unit(self, queryset, name, unit):
        # The unit's whole subtree, by the responsible unit: a county shows its towns' projects.
        # As unit ids (one query on the small unit table): an indexed IN on the project's
        # foreign key, not a LIKE on a joined path tested against every project.
        if unit is None:
            return queryset
        subtree = Unit._base_manager.filter(path__startswith=unit.path).values_list("pk", flat=True)
        return queryset.filter(responsible_unit_id__in=list(subtree))

    def in_industry(self, queryset, name, industry):
        if industry is None:
            return queryset
        if industry.level == 1:  # a section (门类) means all its divisions
            return queryset.filter(industry__parent=industry)
        return queryset.filter(industry=industry)

    def in_band(self, queryset, name, key):
        if key not in AMOUNT_BANDS:
            return queryset
        _, low, high = AMOUNT_BANDS[key]
        if low is not None:
            queryset = queryset.filter(total_investment__gte=low)
        if high is not None:
            queryset = queryset.filter(total_investment__lt=high)
        return queryset

    def by_verification(self, queryset, name, value):
        events = StageEvent.objects.filter(project=OuterRef("pk"))
        if value == "pending":
            return queryset.filter(Exists(events.filter(status=Verification.SUBMITTED)))
        if value == "returned":
            return queryset.filter(Exists(events.filter(status=Verification.RETURNED)))
        if value == "has_verified":
            return queryset.filter(Exists(events.filter(status=Verification.VERIFIED)))
        if value == "verified":
            return queryset.filter(verified_stage=F("stage"))
        if value == "unverified":
            return queryset.exclude(verified_stage=F("stage"))
        if value == "never":
            return queryset.filter(verified_stage="")
        return queryset
