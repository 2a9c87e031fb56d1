from django.urls import path

from zhaoshang.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.grid, name="grid"),
    path("export/", views.grid_export, name="export"),
    path("distribute/<int:pk>/", views.distribute_view, name="distribute"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/commit/", views.import_commit, name="import_commit"),
]
