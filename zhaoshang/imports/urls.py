from django.urls import path

from zhaoshang.imports import views

app_name = "imports"

urlpatterns = [
    path("ledger/", views.ledger_upload, name="ledger_upload"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("batches/", views.batch_list, name="batch_list"),
    path("ledger/<int:pk>/", views.ledger_preview, name="ledger_preview"),
    path("ledger/<int:pk>/commit/", views.ledger_commit, name="ledger_commit"),
    path("ledger/<int:pk>/result/", views.ledger_result, name="ledger_result"),
    path("ledger/<int:pk>/errors.xlsx", views.ledger_errors, name="ledger_errors"),
]
