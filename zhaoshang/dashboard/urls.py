from django.urls import path

from zhaoshang.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures", views.speech_figures, name="figures"),
    path("not-started", views.not_started, name="not_started"),
]
