from django.urls import path

from zhaoshang.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.tranche_list, name="list"),
    path("pending/", views.tranche_pending, name="pending"),
    path("pending/verify/", views.tranche_verify_selected, name="verify_selected"),
    path("export/", views.tranche_export, name="export"),
    path("project/<int:pk>/new/", views.tranche_create, name="create"),
    path("<int:pk>/", views.tranche_detail, name="detail"),
    path("<int:pk>/edit/", views.tranche_edit, name="edit"),
    path("<int:pk>/verify/", views.tranche_verify, name="verify"),
    path("<int:pk>/return/", views.tranche_return, name="return"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("import/<int:pk>/result/", views.import_result, name="import_result"),
]
