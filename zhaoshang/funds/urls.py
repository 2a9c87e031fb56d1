from django.urls import include, path

from zhaoshang.funds import views
from zhaoshang.imports import generic

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
    # The funds ledger import: the generic pages over the funds spec (funds/import_specs.py).
    path("import/", include(generic.own_urls("funds"))),
]
