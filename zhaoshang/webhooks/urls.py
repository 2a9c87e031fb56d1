from django.urls import path

from zhaoshang.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.SubscriptionList.as_view(), name="list"),
    path("new/", views.SubscriptionEdit.as_view(), name="create"),
    path("<int:pk>/", views.DeliveryLog.as_view(), name="deliveries"),
    path("<int:pk>/edit/", views.SubscriptionEdit.as_view(), name="edit"),
    path("<int:pk>/delete/", views.SubscriptionDelete.as_view(), name="delete"),
    path("<int:pk>/test/", views.subscription_test, name="test"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="resend"),
]
