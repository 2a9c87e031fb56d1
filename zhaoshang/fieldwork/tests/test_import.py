"""The 外出招商台账 import: the sample ledger parsed against values worked out by hand,
the same trip on several rows, the pages and the command, all-or-nothing, re-import."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus, VisitResult
from zhaoshang.fieldwork.import_specs import TRIPS, parse_dates
from zhaoshang.fieldwork.models import Trip, TripUnit, TripVisit
from zhaoshang.fieldwork.tests.ledger import sample_ledger
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.pipeline import commit_import, preview_import
from zhaoshang.imports.spec import ImportRefused

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("cell", "year", "expected"),
    [
        ("2026.3.5", None, (D(2026, 3, 5), None)),
        ("2026年3月5日", None, (D(2026, 3, 5), None)),
        ("3月5日-3月7日", 2026, (D(2026, 3, 5), D(2026, 3, 7))),
        ("3月5日—7日", 2026, (D(2026, 3, 5), D(2026, 3, 7))),
        ("2026.3.5-3.7", None, (D(2026, 3, 5), D(2026, 3, 7))),
        ("2026.3.5至2026.3.8", None, (D(2026, 3, 5), D(2026, 3, 8))),
        ("12月30日-1月2日", 2025, (D(2025, 12, 30), D(2026, 1, 2))),
        (D(2026, 3, 5), None, (D(2026, 3, 5), None)),
    ],
)
def test_date_spellings(cell, year, expected):
    assert parse_dates(cell, year) == expected


def test_a_date_without_a_year_and_no_year_in_the_title_is_refused():
    from zhaoshang.core.parsing import ParseError

    with pytest.raises(ParseError, match="没有年份"):
        parse_dates("3月5日", None)


def test_the_sample_ledger_parses_to_the_values_worked_out_by_hand(personas):
    preview = preview_import(
        TRIPS, personas.officer_a, sample_ledger(), "城关镇外出台账.xlsx", personas.town_a, store=False
    )
    rows = preview.rows
    # Rows 4–8 of the sheet (title, 填报单位, header above); 合计 and 填报人 left out.
    assert [row.number for row in rows] == [4, 5, 6, 7, 8]
    assert not preview.error_rows
    by = {row.number: row.values for row in rows}
    assert (by[4]["departure_on"], by[4]["return_on"]) == (D(2026, 3, 5), None)
    assert (by[6]["departure_on"], by[6]["return_on"]) == (D(2026, 3, 12), D(2026, 3, 14))  # year from the title
    assert (by[7]["departure_on"], by[8]["departure_on"], by[8]["return_on"]) == (
        D(2026, 3, 20),
        D(2026, 4, 1),
        D(2026, 4, 3),
    )
    assert [(by[n]["leader_name"], by[n]["leader_title"], by[n]["leader_level"]) for n in (4, 6, 7, 8)] == [
        ("张三", "副县长", LeaderLevel.SENIOR),
        ("李四", "镇长", LeaderLevel.UNIT_HEAD),
        ("王五", "副镇长", LeaderLevel.OTHER),
        ("赵六", "镇党委书记", LeaderLevel.UNIT_HEAD),
    ]
    # 城关镇人民政府 is town A's alias; the empty 组织单位 of row 6 is the importing unit.
    assert {row.organiser_id for row in rows} == {personas.town_a.pk}
    assert rows[0].accompanying_ids == [personas.town_b.pk]
    assert any("县商务局" in note and "不参与统计" in note for note in rows[0].notes)
    # Rows 4 and 5: the same leader, departure and destination — one trip; the preview says so.
    assert (
        "第4、5行为同一次外出（2条拜访记录）" in rows[0].notes
        and "第4、5行为同一次外出（2条拜访记录）" in rows[1].notes
    )
    assert not any("同一次外出" in note for row in rows[2:] for note in row.notes)
    assert TRIPS.summary(preview) == {"new_trips": 4, "new_visits": 5}
    assert by[4]["result"] == VisitResult.LEAD and by[5]["result"] == VisitResult.FOLLOW_UP


def test_commit_makes_four_trips_and_five_visits_and_a_reimport_changes_nothing(personas):
    user = personas.officer_a
    preview = preview_import(TRIPS, user, sample_ledger(), "台账.xlsx", personas.town_a)
    commit_import(TRIPS, user, preview.batch)
    assert Trip.objects.count() == 4 and TripVisit.objects.count() == 5
    shenzhen = Trip.objects.get(leader_name="张三")
    assert shenzhen.visits.count() == 2 and shenzhen.leader_level == LeaderLevel.SENIOR
    assert list(TripUnit.objects.filter(trip=shenzhen).values_list("unit", flat=True)) == [personas.town_b.pk]
    assert "其他随行：县商务局" in shenzhen.remarks
    assert Trip.objects.get(leader_name="赵六").status == TripStatus.DONE
    again = preview_import(TRIPS, user, sample_ledger(), "台账.xlsx", personas.town_a)
    assert [row.action for row in again.rows] == ["unchanged"] * 5
    commit_import(TRIPS, user, again.batch)
    assert Trip.objects.count() == 4 and TripVisit.objects.count() == 5


def test_a_new_visit_of_a_stored_trip_is_added_to_it(personas):
    user = personas.officer_a
    commit_import(TRIPS, user, preview_import(TRIPS, user, sample_ledger(), "a.xlsx", personas.town_a).batch)
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(sample_ledger()))
    book.active.insert_rows(6)
    for column, value in enumerate(
        [2, "2026.3.5", "张三（副县长）", "城关镇", "", "深圳", "深圳比亚迪电池有限公司"], 1
    ):
        book.active.cell(row=6, column=column, value=value)
    data = io.BytesIO()
    book.save(data)
    preview = preview_import(TRIPS, user, data.getvalue(), "b.xlsx", personas.town_a)
    assert [row.action for row in preview.rows].count("update") == 1
    commit_import(TRIPS, user, preview.batch)
    assert Trip.objects.count() == 4 and Trip.objects.get(leader_name="张三").visits.count() == 3


def test_a_bad_row_refuses_the_whole_file(personas):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(sample_ledger()))
    book.active.cell(row=7, column=2, value="三月中旬")
    book.active.cell(row=8, column=4, value="不存在的镇")
    data = io.BytesIO()
    book.save(data)
    preview = preview_import(TRIPS, personas.officer_a, data.getvalue(), "bad.xlsx", personas.town_a)
    messages = preview.messages()
    assert "第7行 外出时间：无法识别的日期「三月中旬」" in messages
    assert any(m.startswith("第8行 组织单位：组织单位「不存在的镇」不是城关镇或其下级单位") for m in messages)
    with pytest.raises(ImportRefused):
        commit_import(TRIPS, personas.officer_a, preview.batch)
    assert not Trip.objects.exists() and not TripVisit.objects.exists()


def test_the_generic_pages_import_the_ledger_and_town_b_cannot_import_for_town_a(personas, client_for):
    client = client_for(personas.officer_a)
    upload = reverse("imports:upload", args=["trips"])
    assert "导入外出招商台账" in client.get(upload).content.decode()
    response = client.post(
        upload, {"file": SimpleUploadedFile("台账.xlsx", sample_ledger()), "unit": personas.town_a.pk}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:preview", args=["trips", batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "第4、5行为同一次外出" in page and "张三" in page
    client.post(reverse("imports:commit", args=["trips", batch.pk]))
    assert Trip.objects.count() == 4
    other = client_for(personas.officer_b)
    response = other.post(
        upload, {"file": SimpleUploadedFile("台账.xlsx", sample_ledger()), "unit": personas.town_a.pk}
    )
    assert Trip.objects.count() == 4
    assert response.status_code in (200, 403, 404)


def test_the_command_dry_runs_then_imports(personas, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(sample_ledger())
    out = StringIO()
    call_command("import_trips", str(path), "--unit", "SFX-CG", "--dry-run", stdout=out)
    assert "共 5 行，4 次新外出" in out.getvalue() and "第4、5行为同一次外出" in out.getvalue()
    assert not Trip.objects.exists()
    call_command("import_trips", str(path), "--unit", "SFX-CG", stdout=StringIO())
    assert Trip.objects.count() == 4
    with pytest.raises(CommandError, match="单位编码不存在"):
        call_command("import_trips", str(path), "--unit", "NOPE", stdout=StringIO())
