"""The 显示 button on a company page: the full number arrives by htmx, and only then."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reveal_button_shows_one_full_number_and_is_audited(page, personas):
    from zhaoshang.core.choices import AuditAction
    from zhaoshang.core.models import AuditLog
    from zhaoshang.relations.models import Company, Contact

    firm = Company.objects.create(name="城关镇录入的企业有限公司", created_by_unit=personas.town_a)
    contact = Contact.objects.create(company=firm, name="李总", phone="13812345678")
    Contact.objects.create(company=firm, name="王经理", phone="13987654321")
    sign_in(page, "officer_a", personas.password)
    page.goto(f"{page.base_url}/companies/{firm.pk}/")
    contacts = page.locator("[data-testid=contacts]")
    assert "138****5678" in contacts.inner_text() and "13812345678" not in page.content()
    page.locator(f"#phone-{contact.pk} >> text=显示").click()
    page.wait_for_selector("[data-testid=phone-full]")
    assert "13812345678" in contacts.inner_text()
    assert "13987654321" not in page.content() and "139****4321" in contacts.inner_text()
    assert AuditLog.objects.filter(action=AuditAction.REVEAL, object_id=str(contact.pk)).count() == 1
    assert page.problems.errors == []
