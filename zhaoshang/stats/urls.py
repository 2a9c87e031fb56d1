from django.urls import path

from zhaoshang.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.table, name="table"),
    path("export.xlsx", views.table_export, name="table_export"),
    path("api/table", views.table_api, name="table_api"),
    path("behind/", views.behind, name="behind"),
]
