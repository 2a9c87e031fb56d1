"""The targets pages by persona: the bureau edits the grid, a county officer distributes
its own target to its towns, a town sees only itself, the leader reads; the grid's export
imports back to the same targets."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.imports.models import ImportBatch
from zhaoshang.stats.choices import Indicator
from zhaoshang.targets.models import Target
from zhaoshang.targets.services import set_target

pytestmark = pytest.mark.django_db
MONEY = Indicator.CONTRACTED_INVESTMENT
COUNT = Indicator.SIGNED_COUNT
YEAR = 2024


def cell(unit, indicator):
    return f"t-{unit.pk}-{indicator}"


def grid_url(**params):
    params = {"year": YEAR, "progress": "", **params}
    return reverse("targets:grid") + "?" + "&".join(f"{key}={value}" for key, value in params.items())


def stored(unit, indicator, year=YEAR):
    target = Target.objects.filter(year=year, unit=unit, indicator=indicator).first()
    return target.value if target else None


def test_the_bureau_saves_changed_cells_of_the_grid(personas, client):
    set_target(personas.bureau, YEAR, personas.town_b, MONEY, 500)
    client.force_login(personas.bureau)
    page = client.get(grid_url()).content.decode()
    assert f'name="{cell(personas.town_a, MONEY)}"' in page and "市投资促进局" in page
    response = client.post(
        grid_url(),
        {cell(personas.town_a, MONEY): "1,200.5", cell(personas.town_a, COUNT): "3", cell(personas.town_b, MONEY): ""},
    )
    assert response.status_code == 302
    assert stored(personas.town_a, MONEY) == Decimal("1200.5")
    assert stored(personas.town_a, COUNT) == 3
    assert stored(personas.town_b, MONEY) is None  # emptied: the target is withdrawn
    assert AuditLog.objects.filter(object_type="targets.target", action="create").count() == 3


def test_a_bad_cell_saves_nothing_and_is_named_on_its_row(personas, client):
    client.force_login(personas.bureau)
    response = client.post(
        grid_url(),
        {
            cell(personas.town_a, MONEY): "1000",
            cell(personas.town_b, COUNT): "2.5",
            cell(personas.county, MONEY): "abc",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "有 2 处填写有误，未保存任何修改" in page
    assert "签约项目数：「签约项目数」以个计，应为整数。" in page
    assert "协议引资额：无法识别的金额「abc」" in page
    assert 'value="abc"' in page  # what the user typed is kept to correct
    assert Target.objects.count() == 0


def test_a_town_officer_sees_only_their_town_and_cannot_set_targets(personas, client):
    set_target(personas.bureau, YEAR, personas.town_a, MONEY, 800)
    set_target(personas.bureau, YEAR, personas.town_b, MONEY, 900)
    client.force_login(personas.officer_a)
    page = client.get(grid_url()).content.decode()
    assert "城关镇" in page and "河口镇" not in page and "示范县" not in page
    assert ">800<" in page and ">900<" not in page
    assert 'name="t-' not in page  # read only
    assert client.post(grid_url(), {cell(personas.town_a, MONEY): "1"}).status_code == 403
    assert stored(personas.town_a, MONEY) == 800


def test_the_leader_reads_the_grid_but_does_not_edit(personas, client):
    set_target(personas.bureau, YEAR, personas.town_b, MONEY, 900)
    client.force_login(personas.leader)
    page = client.get(grid_url()).content.decode()
    assert ">900<" in page and 'name="t-' not in page
    assert client.post(grid_url(), {cell(personas.town_b, MONEY): "1"}).status_code == 403


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_no_target_pages_for_the_system_admin_and_auditor(personas, client, persona):
    client.force_login(getattr(personas, persona))
    for url in (
        grid_url(),
        reverse("targets:export"),
        reverse("targets:import"),
        reverse("targets:distribute", args=[personas.county.pk]),
    ):
        assert client.get(url).status_code == 404


def distribute(client, parent, parts, indicator=MONEY, **extra):
    data = {"year": YEAR, "indicator": indicator, **{f"part-{unit.pk}": value for unit, value in parts.items()}}
    return client.post(reverse("targets:distribute", args=[parent.pk]), data | extra)


def test_a_county_officer_distributes_its_target_and_the_parts_must_add_up(personas, client):
    set_target(personas.bureau, YEAR, personas.county, MONEY, 1000)
    client.force_login(personas.county_officer)
    page = client.get(reverse("targets:distribute", args=[personas.county.pk]), {"year": YEAR, "indicator": MONEY})
    assert 'data-testid="parent-value">1000<' in page.content.decode()
    response = distribute(client, personas.county, {personas.town_a: "600", personas.town_b: "300"})
    assert response.status_code == 400
    assert "分解合计 900 与示范县的目标 1000 不一致（相差 100）" in response.content.decode()
    assert not Target.objects.filter(unit__parent=personas.county).exists()
    # Below the parent is allowed when the rest stays at 本级 on purpose.
    distribute(client, personas.county, {personas.town_a: "600", personas.town_b: "300"}, allow_remainder="1")
    assert stored(personas.town_b, MONEY) == 300
    distribute(client, personas.county, {personas.town_a: "600", personas.town_b: "400"})
    assert (stored(personas.town_a, MONEY), stored(personas.town_b, MONEY)) == (600, 400)
    assert stored(personas.county, MONEY) == 1000  # its own target is not theirs to change


def test_an_officer_cannot_distribute_above_their_unit_or_in_another_town(personas, client):
    set_target(personas.bureau, YEAR, personas.city, MONEY, 5000)
    client.force_login(personas.county_officer)
    assert client.get(reverse("targets:distribute", args=[personas.city.pk])).status_code == 404
    assert distribute(client, personas.city, {personas.county: "5000"}).status_code == 404
    client.force_login(personas.officer_b)
    assert client.get(reverse("targets:distribute", args=[personas.town_a.pk])).status_code == 404
    assert not Target.objects.filter(unit=personas.county).exists()


def test_the_leader_sees_a_distribution_but_cannot_save_it(personas, client):
    set_target(personas.bureau, YEAR, personas.county, MONEY, 1000)
    client.force_login(personas.leader)
    page = client.get(reverse("targets:distribute", args=[personas.county.pk]), {"year": YEAR, "indicator": MONEY})
    assert page.status_code == 200 and 'name="part-' not in page.content.decode()
    assert distribute(client, personas.county, {personas.town_a: "1000"}).status_code == 403


def test_the_grid_flags_parents_whose_children_do_not_add_up(personas, client):
    set_target(personas.bureau, YEAR, personas.county, MONEY, 1000)
    set_target(personas.bureau, YEAR, personas.town_a, MONEY, 600)
    set_target(personas.bureau, YEAR, personas.town_b, MONEY, 300)
    client.force_login(personas.bureau)
    page = client.get(grid_url()).content.decode()
    assert "有 1 处上级目标与下级目标合计不一致" in page
    assert "≠ 下级合计 900" in page and "相差 100" in page
    set_target(personas.bureau, YEAR, personas.town_b, MONEY, 400)
    assert "不一致" not in client.get(grid_url()).content.decode()


def test_the_grid_shows_completion_against_the_schedule(personas, client):
    import datetime

    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.services import record_tranche, verify_tranche
    from zhaoshang.projects.tests.factories import project

    p = project(personas.officer_a, personas.town_a, total="1000")
    verify_tranche(
        personas.bureau,
        record_tranche(
            personas.officer_a,
            FundsTranche(project=p, date=datetime.date(YEAR, 3, 1), amount=Decimal(300), source="outside_city"),
        ),
    )
    set_target(personas.bureau, YEAR, personas.town_a, Indicator.FUNDS_IN_PLACE, 400)
    client.force_login(personas.officer_a)
    page = client.get(grid_url(progress="on")).content.decode()
    assert "按2024年已审核数据计算" in page
    assert "完成 300（75.0%）" in page and "text-red" in page  # a past year: behind 100%


def test_the_export_imports_back_to_the_same_targets(personas, client):
    set_target(personas.bureau, YEAR, personas.town_a, MONEY, "12345.6789")
    set_target(personas.bureau, YEAR, personas.town_b, COUNT, 7)
    set_target(personas.bureau, YEAR, personas.county, Indicator.FOREIGN_FUNDS, "88.5")
    before = {(t.unit_id, t.indicator): t.value for t in Target.objects.all()}
    client.force_login(personas.bureau)
    exported = client.get(reverse("targets:export"), {"year": YEAR}).content
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    assert [c.value for c in sheet[1]][:4] == ["单位编码", "单位名称", "年度", "签约项目数（个）"]
    log = AuditLog.objects.get(action="export")
    assert "导出2024年目标任务" in log.detail and log.username == "bureau"

    Target.objects.all().delete()
    set_target(personas.bureau, YEAR, personas.town_b, COUNT, 9)  # changed since the export
    response = client.post(
        reverse("targets:import"), {"file": SimpleUploadedFile("目标.xlsx", exported), "year": YEAR + 1}
    )
    batch = ImportBatch.objects.get(kind="targets")
    assert response["Location"] == reverse("targets:import_preview", args=[batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-create">2<' in preview and 'data-testid="count-update">1<' in preview
    client.post(reverse("targets:import_commit", args=[batch.pk]))
    assert {(t.unit_id, t.indicator): t.value for t in Target.objects.all()} == before
    assert Target.objects.filter(year=YEAR + 1).count() == 0  # the sheet's 年度 column wins


def test_a_targets_sheet_with_an_unknown_unit_imports_nothing(personas, client):
    data = "单位,年度,指标,目标值（亿元）\n城关镇,2024,协议引资额,5\n火星镇,2024,协议引资额,1\n".encode()
    client.force_login(personas.bureau)
    client.post(reverse("targets:import"), {"file": SimpleUploadedFile("目标.csv", data), "year": YEAR})
    batch = ImportBatch.objects.get()
    page = client.get(reverse("targets:import_preview", args=[batch.pk])).content.decode()
    assert "第3行 单位：未知单位「火星镇」" in page and "50000" in page  # 5 亿元 → 50000 万元
    response = client.post(reverse("targets:import_commit", args=[batch.pk]))
    assert response.status_code == 400 and "未导入任何数据" in response.content.decode()
    assert Target.objects.count() == 0


def test_only_the_bureau_imports_targets(personas, client):
    for persona in (personas.county_officer, personas.leader):
        client.force_login(persona)
        assert client.get(reverse("targets:import")).status_code == 404
