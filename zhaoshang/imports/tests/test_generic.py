"""The one set of import pages: a fourth spec declared here in a few lines gets upload →
preview → commit → result; the ledger, funds and targets imports go through the same pages,
by persona; bad files are refused in Chinese and save nothing; a re-import changes nothing;
a large file commits as a job."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhaoshang.core.jobs import Job, JobKind, JobStatus, job_url
from zhaoshang.core.models import AuditLog
from zhaoshang.core.parsing import ParseError, normalise_text, parse_date
from zhaoshang.funds.models import FundsTranche
from zhaoshang.imports.choices import RowAction
from zhaoshang.imports.command import ImportCommand
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.spec import ImportSpec, register, unregister
from zhaoshang.projects.models import Project
from zhaoshang.reference.choices import HolidayKind
from zhaoshang.reference.models import Holiday
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db


# --- A fourth spec, as docs/adding-a-model.md writes one ------------------------------------


class HolidayImport(ImportSpec):
    kind = "test_holidays"
    title = "节假日"
    noun = "天"
    model = Holiday  # who may add holidays may import them: the bureau and the system admin
    per_unit = False
    synonyms = {"date": ["日期"], "kind": ["类型"], "name": ["名称", "节日"]}
    required = ("date", "kind")
    columns = (("date", "日期"), ("kind", "类型"), ("name", "名称"))
    KINDS = {"休息": HolidayKind.HOLIDAY, "上班": HolidayKind.WORKDAY}

    def parse_row(self, row, cells, label):
        try:
            parsed = parse_date(cells["date"])
            row.values["date"] = parsed.date if parsed else None
            if parsed is None:
                row.errors[label("date")] = "必填"
        except ParseError as error:
            row.errors[label("date")] = str(error)
        kind = normalise_text(cells["kind"])
        row.values["kind"] = self.KINDS.get(kind)
        if row.values["kind"] is None:
            row.errors[label("kind")] = f"无法识别的类型「{kind}」，应为休息或上班"
        row.values["name"] = normalise_text(cells.get("name"))

    def resolve(self, user, unit, parsed):
        stored = {day.date: (day.kind, day.name) for day in Holiday.objects.all()}
        for row in parsed.rows:
            old = stored.get(row.values.get("date"))
            new = (row.values["kind"], row.values["name"])
            row.action = RowAction.CREATE if old is None else RowAction.UNCHANGED if old == new else RowAction.UPDATE

    def save(self, user, batch, rows):
        for row in rows:
            Holiday.objects.update_or_create(date=row.values["date"], defaults=row.values)


@pytest.fixture
def holidays():
    spec = register(HolidayImport())
    yield spec
    unregister(spec.kind)


CALENDAR = "日期,类型,名称\n2026-10-01,休息,国庆节\n2026-10-02,休息,国庆节\n2026-10-11,上班,\n".encode()


def upload_to(client, kind, data, name="节假日.csv", **extra):
    return client.post(reverse("imports:upload", args=[kind]), {"file": SimpleUploadedFile(name, data), **extra})


def test_a_spec_declared_in_a_few_lines_gets_upload_preview_commit_and_result(personas, client, holidays):
    client.force_login(personas.bureau)
    assert "导入节假日" in client.get(reverse("imports:upload", args=["test_holidays"])).content.decode()
    response = upload_to(client, "test_holidays", CALENDAR)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:preview", args=["test_holidays", batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-create">3<' in preview and "国庆节" in preview and "2026-10-11" in preview
    response = client.post(reverse("imports:commit", args=["test_holidays", batch.pk]))
    assert response["Location"] == reverse("imports:result", args=["test_holidays", batch.pk])
    result = client.get(response["Location"]).content.decode()
    assert "导入完成" in result and 'data-testid="result-create">3<' in result
    assert Holiday.objects.filter(kind=HolidayKind.HOLIDAY).count() == 2
    listed = client.get(reverse("imports:batch_list")).content.decode()
    assert "节假日" in listed and reverse("imports:preview", args=["test_holidays", batch.pk]) in listed

    # The same file again changes nothing.
    upload_to(client, "test_holidays", CALENDAR)
    again = ImportBatch.objects.latest("pk")
    page = client.get(reverse("imports:preview", args=["test_holidays", again.pk])).content.decode()
    assert 'data-testid="count-create">0<' in page and 'data-testid="count-unchanged">3<' in page


def test_a_bad_row_of_the_new_spec_is_shown_in_its_cell_filtered_and_in_the_error_workbook(personas, client, holidays):
    client.force_login(personas.bureau)
    upload_to(client, "test_holidays", CALENDAR + "2026-13-40,休息,\n2026-10-03,放假,\n".encode())
    batch = ImportBatch.objects.get()
    url = reverse("imports:preview", args=["test_holidays", batch.pk])
    only_errors = client.get(url, {"errors": "1"}).content.decode()
    assert 'data-testid="count-error">2<' in only_errors
    assert "无法识别的类型「放假」，应为休息或上班" in only_errors and "国庆节" not in only_errors
    # Not excluded: nothing is saved, and every reason is listed.
    response = client.post(reverse("imports:commit", args=["test_holidays", batch.pk]))
    assert response.status_code == 400 and "未导入任何数据" in response.content.decode()
    assert not Holiday.objects.exists()
    workbook = client.get(reverse("imports:errors", args=["test_holidays", batch.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert [cell.value for cell in sheet[1]][-1] == "错误说明"
    assert "放假" in sheet.cell(row=6, column=4).value and sheet.cell(row=2, column=4).value is None
    # Excluding both saves the rest.
    client.post(reverse("imports:commit", args=["test_holidays", batch.pk]), {"exclude": ["5", "6"]})
    assert Holiday.objects.count() == 3


def test_the_new_spec_refuses_who_may_not_add_its_model(personas, client, holidays):
    for persona in (personas.officer_a, personas.leader, personas.auditor):
        client.force_login(persona)
        assert client.get(reverse("imports:upload", args=["test_holidays"])).status_code == 404
    client.force_login(personas.bureau)
    assert client.get(reverse("imports:upload", args=["no_such_kind"])).status_code == 404


def test_a_large_file_of_the_new_spec_commits_as_a_job(personas, client, holidays, settings):
    settings.IMPORT_JOB_MIN_ROWS = 2
    client.force_login(personas.bureau)
    upload_to(client, "test_holidays", CALENDAR)
    batch = ImportBatch.objects.get()
    preview = client.get(reverse("imports:preview", args=["test_holidays", batch.pk])).content.decode()
    assert "确认导入后将在后台处理" in preview
    response = client.post(reverse("imports:commit", args=["test_holidays", batch.pk]))
    job = Job.objects.get()
    assert response["Location"] == job_url(job)
    assert (job.kind, job.status) == (JobKind.IMPORT, JobStatus.DONE)
    assert job.result == "导入完成：新增 3 天，更新 0 天，无变化 0 天，排除 0 行。"
    assert job.result_url == reverse("imports:result", args=["test_holidays", batch.pk])
    assert Holiday.objects.count() == 3


# --- The three imports on the one set of pages, by persona ----------------------------------

LEDGER = "项目名称,投资方,总投资（万元）,项目进展,责任单位\n{name},某某有限公司,100,在谈,{unit}\n"
FUNDS = "项目名称,到位时间,到位金额（万元）,资金来源\n{name},2026-03-01,50,省外\n"
TARGETS = "单位,年度,指标,目标值（万元）\n城关镇,2026,协议引资额,5000\n".encode()


def ledger(name="城关镇的项目", unit="城关镇") -> bytes:
    return LEDGER.format(name=name, unit=unit).encode()


def test_a_town_officer_imports_for_the_own_town_only(personas, client):
    client.force_login(personas.officer_a)
    other = client.post(
        reverse("imports:ledger_upload"),
        {"file": SimpleUploadedFile("台账.csv", ledger(unit="河口镇")), "unit": personas.town_b.pk},
    )
    assert other.status_code == 200 and "不在可选范围内" in other.content.decode()
    assert not ImportBatch.objects.exists()
    # Town B named in the rows of town A's file: refused row by row, nothing saved.
    client.post(
        reverse("imports:ledger_upload"),
        {"file": SimpleUploadedFile("台账.csv", ledger(unit="河口镇")), "unit": personas.town_a.pk},
    )
    batch = ImportBatch.objects.get()
    assert "未知单位「河口镇」" in client.get(reverse("imports:ledger_preview", args=[batch.pk])).content.decode()
    assert client.post(reverse("imports:ledger_commit", args=[batch.pk])).status_code == 400
    assert not Project.objects.exists()
    # The own town's file goes through; its funds file too; the targets sheet is the bureau's.
    client.post(
        reverse("imports:ledger_upload"), {"file": SimpleUploadedFile("台账.csv", ledger()), "unit": personas.town_a.pk}
    )
    client.post(reverse("imports:ledger_commit", args=[ImportBatch.objects.latest("pk").pk]))
    assert Project.objects.get().responsible_unit == personas.town_a
    funds = FUNDS.format(name="城关镇的项目").encode()
    client.post(reverse("funds:import"), {"file": SimpleUploadedFile("到位.csv", funds), "unit": personas.town_a.pk})
    batch = ImportBatch.objects.latest("pk")
    assert batch.kind == "funds"
    response = client.post(reverse("funds:import_commit", args=[batch.pk]))
    assert response["Location"] == reverse("funds:import_result", args=[batch.pk])
    assert "新增 1 笔，合计 50 万元" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("targets:import")).status_code == 404


def test_the_bureau_imports_all_three_and_a_reimport_changes_nothing(personas, client):
    client.force_login(personas.bureau)
    versions = []
    for _ in range(2):
        client.post(
            reverse("imports:ledger_upload"),
            {"file": SimpleUploadedFile("台账.csv", ledger()), "unit": personas.county.pk},
        )
        client.post(reverse("imports:ledger_commit", args=[ImportBatch.objects.latest("pk").pk]))
        versions.append(Project.objects.get().version)
    project = Project.objects.get()
    assert versions[0] == versions[1]  # the second import saved nothing
    assert ImportBatch.objects.latest("pk").summary["unchanged"] == 1
    funds = FUNDS.format(name="城关镇的项目").encode()
    for _ in range(2):
        client.post(
            reverse("funds:import"), {"file": SimpleUploadedFile("到位.csv", funds), "unit": personas.county.pk}
        )
        client.post(reverse("funds:import_commit", args=[ImportBatch.objects.latest("pk").pk]))
    assert FundsTranche.objects.filter(project=project).count() == 1
    for _ in range(2):
        response = client.post(
            reverse("targets:import"), {"file": SimpleUploadedFile("目标.csv", TARGETS), "year": 2026}
        )
        batch = ImportBatch.objects.latest("pk")
        assert response["Location"] == reverse("targets:import_preview", args=[batch.pk])
        response = client.post(reverse("targets:import_commit", args=[batch.pk]))
        assert response["Location"] == reverse("targets:grid") + "?year=2026"
    assert Target.objects.get().value == 5000
    assert ImportBatch.objects.get(pk=batch.pk).summary["unchanged"] == 1
    page = client.get(reverse("targets:import_result", args=[batch.pk])).content.decode()
    assert "查看目标任务" in page


@pytest.mark.parametrize("persona", ["leader", "auditor", "sysadmin"])
def test_leaders_auditors_and_system_admins_reach_none_of_the_three(personas, client, persona):
    client.force_login(getattr(personas, persona))
    for name in ("imports:ledger_upload", "funds:import", "targets:import"):
        assert client.get(reverse(name)).status_code == 404, name
    for kind in ("ledger", "funds", "targets"):
        assert client.get(reverse("imports:upload", args=[kind])).status_code == 404, kind


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("imports:ledger_upload", b"\x00\x01binary junk", "无法识别的文件格式"),
        ("imports:ledger_upload", "甲,乙\n1,2\n".encode(), "未找到项目台账表头"),
        ("funds:import", "甲,乙\n1,2\n".encode(), "未找到到位资金表头"),
        ("targets:import", "甲,乙\n1,2\n".encode(), "未找到目标任务表头"),
    ],
)
def test_a_bad_file_is_refused_in_chinese_and_saves_nothing(personas, client, name, data, message):
    client.force_login(personas.bureau)
    form = {"file": SimpleUploadedFile("文件.xlsx" if data.startswith(b"\x00") else "文件.csv", data)}
    form |= {"year": 2026} if name.startswith("targets") else {"unit": personas.county.pk}
    response = client.post(reverse(name), form)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_large_ledger_commits_as_a_job_through_the_generic_commit(personas, client, settings):
    settings.IMPORT_JOB_MIN_ROWS = 1
    client.force_login(personas.officer_a)
    two_rows = ledger() + "城关镇的第二个项目,另一有限公司,200,在谈,城关镇\n".encode()
    client.post(
        reverse("imports:ledger_upload"), {"file": SimpleUploadedFile("台账.csv", two_rows), "unit": personas.town_a.pk}
    )
    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    job = Job.objects.get()
    assert response["Location"] == job_url(job) and job.kind == JobKind.LEDGER_IMPORT
    assert job.status == JobStatus.DONE and job.result_url == reverse("imports:ledger_result", args=[batch.pk])
    assert Project.objects.count() == 2


def test_a_signed_row_without_its_date_is_an_error_of_the_preview_not_a_refusal_at_commit(personas, client):
    client.force_login(personas.officer_a)
    data = "项目名称,投资方,总投资（万元）,项目进展,签约时间,责任单位\n已签约的项目,某某有限公司,100,已签约,,城关镇\n"
    client.post(
        reverse("imports:ledger_upload"),
        {"file": SimpleUploadedFile("台账.csv", data.encode()), "unit": personas.town_a.pk},
    )
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:ledger_preview", args=[batch.pk])).content.decode()
    assert 'data-testid="count-error">1<' in page and "已签约项目须填写签约日期" in page
    response = client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    assert response.status_code == 400 and "第2行 签约时间：已签约项目须填写签约日期" in response.content.decode()
    assert not Project.objects.exists()


# --- The same spec from a terminal (imports.command.ImportCommand) ---------------------------


class ImportHolidays(ImportCommand):
    help = "导入节假日"

    def done(self, result):
        return f"已导入 {result.count('create')} 天。"


def test_a_command_over_the_new_spec_takes_its_options_from_the_spec(personas, holidays, tmp_path):
    path = tmp_path / "节假日.csv"
    path.write_bytes(CALENDAR + "2026-10-03,放假,\n".encode())
    command = ImportHolidays()
    command.spec = holidays
    parser = command.create_parser("manage.py", "import_holidays")
    offered = {option for action in parser._actions for option in action.option_strings}
    assert {"--user", "--dry-run", "--exclude-errors"} <= offered and "--unit" not in offered  # not per unit
    assert "--verified" not in offered  # the spec does not verify on import
    out = io.StringIO()
    with pytest.raises(CommandError, match="文件有 1 处错误，未导入任何数据"):
        call_command(command, str(path), stdout=out)
    assert "无法识别的类型「放假」" in out.getvalue() and not Holiday.objects.exists()
    call_command(command, str(path), "--exclude-errors", stdout=out)
    assert "已导入 3 天。" in out.getvalue() and Holiday.objects.count() == 3
    assert AuditLog.objects.get(action="import").source == "command"
    with pytest.raises(CommandError, match="找不到可用的导入用户"):
        call_command(command, str(path), "--user", "nobody")
