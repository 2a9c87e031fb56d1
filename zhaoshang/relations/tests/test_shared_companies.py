"""One rule for shared companies: every unit links its projects to an existing company,
only the unit that entered it (and the units above it) and the bureau change its name,
credit code and contacts — through the project form and the ledger import alike."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core.validators import uscc_check_character
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.tests.test_formats import xlsx
from zhaoshang.notifications.models import Notification
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import company
from zhaoshang.projects.tests.test_views import form_data
from zhaoshang.relations.models import Company, Contact

pytestmark = pytest.mark.django_db

FIRST17 = "91440300MA5F1234X"
USCC = FIRST17 + uscc_check_character(FIRST17)
PHONE = "13812345678"
HEADER = ["项目名称", "投资方", "统一社会信用代码", "总投资（万元）", "项目进展", "责任单位", "联系人", "联系电话"]


def project_form(personas, **overrides):
    return form_data(personas, **{"investor_name": "河口镇录入的企业有限公司", "token": "tok-shared", **overrides})


def town_b_company(personas, **fields):
    firm = company(name="河口镇录入的企业有限公司", unit=personas.town_b, **fields)
    Contact.objects.create(company=firm, name="王总", phone=PHONE, keeping_unit=firm.created_by_unit)
    return firm


# --- the project form ------------------------------------------------------------------


def test_an_officer_naming_another_towns_company_links_it_without_writing_its_credit_code(personas, client):
    firm = town_b_company(personas)
    client.force_login(personas.officer_a)
    response = client.post(reverse("projects:create"), project_form(personas, investor_uscc=USCC), follow=True)
    assert Project.objects.get().investor == firm
    firm.refresh_from_db()
    assert firm.uscc is None
    assert "由其他单位维护，填写的统一社会信用代码未写入该企业" in response.content.decode()
    (proposal,) = Notification.objects.filter(recipient=personas.officer_b)
    assert proposal.title == f"城关镇建议更新企业「{firm.name}」的统一社会信用代码 {USCC}"
    assert proposal.url == reverse("relations:company_detail", args=[firm.pk])


def test_the_owning_town_fills_in_its_own_companys_credit_code_from_the_project_form(personas, client):
    firm = town_b_company(personas)
    client.force_login(personas.officer_b)
    client.post(
        reverse("projects:create"), project_form(personas, investor_uscc=USCC, responsible_unit=personas.town_b.pk)
    )
    firm.refresh_from_db()
    assert firm.uscc == USCC


def test_the_county_above_the_owning_town_and_the_bureau_maintain_it_too(personas):
    from zhaoshang.relations.services import investor_for

    for user in (personas.county_officer, personas.bureau):
        firm = town_b_company(personas)
        link = investor_for(user, firm.name, USCC, personas.county)
        firm.refresh_from_db()
        assert link.company == firm and firm.uscc == USCC and link.notes == []
        firm.delete()


def test_an_officer_naming_an_existing_company_by_credit_code_links_it_and_never_renames_it(personas, client):
    firm = town_b_company(personas, uscc=USCC)
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("projects:create"),
        project_form(personas, investor_name="城关镇改的名字有限公司", investor_uscc=USCC),
        follow=True,
    )
    assert Project.objects.get().investor == firm
    firm.refresh_from_db()
    assert firm.name == "河口镇录入的企业有限公司"
    assert Company.objects.count() == 1
    assert "项目已关联该企业，企业名称未改动" in response.content.decode()


# --- the ledger import -----------------------------------------------------------------


def upload(client, unit, rows):
    data = SimpleUploadedFile("台账.xlsx", xlsx(("台账", [HEADER, *rows])))
    response = client.post(reverse("imports:ledger_upload"), {"file": data, "unit": unit.pk})
    return ImportBatch.objects.latest("pk"), response


def test_an_import_naming_another_towns_contact_changes_nothing_and_the_preview_says_so(personas, client):
    firm = town_b_company(personas)
    client.force_login(personas.officer_a)
    batch, response = upload(
        client,
        personas.town_a,
        [
            ["锂电池项目", firm.name, USCC, "20000", "洽谈中", "城关镇", "王总", "13900000000"],
            ["电容器项目", firm.name, USCC, "8000", "洽谈中", "城关镇", "赵经理", "13700000000"],
        ],
    )
    preview = client.get(response["Location"]).content.decode()
    assert preview.count("联系人属于其他单位维护的企业，未修改") == 2
    assert preview.count("企业由其他单位维护，统一社会信用代码未写入该企业") == 2
    client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    assert Project.objects.filter(investor=firm).count() == 2
    firm.refresh_from_db()
    assert firm.uscc is None
    assert list(firm.contacts.values_list("name", "phone")) == [("王总", PHONE)]
    # What the import would have changed reaches town B as proposals, not as changes.
    proposals = sorted(Notification.objects.filter(recipient=personas.officer_b).values_list("title", flat=True))
    assert proposals == [
        f"城关镇建议更新企业「{firm.name}」的统一社会信用代码 {USCC}",
        f"城关镇建议更新企业「{firm.name}」的联系人「王总、赵经理」的信息",
    ]
    assert not Notification.objects.filter(recipient=personas.officer_a).exists()


def test_an_import_by_the_owning_town_updates_its_contacts(personas, client):
    firm = town_b_company(personas)
    client.force_login(personas.officer_b)
    batch, response = upload(
        client, personas.town_b, [["锂电池项目", firm.name, USCC, "20000", "洽谈中", "河口镇", "王总", "13900000000"]]
    )
    assert "联系人属于其他单位维护的企业" not in client.get(response["Location"]).content.decode()
    client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    firm.refresh_from_db()
    assert firm.uscc == USCC
    assert list(firm.contacts.values_list("name", "phone")) == [("王总", "13900000000")]


def test_an_import_creating_a_new_company_gives_it_its_contact(personas, client):
    client.force_login(personas.officer_a)
    batch, _ = upload(
        client,
        personas.town_a,
        [["锂电池项目", "城关镇新企业有限公司", "", "20000", "洽谈中", "城关镇", "李总", PHONE]],
    )
    client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    firm = Company.objects.get(name="城关镇新企业有限公司")
    assert firm.created_by_unit == personas.town_a
    assert list(firm.contacts.values_list("name", flat=True)) == ["李总"]


def test_one_new_firm_named_twice_in_a_file_once_with_its_code_is_one_company_with_that_code(personas):
    from zhaoshang.relations.services import companies_for

    found = companies_for(
        personas.officer_a, [("城关镇新企业有限公司", ""), ("城关镇新企业有限公司", USCC)], personas.town_a
    )
    assert len({company.pk for company in found.values()}) == 1
    assert Company.objects.get().uscc == USCC
