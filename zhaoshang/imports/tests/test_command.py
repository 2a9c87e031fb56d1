"""The import_ledger command: the same pipeline, all-or-nothing, from a terminal."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.core.models import AuditLog
from zhaoshang.imports.tests.conftest import sample_bytes
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_ledger(tmp_path):
    path = tmp_path / "ledger-county-2024.xlsx"
    path.write_bytes(sample_bytes("ledger-county-2024.xlsx"))
    return path


def test_a_ledger_with_errors_is_refused_whole(shifan_units, county_ledger, capsys):
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(county_ledger), "--unit", "SFX")
    assert "未导入任何数据" in str(error.value)
    assert "第42行 签约时间: 无法识别的日期「2024年13月5日」" in capsys.readouterr().out
    assert Project.objects.count() == 0


def test_dry_run_writes_nothing(shifan_units, county_ledger):
    call_command("import_ledger", str(county_ledger), "--unit", "SFX", "--dry-run")
    assert Project.objects.count() == 0


def test_excluding_errors_imports_the_rest_verified_and_says_so_in_the_audit(shifan_units, county_ledger):
    call_command("import_ledger", str(county_ledger), "--unit", "SFX", "--exclude-errors", "--verified")
    assert Project.objects.count() == 36
    assert Project.objects.exclude(verified_stage="").count() > 0
    assert "导入时确认审核通过" in AuditLog.objects.get(action="import").detail
    assert AuditLog.objects.get(action="import").source == "command"
    call_command("import_ledger", str(county_ledger), "--unit", "SFX", "--exclude-errors")
    assert Project.objects.count() == 36  # re-import: no duplicates


def test_an_unknown_unit_code_is_refused(shifan_units, county_ledger):
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(county_ledger), "--unit", "NOPE")
    assert "单位编码不存在" in str(error.value)
