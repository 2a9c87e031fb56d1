"""Nothing typed is lost: a refused stage claim or follow-up comes back with every field
as typed and each error beside its field; numbers are read as clerks type them."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core.forms import TypedDecimalField
from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.projects.tests.test_views import form_data

pytestmark = pytest.mark.django_db
TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()


def test_a_refused_stage_claim_keeps_what_was_typed_and_says_which_file_to_choose_again(personas, client):
    p = project(personas.officer_a, personas.town_a, investor=company())
    client.force_login(personas.officer_a)
    pdf = SimpleUploadedFile("签约协议.pdf", b"%PDF-1.4 deal", content_type="application/pdf")
    response = client.post(
        reverse("projects:advance", args=[p.pk]),
        {"stage": "signed", "date": TOMORROW, "amount": "1,200", "note": "市长见证签约", "evidence": pdf},
    )
    assert response.status_code == 200
    form = response.context["claim_form"]
    assert form.errors["date"] == ["日期不能晚于今天。"]  # beside the date, not in a banner
    page = response.content.decode()
    assert 'value="1,200"' in page and "市长见证签约" in page and f'value="{TOMORROW}"' in page
    assert "请重新选择文件「签约协议.pdf」" in page
    assert p.events.count() == 0


def test_a_refused_follow_up_keeps_every_field(personas, client):
    p = project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_a)
    data = {
        "date": "2024-05-10",
        "kind": "visit",
        "participants": "张镇长、李主任",
        "content": "赴深圳洽谈二期用地",
        "next_step": "报送用地预审",
        "next_contact_on": "2024-05-01",  # before the meeting itself
    }
    response = client.post(reverse("projects:follow_up_add", args=[p.pk]), data)
    assert response.status_code == 200
    form = response.context["follow_up_form"]
    assert form.errors["next_contact_on"] == ["下次联系日期不能早于本次洽谈日期。"]
    page = response.content.decode()
    for typed in ("张镇长、李主任", "赴深圳洽谈二期用地", "报送用地预审", 'value="2024-05-10"'):
        assert typed in page
    assert FollowUp.objects.count() == 0


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1,200", "1200"),
        ("１２００", "1200"),
        ("1，200.5", "1200.5"),
        (" 12 500 ", "12500"),
        ("１２，５００．２５", "12500.25"),
    ],
)
def test_numbers_are_read_like_the_importer_reads_them(typed, expected):
    assert TypedDecimalField(max_digits=18, decimal_places=4).clean(typed) == Decimal(expected)


def test_a_number_that_is_not_one_is_refused_in_chinese():
    field = TypedDecimalField(max_digits=18, decimal_places=4)
    with pytest.raises(Exception) as error:
        field.clean("一千二")
    assert "请输入数字，例如 1200 或 1,200。" in str(error.value)


def test_the_project_form_and_a_stage_claim_accept_thousands_separators(personas, client):
    client.force_login(personas.officer_a)
    client.post(reverse("projects:create"), form_data(personas, total_investment="５０，０００", token="sep-1"))
    p = Project.objects.get()
    assert p.total_investment == Decimal("50000")
    client.post(
        reverse("projects:advance", args=[p.pk]), {"stage": "signed", "date": "2024-05-01", "amount": "60,000.5"}
    )
    assert p.events.get(stage="signed").amount == Decimal("60000.5")


def test_a_tranche_accepts_thousands_separators(personas, client):
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.tests.test_views import form_data as tranche_data

    p = project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_a)
    client.post(reverse("funds:create", args=[p.pk]), tranche_data(amount="1,000.5"))
    assert FundsTranche.objects.get().amount == Decimal("1000.5")
