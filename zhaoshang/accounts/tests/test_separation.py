"""三权分立: business roles never see the system admin's or the auditor's accounts."""

import pytest
from django.urls import reverse

from zhaoshang.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["leader", "bureau"])
def test_business_roles_do_not_see_the_admin_or_the_auditor_accounts(personas, client_for, persona):
    client = client_for(getattr(personas, persona))
    content = client.get(reverse("accounts:user_list")).content.decode()
    for account in (personas.sysadmin, personas.auditor):
        assert reverse("accounts:user_detail", args=[account.pk]) not in content
        assert client.get(reverse("accounts:user_detail", args=[account.pk])).status_code == 404


def test_a_leader_still_sees_the_business_accounts(personas):
    visible = set(User.objects.restrict(personas.leader).values_list("username", flat=True))
    assert {"officer_a", "bureau", "leader"} <= visible
    assert not visible & {"sysadmin", "auditor"}


def test_the_system_admin_still_manages_every_account(personas):
    visible = set(User.objects.restrict(personas.sysadmin).values_list("username", flat=True))
    assert {"sysadmin", "auditor", "leader", "officer_a"} <= visible


def test_the_account_list_offers_no_export(personas, client_for):
    client = client_for(personas.bureau)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "export=xlsx" not in page
    response = client.get(reverse("accounts:user_list"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
