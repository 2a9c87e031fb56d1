from django.urls import path

from zhaoshang.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scores, name="scores"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/breakdown/", views.breakdown, name="breakdown"),
    path("schemes/<int:pk>/export/", views.export, name="export"),
    path("schemes/<int:pk>/publish/", views.publish_view, name="publish"),
    path("schemes/<int:pk>/entries/", views.entries, name="entries"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("results/<int:pk>/units/<int:unit_id>/", views.result_unit, name="result_unit"),
    path("results/<int:pk>/export/", views.result_export, name="result_export"),
]
