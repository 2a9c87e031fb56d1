from django.urls import path

from zhaoshang.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("bell/menu/", views.dropdown, name="dropdown"),
    path("read-all/", views.notification_mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_mark_read, name="mark_read"),
    path("webhooks/", views.WebhookList.as_view(), name="webhook_list"),
    path("webhooks/new/", views.WebhookEdit.as_view(), name="webhook_create"),
    path("webhooks/<int:pk>/", views.WebhookEdit.as_view(), name="webhook_edit"),
    path("webhooks/<int:pk>/delete/", views.WebhookDelete.as_view(), name="webhook_delete"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("deliveries/health/", views.delivery_health_page, name="delivery_health"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
