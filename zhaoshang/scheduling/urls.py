from django.urls import path

from zhaoshang.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("", views.RoundList.as_view(), name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/edit/", views.round_edit, name="edit"),
    path("<int:pk>/report/", views.round_report, name="report"),
    path("<int:pk>/projects/add/", views.round_add_projects, name="add_projects"),
    path("<int:pk>/remind/", views.round_remind, name="remind"),
    path("<int:pk>/close/", views.round_close, name="close"),
    path("<int:pk>/summary/", views.round_summary, name="summary"),
    path("<int:pk>/export/", views.round_export, name="export"),
    path("item/<int:pk>/save/", views.item_save, name="item_save"),
    path("item/<int:pk>/return/", views.item_return, name="item_return"),
    path("item/<int:pk>/remove/", views.item_remove, name="item_remove"),
]
