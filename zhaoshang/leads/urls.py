from django.urls import path

from zhaoshang.leads import views

app_name = "leads"

urlpatterns = [
    path("handovers/", views.HandoverList.as_view(), name="handover_list"),
    path("handovers/project/<int:project_pk>/new/", views.handover_create, name="handover_create"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/accept/", views.handover_accept, name="handover_accept"),
    path("handovers/<int:pk>/decline/", views.handover_decline, name="handover_decline"),
    path("handovers/<int:pk>/withdraw/", views.handover_withdraw, name="handover_withdraw"),
    path("pool/", views.PoolList.as_view(), name="pool_list"),
    path("pool/project/<int:project_pk>/new/", views.pool_place, name="pool_place"),
    path("pool/<int:pk>/", views.pool_detail, name="pool_detail"),
    path("pool/<int:pk>/claim/", views.pool_claim, name="pool_claim"),
    path("pool/<int:pk>/assign/", views.pool_assign, name="pool_assign"),
    path("pool/<int:pk>/return/", views.pool_return, name="pool_return"),
]
