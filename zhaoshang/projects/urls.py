from django.urls import path

from zhaoshang.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("kanban/", views.project_kanban, name="kanban"),
    path("new/", views.project_create, name="create"),
    path("duplicates/", views.duplicates_check, name="duplicates_check"),
    path("bulk-edit/", views.project_bulk_edit, name="bulk_edit"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/advance/", views.project_advance, name="advance"),
    path("<int:pk>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("<int:pk>/merge/", views.project_merge, name="merge"),
    path("<int:pk>/credits/", views.project_credits, name="credits"),
    path("<int:pk>/withdraw/", views.project_withdraw, name="withdraw"),
    path("events/<int:pk>/verify/", views.event_verify, name="event_verify"),
    path("events/<int:pk>/return/", views.event_return, name="event_return"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
