from django.urls import path

from zhaoshang.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.ProblemList.as_view(), name="list"),
    path("mine/", views.my_problems, name="mine"),
    path("closure/", views.closure_table, name="closure"),
    path("deadline/", views.deadline_preview, name="deadline_preview"),
    path("project/<int:pk>/new/", views.problem_create, name="create"),
    path("project/<int:pk>/instruct/", views.instruction_create, name="instruct"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/edit/", views.problem_edit, name="edit"),
    path("<int:pk>/note/", views.note_add, name="note_add"),
    path("<int:pk>/close/", views.problem_close, name="close"),
    path("<int:pk>/reopen/", views.problem_reopen, name="reopen"),
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("instructions/<int:pk>/reply/", views.instruction_reply, name="instruction_reply"),
]
