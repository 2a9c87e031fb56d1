from django.urls import path

from zhaoshang.fieldwork import views, views_campaigns, views_mobile

app_name = "fieldwork"

urlpatterns = [
    path("", views.TripList.as_view(), name="trip_list"),
    path("new/", views.TripEdit.as_view(), name="trip_create"),
    path("<int:pk>/", views.TripDetail.as_view(), name="trip_detail"),
    path("<int:pk>/edit/", views.TripEdit.as_view(), name="trip_edit"),
    path("<int:pk>/delete/", views.TripDelete.as_view(), name="trip_delete"),
    path("<int:pk>/visits/new/", views.VisitAdd.as_view(), name="visit_add"),
    path("visits/<int:pk>/edit/", views.VisitEdit.as_view(), name="visit_edit"),
    path("visits/<int:pk>/delete/", views.VisitDelete.as_view(), name="visit_delete"),
    path("campaigns/", views.CampaignList.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignEdit.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.CampaignDetail.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/signings/", views.campaign_signing_add, name="campaign_signing_add"),
    path("campaigns/<int:pk>/tasks/", views_campaigns.campaign_tasks, name="campaign_tasks"),
    path("campaigns/<int:pk>/review/", views_campaigns.campaign_review_page, name="campaign_review"),
    path("campaigns/<int:pk>/review/publish/", views_campaigns.campaign_review_publish, name="campaign_review_publish"),
    path(
        "campaigns/signings/<int:pk>/remove/", views_campaigns.campaign_signing_remove, name="campaign_signing_remove"
    ),
    path("campaigns/<int:pk>/edit/", views.CampaignEdit.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/delete/", views.CampaignDelete.as_view(), name="campaign_delete"),
    path("m/", views_mobile.mobile_home, name="mobile_home"),
    path("m/trips/<int:pk>/visit/", views_mobile.mobile_visit, name="mobile_visit"),
    path("visits/photos/<int:pk>/", views_mobile.visit_photo, name="visit_photo"),
    path("titles/", views.TitleList.as_view(), name="title_list"),
    path("titles/new/", views.TitleEdit.as_view(), name="title_create"),
    path("titles/<int:pk>/edit/", views.TitleEdit.as_view(), name="title_edit"),
    path("titles/<int:pk>/delete/", views.TitleDelete.as_view(), name="title_delete"),
]
