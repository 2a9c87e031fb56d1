"""Object URLs of the leads app, for the generic scope check (zhaoshang/testing.py)."""

from zhaoshang.testing import ScopeCheck


def town_b_project(personas, name="河口镇的线索"):
    from zhaoshang.projects.tests.factories import project

    return project(personas.officer_b, personas.town_b, name=name)


def town_b_handover(personas):
    """Town B offers a project to the bureau's unit: nothing of it is town A's."""
    from zhaoshang.leads.services import offer_handover

    handover = offer_handover(
        personas.officer_b, town_b_project(personas), personas.bureau_unit, "投资方有意落户市区。"
    )
    return {"pk": handover.pk}


def pool_lead_for_town_b(personas):
    """A lead in the pool opened to town B only."""
    from zhaoshang.leads.services import place_in_pool
    from zhaoshang.projects.tests.factories import project

    lead = project(personas.bureau, personas.bureau_unit, name="市局掌握的线索")
    return {"pk": place_in_pool(personas.bureau, lead, note="适合河口镇", open_to=[personas.town_b]).pk}


SCOPE_CHECKS = [
    ScopeCheck("leads:handover_detail", town_b_handover),
    ScopeCheck("leads:handover_accept", town_b_handover, method="post"),
    ScopeCheck("leads:handover_decline", town_b_handover, method="post"),
    ScopeCheck("leads:handover_withdraw", town_b_handover, method="post"),
    ScopeCheck("leads:handover_create", lambda p: {"project_pk": town_b_project(p).pk}),
    ScopeCheck("leads:pool_detail", pool_lead_for_town_b),
    ScopeCheck("leads:pool_claim", pool_lead_for_town_b, method="post"),
    ScopeCheck("leads:pool_assign", pool_lead_for_town_b, method="post"),
    ScopeCheck("leads:pool_return", pool_lead_for_town_b, method="post"),
]


def town_b_referral(personas):
    from zhaoshang.leads.tests.factories import referral_by_notable

    return {"pk": referral_by_notable(personas, personas.officer_b, personas.town_b).pk}


def town_b_payout(personas):
    from zhaoshang.leads.tests.factories import town_b_payout as made

    return {"pk": made(personas).pk}


SCOPE_CHECKS += [
    ScopeCheck("leads:referral_create", lambda p: {"project_pk": town_b_project(p).pk}),
    ScopeCheck("leads:referral_detail", town_b_referral),
    ScopeCheck("leads:referral_edit", town_b_referral),
    ScopeCheck("leads:referral_delete", town_b_referral),
    ScopeCheck("leads:referral_delete", town_b_referral, method="post"),
    ScopeCheck("leads:payout_create", lambda p: {"referral_pk": town_b_referral(p)["pk"]}),
    ScopeCheck("leads:payout_detail", town_b_payout),
    ScopeCheck("leads:payout_edit", town_b_payout),
    ScopeCheck("leads:payout_verify", town_b_payout, method="post"),
    ScopeCheck("leads:payout_return", town_b_payout, method="post"),
]


def reward_rule(personas):
    from zhaoshang.leads.tests.factories import production_rule

    return {"pk": production_rule().pk}


# The bureau's reward rules are read by every business user (the terms units are paid by).
SHARED_CHECKS = [ScopeCheck("leads:rule_detail", reward_rule)]
# Changed by the bureau alone (test_referrals.py).
ADMIN_ONLY_URLS = ["leads:rule_edit", "leads:rule_delete"]
