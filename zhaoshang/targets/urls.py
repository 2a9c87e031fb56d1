from django.urls import include, path

from zhaoshang.imports import generic
from zhaoshang.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.grid, name="grid"),
    path("export/", views.grid_export, name="export"),
    path("distribute/<int:pk>/", views.distribute_view, name="distribute"),
    # The targets import: the generic pages over the targets spec (targets/import_specs.py).
    path("import/", include(generic.own_urls("targets"))),
]
