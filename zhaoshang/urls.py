from django.urls import include, path

urlpatterns = [
    path("", include("zhaoshang.core.urls")),
    path("accounts/", include("zhaoshang.accounts.urls")),
    path("reference/", include("zhaoshang.reference.urls")),
]
