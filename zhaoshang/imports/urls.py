from django.urls import include, path

from zhaoshang.imports import generic, views

app_name = "imports"

urlpatterns = [
    # The project ledger keeps its own addresses and names; the pages are the generic ones.
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("ledger/", include(generic.own_urls("ledger"))),
    path("batches/", views.batch_list, name="batch_list"),
    # Every registered spec (imports.spec.register) has its pages here without a line of its own.
    path("<slug:kind>/", generic.upload, name="upload"),
    path("<slug:kind>/<int:pk>/", generic.preview, name="preview"),
    path("<slug:kind>/<int:pk>/commit/", generic.commit, name="commit"),
    path("<slug:kind>/<int:pk>/result/", generic.result, name="result"),
    path("<slug:kind>/<int:pk>/errors.xlsx", generic.errors, name="errors"),
]
