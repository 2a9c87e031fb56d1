"""Object URLs of the relations app, for the generic scope check (zhaoshang/testing.py).

Companies are a shared registry: every business user reads a company's page
(``SHARED_CHECKS``), but only the unit that entered it (or the bureau) edits it. Contacts
are their keeping unit's own (``SCOPE_CHECKS``): another town gets 404 from every contact
URL, including the reveal, the export and the erasure on request.
"""

from zhaoshang.testing import ScopeCheck


def town_b_company(personas):
    from zhaoshang.projects.tests.factories import company

    return company(name="河口镇录入的企业有限公司", unit=personas.town_b)


def town_b_contact(personas):
    from zhaoshang.relations.models import Contact

    return Contact.objects.create(
        company=town_b_company(personas), name="王经理", phone="13812345678", keeping_unit=personas.town_b
    )


def town_b_interaction(personas):
    import datetime

    from zhaoshang.relations.models import Interaction

    return Interaction.objects.create(
        kind="visit",
        date=datetime.date(2024, 5, 6),
        unit=personas.town_b,
        company=town_b_company(personas),
        content="赴深圳拜访",
    )


def _interaction(p):
    return {"pk": town_b_interaction(p).pk}


def town_b_intermediary(personas):
    from zhaoshang.relations.models import Intermediary

    return Intermediary.objects.create(name="上海示范商会", kind="regional_chamber", created_by_unit=personas.town_b)


def town_b_agreement(personas):
    import datetime

    from zhaoshang.relations.models import PromotionAgreement

    return PromotionAgreement.objects.create(
        intermediary=town_b_intermediary(personas),
        unit=personas.town_b,
        title="委托上海示范商会招商",
        scope="电子信息",
        start_on=datetime.date(2024, 1, 1),
        end_on=datetime.date(2025, 12, 31),
    )


def _contact(p):
    return {"pk": town_b_contact(p).pk}


SCOPE_CHECKS = [
    ScopeCheck("relations:company_edit", lambda p: {"pk": town_b_company(p).pk}),
    ScopeCheck("relations:contact_detail", _contact),
    ScopeCheck("relations:contact_edit", _contact),
    ScopeCheck("relations:contact_reveal", _contact),
    ScopeCheck("relations:contact_reveal", _contact, method="post"),
    ScopeCheck("relations:contact_export", _contact),
    ScopeCheck("relations:contact_export", _contact, method="post"),
    ScopeCheck("relations:contact_erase", _contact),
    ScopeCheck("relations:contact_erase", _contact, method="post"),
    ScopeCheck("relations:interaction_detail", _interaction),
    ScopeCheck("relations:interaction_edit", _interaction),
    ScopeCheck("relations:interaction_delete", _interaction),
    ScopeCheck("relations:intermediary_edit", lambda p: {"pk": town_b_intermediary(p).pk}),
    ScopeCheck("relations:agreement_edit", lambda p: {"pk": town_b_agreement(p).pk}),
]

SHARED_CHECKS = [
    ScopeCheck("relations:company_detail", lambda p: {"pk": town_b_company(p).pk}),
    # Companies are shared: anyone who reads one may keep their own contact there.
    ScopeCheck("relations:contact_add", lambda p: {"pk": town_b_company(p).pk}, shared_with=("officer_a", "bureau")),
    ScopeCheck("relations:intermediary_detail", lambda p: {"pk": town_b_intermediary(p).pk}),
    ScopeCheck(
        "relations:agreement_add", lambda p: {"pk": town_b_intermediary(p).pk}, shared_with=("officer_a", "bureau")
    ),
]

# The bureau's alone: merging two records of one firm (relations/tests/test_merge.py).
ADMIN_ONLY_URLS = ["relations:company_merge"]
