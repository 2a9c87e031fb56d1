"""What a committed ledger writes besides the values: an audit row for every object, the
statistics roll-up kept equal to a recomputation, and matches with stored projects found
however a row names them (code, credit code, investor name)."""

from decimal import Decimal

import pytest

from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog
from zhaoshang.core.validators import uscc_check_character
from zhaoshang.imports.ledger import LedgerRow
from zhaoshang.imports.services import commit_ledger, preview_ledger, project_index
from zhaoshang.imports.tests.test_formats import xlsx
from zhaoshang.projects.models import Project, ProjectCredit, StageEvent
from zhaoshang.projects.services import verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.relations.models import Company
from zhaoshang.stats import facts

pytestmark = pytest.mark.django_db

HEADER = "项目编号 项目名称 投资方 统一社会信用代码 总投资（万元） 项目进展 签约时间 开工时间 责任单位".split()
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


@pytest.mark.parametrize("verified", [False, True])
def test_every_object_a_commit_creates_has_its_create_row_and_the_rollup_stays_exact(personas, verified):
    commit(
        personas,
        ledger(
            [None, "锂电池项目", "甲新能源有限公司", USCC, "20000", "在建", "2025-03-10", "2025-06-01", "城关镇"],
            [None, "电子元件项目", "乙电子有限公司", None, "8000", "已签约", "2025-04-02", None, "河口镇"],
            [None, "物流园项目", "丙物流有限公司", None, "3000", "洽谈中", None, None, "城关镇"],
        ),
        verified=verified,
    )
    for model in (Project, ProjectCredit, StageEvent, Company):
        assert created_rows(model) == {str(pk) for pk in model.objects.values_list("pk", flat=True)}, model
    assert StageEvent.objects.count() == 3  # signed and started; signed
    verify_rows = AuditLog.objects.filter(action="verify", detail="导入时确认审核通过")
    assert verify_rows.count() == (3 if verified else 0)
    assert facts.differences() == []
    assert bool(facts.stored()) is verified  # only verified events count


def test_a_row_that_updates_a_stored_project_keeps_the_rollup_exact(personas):
    stored = project(
        personas.bureau, personas.town_a, name="锂电池项目", stage="signed", investor=company("甲新能源有限公司")
    )
    verify_event(personas.bureau, stored.events.get())
    assert facts.stored()
    commit(
        personas,
        ledger(
            [stored.code, "锂电池项目", "甲新能源有限公司", None, "60000", "在建", "2024-04-12", "2025-06-01", "城关镇"]
        ),
        verified=True,
    )
    stored.refresh_from_db()
    assert (stored.total_investment, stored.stage, stored.verified_stage) == (Decimal("60000"), "started", "started")
    assert facts.differences() == []


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


def test_a_commit_leaves_the_garbage_collector_on_whether_it_succeeds_or_is_refused(personas):
    import gc

    from zhaoshang.imports.spec import ImportRefused

    commit(personas, ledger([None, "锂电池项目", "甲新能源有限公司", None, "20000", "洽谈中", None, None, "城关镇"]))
    assert gc.isenabled()
    refused = preview_ledger(
        personas.bureau,
        ledger([None, "物流园项目", "丙物流有限公司", None, "3000", "洽谈中", None, None, "外星镇"]),
        "x.xlsx",
        personas.county,
    )
    with pytest.raises(ImportRefused):
        commit_ledger(personas.bureau, refused.batch)
    assert gc.isenabled()


def test_updating_rows_raise_each_version_once_audit_each_change_and_a_second_import_changes_nothing(personas):
    first = project(personas.bureau, personas.town_a, name="锂电池项目", investor=company("甲新能源有限公司"))
    second = project(personas.bureau, personas.town_b, name="电子元件项目", investor=company("乙电子有限公司"))
    same = project(
        personas.bureau, personas.town_a, name="物流园项目", investor=company("丙物流有限公司"), total="3000"
    )
    data = ledger(
        [first.code, "锂电池项目", "甲新能源有限公司", None, "60000", "在建", "2024-04-12", "2025-06-01", "城关镇"],
        [second.code, "电子元件项目", "乙电子有限公司", None, "8000", "洽谈中", None, None, "河口镇"],
        [same.code, "物流园项目", "丙物流有限公司", None, "3000", "洽谈中", None, None, "城关镇"],
    )
    result = commit(personas, data)
    assert (result.count("update"), result.count("unchanged")) == (2, 1)
    versions = dict(Project.objects.values_list("pk", "version"))
    assert (versions[first.pk], versions[second.pk], versions[same.pk]) == (2, 2, 1)
    rows = AuditLog.objects.filter(action="update", object_type="projects.project")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted([str(first.pk), str(second.pk)])
    changes = rows.get(object_id=str(first.pk)).changes
    assert Decimal(changes["total_investment"][1]) == Decimal("60000")
    assert changes["stage"] == ["negotiating", "started"] and changes["version"] == [1, 2]
    # The dates the row brought are stage events waiting for the bureau, with their CREATE rows.
    assert set(StageEvent.objects.filter(project=first).values_list("stage", flat=True)) == {"signed", "started"}
    assert created_rows(StageEvent) == {str(pk) for pk in StageEvent.objects.values_list("pk", flat=True)}

    business = AuditLog.objects.exclude(object_type="imports.importbatch")
    audit_rows = business.count()
    again = commit(personas, data)
    assert (again.count("update"), again.count("unchanged")) == (0, 3)
    assert dict(Project.objects.values_list("pk", "version")) == versions
    assert business.count() == audit_rows  # the batch's own rows only
    assert facts.differences() == []
