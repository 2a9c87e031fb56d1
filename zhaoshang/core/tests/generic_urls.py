"""Pages made of nothing but the generic views, over existing models, for
test_generic_views.py: what a new model written by docs/adding-a-model.md gets."""

import django_filters
from django import forms
from django.urls import include, path

from zhaoshang.core import generic
from zhaoshang.core.columns import Column, Columns
from zhaoshang.core.forms import StyledFilterSet, StyledFormMixin
from zhaoshang.relations.models import Company
from zhaoshang.targets.models import Target
from zhaoshang.urls import urlpatterns as site_urls


class TargetFilterSet(StyledFilterSet, django_filters.FilterSet):
    class Meta:
        model = Target
        fields = ["year", "indicator"]


class TargetForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["year", "indicator", "value", "note"]


TARGET_COLUMNS = Columns(
    Target,
    Column("unit__name", label="单位", required=True, link=True, sort="unit__path"),
    Column("year"),
    Column("indicator"),
    Column("value", label="目标值"),
    Column("note", default=False),
)


class NewTargetForm(TargetForm):
    class Meta(TargetForm.Meta):
        fields = ["unit", *TargetForm.Meta.fields]


class TargetPages:
    model = Target
    list_url, detail_url = "generic_test:target_list", "generic_test:target_detail"
    edit_url, delete_url = "generic_test:target_edit", "generic_test:target_delete"


class TargetList(TargetPages, generic.ObjectListView):
    columns, filterset_class, ordering = TARGET_COLUMNS, TargetFilterSet, ("unit__path", "id")
    empty_title = "没有目标任务"


class TargetDetail(TargetPages, generic.ObjectDetailView):
    select_related, fields = ("unit",), ("unit", "year", "indicator", "value", "note")


class TargetEdit(TargetPages, generic.ObjectEditView):
    form_class = TargetForm

    def get_form_class(self):
        return NewTargetForm if self.creating else TargetForm


class TargetDelete(TargetPages, generic.ObjectDeleteView):
    pass


class CompanyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "nature", "address"]


class CompanyEdit(generic.ObjectEditView):
    model, form_class, list_url = Company, CompanyForm, "generic_test:target_list"


class CompanyDelete(generic.ObjectDeleteView):
    model, list_url = Company, "generic_test:target_list"


test_patterns = (
    [
        path("targets/", TargetList.as_view(), name="target_list"),
        path("targets/new/", TargetEdit.as_view(), name="target_create"),
        path("targets/<int:pk>/", TargetDetail.as_view(), name="target_detail"),
        path("targets/<int:pk>/edit/", TargetEdit.as_view(), name="target_edit"),
        path("targets/<int:pk>/delete/", TargetDelete.as_view(), name="target_delete"),
        path("companies/<int:pk>/edit/", CompanyEdit.as_view(), name="company_edit"),
        path("companies/<int:pk>/delete/", CompanyDelete.as_view(), name="company_delete"),
    ],
    "generic_test",
)

urlpatterns = [*site_urls, path("generic-test/", include(test_patterns))]
