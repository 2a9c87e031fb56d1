"""Object URLs of the relations app, for the generic scope check (zhaoshang/testing.py).

Companies are a shared registry: every business user reads a company's page
(``SHARED_CHECKS``), but only the unit that entered it (or the bureau) edits it, manages
its contacts and reveals their phone numbers (``SCOPE_CHECKS``).
"""

from zhaoshang.testing import ScopeCheck


def town_b_company(personas):
    from zhaoshang.projects.tests.factories import company

    return company(name="河口镇录入的企业有限公司", unit=personas.town_b)


def town_b_contact(personas):
    from zhaoshang.relations.models import Contact

    return Contact.objects.create(company=town_b_company(personas), name="王经理", phone="13812345678")


SCOPE_CHECKS = [
    ScopeCheck("relations:company_edit", lambda p: {"pk": town_b_company(p).pk}),
    ScopeCheck("relations:contact_add", lambda p: {"pk": town_b_company(p).pk}),
    ScopeCheck("relations:contact_edit", lambda p: {"pk": town_b_contact(p).pk}),
    ScopeCheck("relations:contact_reveal", lambda p: {"pk": town_b_contact(p).pk}, method="post"),
]

SHARED_CHECKS = [
    ScopeCheck("relations:company_detail", lambda p: {"pk": town_b_company(p).pk}),
]
