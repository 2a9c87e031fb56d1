from django.urls import path

from zhaoshang.core import views_audit, views_jobs

app_name = "core"

urlpatterns = [
    path("audit/", views_audit.audit_list, name="audit_list"),
    path("audit/export/", views_audit.audit_export, name="audit_export"),
    path("audit/security/", views_audit.security_events, name="security_events"),
    path("audit/<int:pk>/", views_audit.audit_detail, name="audit_detail"),
    path("jobs/<int:pk>/", views_jobs.job_detail, name="job_detail"),
]
