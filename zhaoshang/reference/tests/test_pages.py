"""The reference pages: everyone reads, only the administrator and the bureau edit holidays."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhaoshang.reference.models import CalendarYear, Holiday

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_reference", only="industries,holidays", verbosity=0)


def test_the_bureau_adds_the_next_years_days(personas, client, loaded):
    client.force_login(personas.bureau)
    client.post(reverse("reference:calendar_year_add"), {"year": 2027, "source": "国办发明电〔2026〕X号"})
    response = client.post(
        reverse("reference:holiday_save"), {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}, follow=True
    )
    assert "已保存" in response.content.decode()
    assert Holiday.objects.get(date=datetime.date(2027, 1, 1)).name == "元旦"


def test_a_weekday_make_up_workday_is_refused_in_chinese(personas, client, loaded):
    client.force_login(personas.sysadmin)
    response = client.post(reverse("reference:holiday_save"), {"date": "2026-03-03", "kind": "workday"}, follow=True)
    assert "调休上班日应为周六或周日" in response.content.decode()
    assert not Holiday.objects.filter(date=datetime.date(2026, 3, 3)).exists()


def test_a_day_in_an_unknown_year_asks_for_the_year_first(personas, client, loaded):
    client.force_login(personas.bureau)
    response = client.post(reverse("reference:holiday_save"), {"date": "2030-01-01", "kind": "holiday"}, follow=True)
    assert "请先添加2030年度" in response.content.decode()


@pytest.mark.parametrize("persona", ["officer_a", "leader", "auditor"])
def test_others_cannot_change_the_calendar(personas, client, loaded, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(reverse("reference:holiday_save"), {"date": "2026-03-07", "kind": "workday"})
    assert response.status_code == 404
    response = client.post(reverse("reference:holiday_delete", args=["2026-01-01"]))
    assert response.status_code == 404
    assert Holiday.objects.filter(date=datetime.date(2026, 1, 1)).exists()
    assert not CalendarYear.objects.filter(year=2099).exists()


def test_the_holiday_page_lists_the_year(personas, client, loaded):
    client.force_login(personas.officer_a)
    content = client.get(reverse("reference:holiday_list") + "?year=2026").content.decode()
    assert "2026年10月1日" in content and "国庆节" in content
    assert "删除" not in content


def test_the_auditor_sees_no_reference_pages(personas, client, loaded):
    client.force_login(personas.auditor)
    assert client.get(reverse("reference:industry_list")).status_code == 404


def test_divisions_can_be_searched_and_browsed(personas, client):
    call_command("load_reference", only="divisions", verbosity=0)
    client.force_login(personas.leader)
    assert "东城区" in client.get(reverse("reference:division_list") + "?q=东城").content.decode()
    assert "东华门街道" in client.get(reverse("reference:division_list") + "?parent=110101").content.decode()
    assert "北京市" in client.get(reverse("reference:division_list")).content.decode()


def test_industries_show_sectors(personas, client, loaded):
    client.force_login(personas.officer_a)
    content = client.get(reverse("reference:industry_list")).content.decode()
    assert "计算机、通信和其他电子设备制造业" in content and "第三产业" in content


def test_the_holiday_forms_date_is_prefilled_in_the_form_a_date_picker_accepts(personas, client, loaded):
    """<input type="date"> takes only 2026-01-01; the locale's 2026/01/01 shows an empty box."""
    client.force_login(personas.bureau)
    content = client.get(reverse("reference:holiday_list") + "?year=2026").content.decode()
    assert 'type="date" name="date" value="2026-01-01"' in content


def test_every_date_input_of_the_product_renders_iso_dates():
    from zhaoshang.core.forms import date_picker

    assert date_picker().format_value(datetime.date(2026, 3, 7)) == "2026-03-07"


def test_deleting_a_day_asks_first_and_goes_back_to_its_year(personas, client, loaded):
    client.force_login(personas.bureau)
    url = reverse("reference:holiday_delete", args=["2026-10-01"])
    asked = client.get(url).content.decode()
    assert "确认删除" in asked and "2026-10-01" in asked
    assert Holiday.objects.filter(date=datetime.date(2026, 10, 1)).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("?year=2026")
    assert not Holiday.objects.filter(date=datetime.date(2026, 10, 1)).exists()
    assert client.get(reverse("reference:holiday_delete", args=["2026-13-01"])).status_code == 404


def test_the_year_exports_as_dates(personas, client, loaded):
    import io

    import openpyxl

    client.force_login(personas.officer_a)
    response = client.get(reverse("reference:holiday_list"), {"year": "2026", "export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("日期", "星期", "类型", "名称")
    assert all(isinstance(row[0], datetime.datetime) and row[0].year == 2026 for row in rows[1:])
