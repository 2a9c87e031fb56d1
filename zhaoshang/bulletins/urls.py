from django.urls import path

from zhaoshang.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.BulletinList.as_view(), name="list"),
    path("new/", views.bulletin_create, name="create"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/publish/", views.bulletin_publish, name="publish"),
    path("<int:pk>/delete/", views.bulletin_delete, name="delete"),
    path("<int:pk>/changes/", views.bulletin_changes, name="changes"),
    path("<int:pk>/download/<str:fmt>/", views.bulletin_download, name="download"),
    path("honour-rules/", views.HonourRuleList.as_view(), name="honour_rule_list"),
    path("honour-rules/new/", views.HonourRuleEdit.as_view(), name="honour_rule_create"),
    path("honour-rules/<int:pk>/edit/", views.HonourRuleEdit.as_view(), name="honour_rule_edit"),
    path("honour-rules/<int:pk>/delete/", views.HonourRuleDelete.as_view(), name="honour_rule_delete"),
]
