"""Ledgers the importer has never seen: other header words, titles and notes above the
header, totals in the middle, a 说明 sheet first, CSVs in UTF-8 with BOM and GBK with tabs,
and the legacy .xls branch. Each must import to exactly the values written in it."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from zhaoshang.imports import reading
from zhaoshang.imports.ledger import parse_ledger
from zhaoshang.imports.reading import read_workbook
from zhaoshang.imports.services import commit_ledger, preview_ledger
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def xlsx(*sheets: tuple[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for merged in (merges or {}).get(name, []):
            sheet.merge_cells(merged)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def imported(personas, data: bytes, filename: str) -> dict[str, Project]:
    """Preview (no errors allowed), commit, and the projects by name."""
    preview = preview_ledger(personas.bureau, data, filename, personas.county)
    assert preview.messages() == []
    commit_ledger(personas.bureau, preview.batch)
    projects = Project.objects.select_related("investor", "responsible_unit")
    return {project.name: project for project in projects}


def test_other_header_words_a_title_a_note_an_instructions_sheet_and_subtotals(personas):
    instructions = [
        ["填表说明"],
        ["1. 项目名称填写全称；投资总额以亿元为单位。"],
        ["字段", "说明"],
        ["项目名称", "填写项目全称"],
        ["当前阶段", "在谈、签约、开工、投产"],
    ]
    ledger = [
        ["城关镇2025年招商引资项目推进情况表"],
        ["（截至2025年6月30日）"],
        [],
        ["填报单位：城关镇人民政府", None, None, None, None, None, None, "单位：万元"],
        [
            "序号",
            "项目名称",
            "投资方",
            "投资总额（亿元）",
            "当前阶段",
            "所属单位",
            "项目负责人",
            "签约时间",
            "开工时间",
        ],
        [
            1,
            "智能装备产业园",
            "苏州精工机械有限公司",
            2.5,
            "已开工",
            "城关镇",
            "李明",
            datetime.datetime(2024, 5, 20),
            45444,
        ],
        [2, "冷链仓储中心", "河南冷链物流有限公司", "0.8", "签约", "城关镇人民政府", "王芳", "2025年1月8日", None],
        ["小计", None, None, 3.3],
        [3, "河口光伏电站", "华东新能源有限公司", 12, "在谈", "河口镇", "张伟", None, None],
        ["合计", None, None, 15.3],
        ["填报人：赵六", None, None, "审核人：钱七"],
    ]
    data = xlsx(("说明", instructions), ("2025年项目", ledger), merges={"2025年项目": ["A1:I1", "A2:I2"]})
    projects = imported(personas, data, "城关镇项目推进表.xlsx")

    assert sorted(projects) == ["冷链仓储中心", "智能装备产业园", "河口光伏电站"]
    equipment = projects["智能装备产业园"]
    assert equipment.total_investment == Decimal("25000")  # 2.5 亿元: the column's unit beats the note
    assert equipment.stage == "started" and equipment.officer_in_charge == "李明"
    assert equipment.signed_on == datetime.date(2024, 5, 20)
    assert equipment.started_on == datetime.date(2024, 6, 1)  # Excel serial 45444
    assert equipment.investor.name == "苏州精工机械有限公司"
    assert equipment.responsible_unit == personas.town_a
    cold = projects["冷链仓储中心"]
    assert (cold.total_investment, cold.stage, cold.signed_on) == (Decimal("8000"), "signed", datetime.date(2025, 1, 8))
    assert cold.responsible_unit == personas.town_a  # by its alias 城关镇人民政府
    solar = projects["河口光伏电站"]
    assert (solar.total_investment, solar.stage, solar.responsible_unit) == (
        Decimal("120000"),
        "negotiating",
        personas.town_b,
    )


def test_thousands_separators_serial_dates_and_a_subtotal_named_after_the_town(personas):
    ledger = [
        ["示范县重点招商项目台账"],
        ["（2024年第二季度）"],
        ["单位：万元"],
        [],
        ["序号", "项目名称", "签约企业", "计划总投资", "固投", "推进情况", "乡镇", "包保领导", "签约日期", "开工日期"],
        ["一、城关镇"],
        [1, "精密铸造项目", "江苏恒力铸造有限公司", "12,500", "8,000.5", "在建", "城关镇", "孙副县长", 45292, 45444],
        [2, "农产品加工", "示范县绿源农业有限公司", "1,234.5", None, "已签约", "城关镇", "孙副县长", "45500", None],
        [None, "城关镇小计", None, "13,734.5", "8,000.5"],
        ["二、河口镇"],
        [3, "港口物流中心", "远航物流集团有限公司", 800, None, "洽谈中", "河口镇", "周副县长", None, None],
        [None, "河口镇小计", None, 800],
        ["总计", None, None, "14,534.5"],
    ]
    projects = imported(personas, xlsx(("Sheet1", ledger)), "重点项目台账.xlsx")

    assert sorted(projects) == ["农产品加工", "港口物流中心", "精密铸造项目"]
    casting = projects["精密铸造项目"]
    assert casting.total_investment == Decimal("12500") and casting.fixed_asset_investment == Decimal("8000.5")
    assert (casting.signed_on, casting.started_on) == (datetime.date(2024, 1, 1), datetime.date(2024, 6, 1))
    assert casting.responsible_leader == "孙副县长" and casting.stage == "started"
    farm = projects["农产品加工"]
    assert (farm.total_investment, farm.signed_on) == (Decimal("1234.5"), datetime.date(2024, 7, 27))
    assert projects["港口物流中心"].total_investment == Decimal("800")
    assert projects["港口物流中心"].responsible_unit == personas.town_b


def test_a_utf8_csv_with_bom(personas):
    text = (
        "项目名称,投资企业,项目总投资(万元),项目状态,乡镇街道,签约日期,备注\n"
        '数字经济产业园,杭州云联科技有限公司,"3,000",已签约,城关镇,2024/3/8,首期\n'
        "生态农业示范园,示范县丰收农业合作社,650.25,对接中,河口镇,,\n"
        ',合计,"3,650.25",,,,\n'
    )
    projects = imported(personas, text.encode("utf-8-sig"), "台账.csv")

    assert sorted(projects) == ["数字经济产业园", "生态农业示范园"]
    digital = projects["数字经济产业园"]
    assert (digital.total_investment, digital.stage, digital.signed_on, digital.remarks) == (
        Decimal("3000"),
        "signed",
        datetime.date(2024, 3, 8),
        "首期",
    )
    assert digital.investor.name == "杭州云联科技有限公司"
    farm = projects["生态农业示范园"]
    assert (farm.total_investment, farm.stage, farm.responsible_unit) == (
        Decimal("650.25"),
        "negotiating",
        personas.town_b,
    )


def test_a_gbk_csv_separated_by_tabs(personas):
    text = (
        "序号\t项目名称\t投资方\t计划总投资（亿元）\t进展情况\t责任单位\t签约时间\t开工时间\n"
        "1\t新材料产业基地\t湖北新材科技股份有限公司\t1.2\t在建\t河口镇\t2024.3.8\t2024年5月\n"
        "2\t文旅综合体\t示范文旅发展有限公司\t０．５\t意向\t城关镇\t\t\n"
        "合计\t\t\t1.7\t\t\t\t\n"
    )
    projects = imported(personas, text.encode("gbk"), "项目台账.csv")

    assert sorted(projects) == ["文旅综合体", "新材料产业基地"]
    materials = projects["新材料产业基地"]
    assert materials.total_investment == Decimal("12000") and materials.stage == "started"
    assert (materials.signed_on, materials.started_on) == (datetime.date(2024, 3, 8), datetime.date(2024, 5, 1))
    assert materials.responsible_unit == personas.town_b
    tourism = projects["文旅综合体"]
    assert (tourism.total_investment, tourism.stage) == (Decimal("5000"), "lead")  # full-width ０．５ 亿元


class FakeCell:
    def __init__(self, ctype, value):
        self.ctype, self.value = ctype, value


def test_the_xls_branch_reads_dates_numbers_and_blanks(personas, monkeypatch):
    """No .xls writer is installed, so the legacy branch reads a mocked xlrd book; what
    xlrd hands over (cell types, date serials, floats for integers) is what is mocked."""
    import xlrd

    empty, text, number, date = xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE
    rows = [
        [FakeCell(text, "项目台账"), FakeCell(empty, "")],
        [FakeCell(text, h) for h in ("项目名称", "投资方", "总投资（万元）", "项目进展", "责任单位", "签约时间")],
        [
            FakeCell(text, "老台账项目"),
            FakeCell(text, "示范老字号食品有限公司"),
            FakeCell(number, 3000.0),
            FakeCell(text, "已签约"),
            FakeCell(text, "城关镇"),
            FakeCell(date, 45292.0),
        ],
        [FakeCell(text, "合计"), FakeCell(empty, ""), FakeCell(number, 3000.0)],
    ]
    sheet = SimpleNamespace(name="项目", nrows=len(rows), ncols=6, row=lambda index: rows[index])
    book = SimpleNamespace(nsheets=1, sheet_by_index=lambda index: sheet, datemode=0)
    monkeypatch.setattr(xlrd, "open_workbook", lambda file_contents, **options: book)
    data = reading.XLS_MAGIC + b"\x00" * 64

    sheets = read_workbook(data, "老台账.xls")
    assert sheets[0].rows[2] == [
        "老台账项目",
        "示范老字号食品有限公司",
        3000,
        "已签约",
        "城关镇",
        datetime.datetime(2024, 1, 1),
    ]
    parsed = parse_ledger(sheets)
    assert [row.values["name"] for row in parsed.rows] == ["老台账项目"]
    projects = imported(personas, data, "老台账.xls")
    project = projects["老台账项目"]
    assert (project.total_investment, project.signed_on, project.stage) == (
        Decimal("3000"),
        datetime.date(2024, 1, 1),
        "signed",
    )


def test_reimporting_an_unknown_ledger_changes_nothing(personas):
    text = (
        "项目名称,投资企业,项目总投资(万元),项目状态,乡镇街道\n数字经济产业园,杭州云联科技有限公司,3000,在谈,城关镇\n"
    )
    imported(personas, text.encode("utf-8-sig"), "台账.csv")
    again = preview_ledger(personas.bureau, text.encode("utf-8-sig"), "台账.csv", personas.county)
    assert [row.action for row in again.rows] == ["unchanged"]


def test_the_parsed_copy_round_trips_every_cell_type_and_refuses_another_upload():
    import datetime

    from zhaoshang.imports.reading import Sheet, sheets_from_json, sheets_to_json

    sheets = [
        Sheet(
            "台账",
            [["项目", 1, 2.5, True, None], [datetime.datetime(2024, 3, 5, 9, 30), datetime.date(2024, 3, 5), "{}"]],
        )
    ]
    copy = sheets_to_json(sheets, "abc")
    assert sheets_from_json(copy, "abc") == sheets
    assert sheets_from_json(copy, "another upload") is None
    assert sheets_from_json(b"not json", "abc") is None


def test_a_damaged_xlsx_is_refused_in_chinese():
    import pytest

    from zhaoshang.imports.reading import ReadError, read_workbook

    with pytest.raises(ReadError) as refused:
        read_workbook(b"PK\x03\x04" + b"\x00" * 200, "台账.xlsx")
    message = str(refused.value)
    assert message.startswith("无法读取 Excel 文件：文件已损坏") and "detect" not in message
