"""查看完整信息 on a contact's page: one field, with a stated purpose, and only then."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reveal_asks_the_purpose_shows_one_full_number_and_is_audited(page, personas):
    from zhaoshang.core.choices import AuditAction
    from zhaoshang.core.models import AuditLog
    from zhaoshang.relations.models import Company, Contact

    firm = Company.objects.create(name="城关镇录入的企业有限公司", created_by_unit=personas.town_a)
    contact = Contact.objects.create(
        company=firm, name="李总", phone="13812345678", wechat="lizong_88", keeping_unit=personas.town_a
    )
    Contact.objects.create(company=firm, name="王经理", phone="13987654321", keeping_unit=personas.town_a)
    sign_in(page, "officer_a", personas.password)
    page.goto(f"{page.base_url}/companies/{firm.pk}/")
    contacts = page.locator("[data-testid=contacts]")
    assert "138****5678" in contacts.inner_text() and "13812345678" not in page.content()
    page.locator("[data-testid=contacts] >> text=李总").click()
    page.locator("[data-testid=personal] >> text=查看完整信息").first.click()
    page.locator("button:has-text('查看')").click()
    assert "请填写查看目的" in page.content() and "13812345678" not in page.content()
    page.fill("input[name=purpose]", "约定下周走访时间")
    page.locator("button:has-text('查看')").click()
    page.wait_for_selector("[data-testid=revealed]")
    assert "13812345678" in page.locator("[data-testid=revealed]").inner_text()
    assert "lizong_88" not in page.content() and "13987654321" not in page.content()
    log = AuditLog.objects.get(action=AuditAction.REVEAL, object_id=str(contact.pk))
    assert log.changes["purpose"] == "约定下周走访时间"
    assert page.problems.errors == []
