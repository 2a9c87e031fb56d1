"""The import_ledger command: the same pipeline, all-or-nothing, from a terminal."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.core.models import AuditLog
from zhaoshang.imports.models import ImportBatch
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
    assert "第42行 签约时间：无法识别的日期「2024年13月5日」" in capsys.readouterr().out
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


def test_a_refused_import_exits_with_status_one(shifan_units, county_ledger, capsys):
    # CommandError's returncode is the process exit status manage.py uses. (Running the
    # command through ManagementUtility would close the test's database connection.)
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(county_ledger), "--unit", "SFX")
    assert error.value.returncode == 1
    assert "未导入任何数据" in str(error.value)
    assert "共 42 行：新增 36，更新 0，无变化 0，有错误 6" in capsys.readouterr().out
    assert Project.objects.count() == 0


def test_the_summary_and_the_dry_run_say_what_would_happen(shifan_units, county_ledger, capsys):
    call_command("import_ledger", str(county_ledger), "--unit", "SFX", "--dry-run")
    out = capsys.readouterr().out
    assert "新增 36" in out and "第42行 签约时间：无法识别的日期「2024年13月5日」" in out and "未写入" in out
    assert ImportBatch.objects.count() == 0  # a dry run stores nothing, not even the batch


def test_it_runs_as_the_named_user_within_their_scope(shifan_units, tmp_path):
    town = tmp_path / "ledger-town-2024.csv"
    town.write_bytes(sample_bytes("ledger-town-2024.csv"))
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(town), "--unit", "SFX-HK", "--user", shifan_units.officer_a.username)
    assert "管理范围" in str(error.value) or "本单位" in str(error.value)
    call_command("import_ledger", str(town), "--unit", "SFX-HK", "--user", shifan_units.officer_b.username)
    assert Project.objects.filter(created_by=shifan_units.officer_b).count() == 15
    assert AuditLog.objects.get(action="import").username == shifan_units.officer_b.username


def test_without_a_bureau_user_it_says_whom_to_run_as(shifan_units, county_ledger):
    shifan_units.bureau.is_active = False
    shifan_units.bureau.save()
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(county_ledger), "--unit", "SFX")
    assert "没有可用的招商局用户" in str(error.value)
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(county_ledger), "--unit", "SFX", "--user", "nobody")
    assert "用户不存在或已停用：nobody" in str(error.value)


def test_a_missing_file_is_refused(shifan_units, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_ledger", str(tmp_path / "无.xlsx"), "--unit", "SFX")
    assert "文件不存在" in str(error.value)
