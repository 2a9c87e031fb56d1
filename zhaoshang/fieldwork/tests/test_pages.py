"""外出招商 pages by persona: who sees a trip, who records it, what a bad entry gets."""

import datetime

import pytest
from django.urls import reverse

from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus
from zhaoshang.fieldwork.models import Trip, TripUnit, TripVisit
from zhaoshang.fieldwork.tests.factories import trip

pytestmark = pytest.mark.django_db


def test_town_b_sees_neither_the_list_row_nor_the_page_of_town_as_trip(personas, client_for):
    mine = trip(personas.town_a, leader="李四", title="镇长", destination="苏州")
    client = client_for(personas.officer_b)
    listed = client.get(reverse("fieldwork:trip_list"))
    assert listed.status_code == 200
    assert "李四" not in listed.content.decode()
    for name in ("fieldwork:trip_detail", "fieldwork:trip_edit", "fieldwork:trip_delete", "fieldwork:visit_add"):
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404
    assert client.post(reverse("fieldwork:trip_delete", args=[mine.pk])).status_code == 404
    assert Trip.objects.filter(pk=mine.pk).exists()


def test_a_town_that_went_along_reads_the_trip_but_only_the_organiser_changes_it(personas, client_for):
    shared = trip(personas.town_a, leader="张三", title="副县长", along=[personas.town_b])
    client = client_for(personas.officer_b)
    page = client.get(reverse("fieldwork:trip_detail", args=[shared.pk]))
    assert page.status_code == 200
    assert "城关镇" in page.content.decode() and "河口镇" in page.content.decode()
    assert "张三" in client.get(reverse("fieldwork:trip_list")).content.decode()
    assert client.get(reverse("fieldwork:trip_edit", args=[shared.pk])).status_code == 404
    assert client.get(reverse("fieldwork:visit_add", args=[shared.pk])).status_code == 404
    # The county above both, the bureau and the leaders read it.
    for user in (personas.county_officer, personas.bureau, personas.leader):
        assert client_for(user).get(reverse("fieldwork:trip_detail", args=[shared.pk])).status_code == 200
    for user in (personas.sysadmin, personas.auditor):
        assert client_for(user).get(reverse("fieldwork:trip_detail", args=[shared.pk])).status_code == 404


def test_an_officer_records_a_trip_and_the_level_is_read_from_the_title(personas, client_for):
    client = client_for(personas.officer_a)
    form = client.get(reverse("fieldwork:trip_create"))
    token = form.context["form"].initial["token"]
    response = client.post(
        reverse("fieldwork:trip_create"),
        {
            "token": token,
            "departure_on": "2026-03-05",
            "return_on": "2026-03-07",
            "status": TripStatus.DONE,
            "leader_name": "张三",
            "leader_title": "常务副县长",
            "organiser": personas.town_a.pk,
            "accompanying": [personas.town_b.pk],
            "destination_text": "深圳、东莞",
            "purpose": "电子信息产业招商",
        },
    )
    assert response.status_code == 302, response.content.decode()
    saved = Trip.objects.get()
    assert saved.leader_level == LeaderLevel.SENIOR and not saved.level_given
    assert list(TripUnit.objects.filter(trip=saved).values_list("unit", flat=True)) == [personas.town_b.pk]
    page = client.get(response.url).content.decode()
    assert "县级领导及以上（按职务识别）" in page


def test_a_given_level_wins_over_the_title(personas, client_for):
    client = client_for(personas.officer_a)
    client.post(
        reverse("fieldwork:trip_create"),
        {
            "departure_on": "2026-03-05",
            "status": TripStatus.DONE,
            "leader_name": "王五",
            "leader_title": "招商专员",
            "level_given": "on",
            "leader_level": LeaderLevel.UNIT_HEAD,
            "organiser": personas.town_a.pk,
            "destination_text": "杭州",
        },
    )
    assert Trip.objects.get().leader_level == LeaderLevel.UNIT_HEAD


