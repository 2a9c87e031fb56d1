from django.urls import path

from zhaoshang.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.warning_list, name="list"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<slug:kind>/edit/", views.rule_edit, name="rule_edit"),
    path("scan/", views.scan_start, name="scan"),
    path("scan/<int:pk>/", views.scan_status, name="scan_status"),
]
