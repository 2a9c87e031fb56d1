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

from zhaoshang.leads import views_referrals as referrals  # noqa: E402

urlpatterns += [
    path("referrals/", referrals.ReferralList.as_view(), name="referral_list"),
    path("referrals/rewards/", referrals.RewardList.as_view(), name="reward_list"),
    path("referrals/project/<int:project_pk>/new/", referrals.ReferralEdit.as_view(), name="referral_create"),
    path("referrals/<int:pk>/", referrals.ReferralDetail.as_view(), name="referral_detail"),
    path("referrals/<int:pk>/edit/", referrals.ReferralEdit.as_view(), name="referral_edit"),
    path("referrals/<int:pk>/delete/", referrals.ReferralDelete.as_view(), name="referral_delete"),
    path("reward-rules/", referrals.RuleList.as_view(), name="rule_list"),
    path("reward-rules/new/", referrals.RuleEdit.as_view(), name="rule_create"),
    path("reward-rules/<int:pk>/", referrals.RuleDetail.as_view(), name="rule_detail"),
    path("reward-rules/<int:pk>/edit/", referrals.RuleEdit.as_view(), name="rule_edit"),
    path("reward-rules/<int:pk>/delete/", referrals.RuleDelete.as_view(), name="rule_delete"),
    path("payouts/referral/<int:referral_pk>/new/", referrals.PayoutEdit.as_view(), name="payout_create"),
    path("payouts/<int:pk>/", referrals.PayoutDetail.as_view(), name="payout_detail"),
    path("payouts/<int:pk>/edit/", referrals.PayoutEdit.as_view(), name="payout_edit"),
    path("payouts/<int:pk>/verify/", referrals.payout_verify, name="payout_verify"),
    path("payouts/<int:pk>/return/", referrals.payout_return, name="payout_return"),
]