def test_bad_entries_are_refused_in_chinese_and_nothing_is_saved(personas, client_for):
    client = client_for(personas.officer_a)
    response = client.post(
        reverse("fieldwork:trip_create"),
        {
            "departure_on": "2026-03-05",
            "return_on": "2026-03-01",
            "status": TripStatus.DONE,
            "leader_name": "张三",
            "organiser": personas.town_b.pk,  # another town's: not offered, refused
            "destination_text": "深圳",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "所选的组织单位已不存在或不在可选范围内" in page
    response = client.post(
        reverse("fieldwork:trip_create"),
        {
            "departure_on": "2026-03-05",
            "return_on": "2026-03-01",
            "status": TripStatus.DONE,
            "leader_name": "张三",
            "organiser": personas.town_a.pk,
            "destination_text": "深圳",
        },
    )
    assert "返回日期不能早于出发日期" in response.content.decode()
    assert not Trip.objects.exists()


def test_visits_are_recorded_on_the_trip_and_shown_on_its_page(personas, client_for):
    from zhaoshang.projects.tests.factories import company

    known = company(name="深圳市华芯电子有限公司", unit=personas.town_a)
    mine = trip(personas.town_a, back=datetime.date(2026, 3, 7))
    client = client_for(personas.officer_a)
    url = reverse("fieldwork:visit_add", args=[mine.pk])
    response = client.post(
        url, {"visited_name": "深圳市华芯电子有限公司", "date": "2026-03-06", "notes": "洽谈扩产", "result": "lead"}
    )
    assert response.status_code == 302
    visit = TripVisit.objects.get()
    assert visit.company == known
    response = client.post(url, {"visited_name": "深圳市电子商会", "date": "2026-03-09", "result": "none"})
    assert "拜访日期应在出发与返回日期之间" in response.content.decode()
    response = client.post(url, {"visited_name": "深圳市电子商会", "project_code": "NO-SUCH", "result": "none"})
    assert "未找到编号为「NO-SUCH」的项目" in response.content.decode()
    assert TripVisit.objects.count() == 1
    page = client.get(reverse("fieldwork:trip_detail", args=[mine.pk])).content.decode()
    assert "深圳市华芯电子有限公司" in page and "洽谈扩产" in page and "获得项目线索" in page


def test_the_list_filters_by_unit_year_level_and_status(personas, client_for):
    trip(personas.town_a, leader="甲", title="副县长")
    trip(personas.town_a, leader="乙", title="镇长", on=datetime.date(2025, 5, 1))
    trip(personas.town_b, leader="丙", title="科长", status=TripStatus.CANCELLED, along=[personas.town_a])
    client = client_for(personas.bureau)
    url = reverse("fieldwork:trip_list")

    def names(**query):
        page = client.get(url, query).content.decode()
        return {name for name in "甲乙丙" if f">{name}" in page}

    assert names() == set("甲乙丙")
    assert names(year="2025") == {"乙"}
    assert names(level=LeaderLevel.SENIOR) == {"甲"}
    assert names(status=TripStatus.CANCELLED) == {"丙"}
    assert names(unit=personas.town_b.pk) == {"丙"}
    assert names(unit=personas.town_a.pk) == set("甲乙丙")


def test_delete_asks_first_and_takes_the_visits_with_it(personas, client_for):
    mine = trip(personas.town_a)
    TripVisit.objects.create(trip=mine, visited_name="某商会")
    client = client_for(personas.officer_a)
    url = reverse("fieldwork:trip_delete", args=[mine.pk])
    assert "删除" in client.get(url).content.decode()
    assert Trip.objects.exists()
    client.post(url)
    assert not Trip.objects.exists() and not TripVisit.objects.exists()


def test_only_the_bureau_edits_the_title_table(personas, client_for):
    assert client_for(personas.officer_a).get(reverse("fieldwork:title_create")).status_code == 404
    client = client_for(personas.bureau)
    response = client.post(reverse("fieldwork:title_create"), {"title": "招商专员", "level": LeaderLevel.UNIT_HEAD})
    assert response.status_code == 302
    from zhaoshang.fieldwork.services import level_for_title

    assert level_for_title("招商专员") == LeaderLevel.UNIT_HEAD
