from django.urls import path

from zhaoshang.relations import views

app_name = "relations"

urlpatterns = [
    path("", views.CompanyList.as_view(), name="company_list"),
    path("new/", views.CompanyEdit.as_view(), name="company_create"),
    path("search/", views.network_search, name="search"),
    path("duplicates/", views.company_duplicates, name="company_duplicates"),
    path("duplicates/groups/", views.company_duplicate_groups, name="company_duplicate_groups"),
    path("<int:pk>/", views.CompanyDetail.as_view(), name="company_detail"),
    path("<int:pk>/edit/", views.CompanyEdit.as_view(), name="company_edit"),
    path("<int:pk>/merge/", views.company_merge, name="company_merge"),
    path("<int:pk>/contacts/new/", views.ContactAdd.as_view(), name="contact_add"),
    path("contacts/", views.ContactList.as_view(), name="contact_list"),
    path("contacts/new/", views.ContactEdit.as_view(), name="contact_create"),
    path("contacts/<int:pk>/", views.ContactDetail.as_view(), name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.ContactEdit.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/reveal/", views.contact_reveal, name="contact_reveal"),
    path("contacts/<int:pk>/export/", views.contact_export, name="contact_export"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact_erase"),
    path("interactions/", views.InteractionList.as_view(), name="interaction_list"),
    path("interactions/new/", views.InteractionEdit.as_view(), name="interaction_create"),
    path("interactions/<int:pk>/", views.InteractionDetail.as_view(), name="interaction_detail"),
    path("interactions/<int:pk>/edit/", views.InteractionEdit.as_view(), name="interaction_edit"),
    path("interactions/<int:pk>/delete/", views.InteractionDelete.as_view(), name="interaction_delete"),
    path("intermediaries/", views.IntermediaryList.as_view(), name="intermediary_list"),
    path("intermediaries/new/", views.IntermediaryEdit.as_view(), name="intermediary_create"),
    path("intermediaries/<int:pk>/", views.IntermediaryDetail.as_view(), name="intermediary_detail"),
    path("intermediaries/<int:pk>/edit/", views.IntermediaryEdit.as_view(), name="intermediary_edit"),
    path("intermediaries/<int:pk>/agreements/new/", views.AgreementAdd.as_view(), name="agreement_add"),
    path("agreements/<int:pk>/edit/", views.AgreementEdit.as_view(), name="agreement_edit"),
]
