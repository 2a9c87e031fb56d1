from django.urls import path

from zhaoshang.fieldwork import views, views_campaigns, views_intelligence, views_mobile, views_teams

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

# Stationed teams and intelligence (驻点招商小分队、招商情报): views_teams, views_intelligence.
urlpatterns += [
    path("teams/", views_teams.TeamList.as_view(), name="team_list"),
    path("teams/new/", views_teams.TeamEdit.as_view(), name="team_create"),
    path("teams/<int:pk>/", views_teams.TeamDetail.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views_teams.TeamEdit.as_view(), name="team_edit"),
    path("teams/<int:pk>/members/new/", views_teams.MemberAdd.as_view(), name="member_add"),
    path("teams/members/<int:pk>/edit/", views_teams.MemberEdit.as_view(), name="member_edit"),
    path("teams/members/<int:pk>/delete/", views_teams.MemberDelete.as_view(), name="member_delete"),
    path("teams/<int:pk>/reports/new/", views_teams.ReportAdd.as_view(), name="report_add"),
    path("teams/reports/<int:pk>/edit/", views_teams.ReportEdit.as_view(), name="report_edit"),
    path("intelligence/", views_intelligence.SignalList.as_view(), name="signal_list"),
    path("intelligence/new/", views_intelligence.SignalEdit.as_view(), name="signal_create"),
    path("intelligence/regions/", views_intelligence.firms_by_region_page, name="signal_regions"),
    path("intelligence/<int:pk>/", views_intelligence.SignalDetail.as_view(), name="signal_detail"),
    path("intelligence/<int:pk>/edit/", views_intelligence.SignalEdit.as_view(), name="signal_edit"),
    path("intelligence/<int:pk>/step/<str:stage>/", views_intelligence.signal_step, name="signal_step"),
    path("intelligence/<int:pk>/exclude/", views_intelligence.signal_exclude, name="signal_exclude"),
    path("intelligence/<int:pk>/convert/", views_intelligence.signal_convert, name="signal_convert"),
]
