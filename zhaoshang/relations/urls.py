from django.urls import path

from zhaoshang.relations import views

app_name = "relations"

urlpatterns = [
    path("", views.CompanyList.as_view(), name="company_list"),
    path("new/", views.CompanyEdit.as_view(), name="company_create"),
    path("duplicates/", views.company_duplicates, name="company_duplicates"),
    path("<int:pk>/", views.CompanyDetail.as_view(), name="company_detail"),
    path("<int:pk>/edit/", views.CompanyEdit.as_view(), name="company_edit"),
    path("<int:pk>/contacts/new/", views.ContactAdd.as_view(), name="contact_add"),
    path("contacts/<int:pk>/edit/", views.ContactEdit.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/reveal/", views.contact_reveal, name="contact_reveal"),
]
