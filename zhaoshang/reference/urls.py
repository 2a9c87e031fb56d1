from django.urls import path

from zhaoshang.reference import views

app_name = "reference"

urlpatterns = [
    path("holidays/", views.HolidayList.as_view(), name="holiday_list"),
    path("holidays/years/add/", views.calendar_year_add, name="calendar_year_add"),
    path("holidays/save/", views.holiday_save, name="holiday_save"),
    path("holidays/<str:date>/delete/", views.HolidayDelete.as_view(), name="holiday_delete"),
    path("divisions/", views.division_list, name="division_list"),
    path("industries/", views.industry_list, name="industry_list"),
    path("origin-groups/", views.OriginGroupList.as_view(), name="origin_group_list"),
    path("origin-groups/new/", views.OriginGroupEdit.as_view(), name="origin_group_create"),
    path("origin-groups/<int:pk>/edit/", views.OriginGroupEdit.as_view(), name="origin_group_edit"),
    path("origin-groups/<int:pk>/delete/", views.OriginGroupDelete.as_view(), name="origin_group_delete"),
]
