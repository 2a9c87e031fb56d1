"""What a committed ledger writes besides the values: an audit row for every object, the
statistics roll-up kept equal to a recomputation, and matches with stored projects found
however a row names them (code, credit code, investor name)."""

import pytest

from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog
from zhaoshang.core.validators import uscc_check_character
from zhaoshang.imports.ledger import LedgerRow
from zhaoshang.imports.services import commit_ledger, preview_ledger, project_index
from zhaoshang.imports.tests.test_formats import xlsx
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db

HEADER = [
    "项目编号",
    "项目名称",
    "投资方",
    "统一社会信用代码",
    "总投资（万元）",
    "项目进展",
    "签约时间",
    "开工时间",
    "责任单位",
]
FIRST17 = "91440300MA5F1234X"
USCC = FIRST17 + uscc_check_character(FIRST17)


def ledger(*rows) -> bytes:
    return xlsx(("台账", [HEADER, *rows]))


def commit(personas, data: bytes, *, verified: bool = False):
    with acting_as(personas.bureau, source="web"):
        preview = preview_ledger(personas.bureau, data, "台账.xlsx", personas.county, mark_verified=verified)
        assert preview.messages() == []
        return commit_ledger(personas.bureau, preview.batch)


def created_rows(model) -> set[str]:
    return set(
        AuditLog.objects.filter(action="create", object_type=model._meta.label_lower).values_list(
            "object_id", flat=True
        )
    )


def test_the_project_index_holds_only_the_projects_the_ledger_can_match(personas):
    by_code = project(personas.bureau, personas.town_a, name="按编号")
    by_uscc = project(personas.bureau, personas.town_a, name="按信用代码", investor=company("甲公司", uscc=USCC))
    by_name = project(personas.bureau, personas.town_b, name="按投资方", investor=company("乙电子（深圳）有限公司"))
    unrelated = project(personas.bureau, personas.town_b, name="无关项目", investor=company("丙公司"))
    rows = [
        LedgerRow(5, {"code": by_code.code, "name": "改过的名称", "investor": "", "uscc": ""}),
        LedgerRow(6, {"code": "", "name": "按信用代码", "investor": "另一个写法", "uscc": USCC}),
        LedgerRow(7, {"code": "", "name": "按投资方", "investor": "乙电子(深圳)有限公司", "uscc": ""}),
        LedgerRow(8, {"code": "", "name": "新项目", "investor": "丁公司", "uscc": ""}),
    ]
    index = project_index(personas.bureau, personas.county, rows)
    assert set(index.by_code) == {by_code.code, by_uscc.code, by_name.code}
    assert unrelated.code not in index.by_code
    assert [index.find(row.values) for row in rows] == [by_code.pk, by_uscc.pk, by_name.pk, None]
