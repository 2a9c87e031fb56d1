from django.urls import path

from zhaoshang.accounts import views, views_mfa, views_sso

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("sso/", views_sso.start, name="sso_start"),
    path("sso/callback/", views_sso.callback, name="sso_callback"),
    path("password/", views.password_change_view, name="password_change"),
    path("profile/", views.profile_view, name="profile"),
    path("mfa/", views_mfa.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views_mfa.mfa_setup, name="mfa_setup"),
    path("mfa/codes/", views_mfa.mfa_codes, name="mfa_codes"),
    path("mfa/codes/new/", views_mfa.mfa_new_codes, name="mfa_new_codes"),
    path("mfa/remove/", views_mfa.mfa_remove_own, name="mfa_remove_own"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("users/", views.UserList.as_view(), name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/toggle-active/", views.user_toggle_active, name="user_toggle_active"),
    path("users/<int:pk>/reset-mfa/", views_mfa.user_reset_mfa, name="user_reset_mfa"),
]
