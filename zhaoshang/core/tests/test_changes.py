"""Changes read as Chinese: field labels, choice labels, 是/否, names and local times,
on the audit log page, its export and the project timeline alike."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.changes import describe_rows
from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project as make_project

pytestmark = pytest.mark.django_db


def _edit_project(personas):
    """officer_a's project, edited: a choice, a flag, a unit, an amount and a date change."""
    project = make_project(personas.officer_a, personas.town_a)
    with acting_as(personas.officer_a, source="web"):
        project = Project.objects.get(pk=project.pk)
        project.stage = "signed"
        project.key_manual = True
        project.landing_unit = personas.town_b
        project.total_investment = Decimal("3500")
        project.signed_on = datetime.date(2026, 12, 4)
        project.save()
    return project


def _page_text(response) -> str:
    return response.content.decode()


def test_the_project_timeline_names_fields_choices_flags_units_and_the_person(personas, client_for):
    project = _edit_project(personas)
    content = _page_text(client_for(personas.officer_a).get(reverse("projects:detail", args=[project.pk])))
    assert "当前阶段（填报）</span>：在谈 → 签约" in content
    assert "列为重点项目</span>：否 → 是" in content
    assert f"→ {personas.town_b.name}" in content
    assert "协议总投资（万元）</span>：50000 → 3500" in content
    assert "（空） → 2026年12月4日" in content
    assert "城关镇填报员" in content
    for raw in ("stage</span>", "key_manual", "negotiating", "False", "True", "3500.0000", "officer_a"):
        assert raw not in content


def test_the_audit_log_page_shows_model_names_labels_and_people_not_identifiers(personas, client_for):
    _edit_project(personas)
    content = _page_text(client_for(personas.auditor).get(reverse("core:audit_list") + "?action=update"))
    assert '<span class="text-secondary small">项目</span>' in content
    assert "当前阶段（填报）</span>：在谈 → 签约" in content
    assert "城关镇填报员" in content
    assert "projects.project</span>" not in content and "key_manual" not in content


def test_the_audit_detail_lists_every_change_with_before_and_after(personas, client_for):
    _edit_project(personas)
    row = AuditLog.objects.filter(object_type="projects.project", action="update").latest("id")
    content = _page_text(client_for(personas.auditor).get(reverse("core:audit_detail", args=[row.pk])))
    assert "<td>否</td><td>是</td>" in content
    assert '"is_key"' not in content and "[" not in content.split('data-testid="changes"')[1].split("</table>")[0]


def test_the_audit_export_writes_the_same_chinese_lines_and_local_time(personas, client_for):
    _edit_project(personas)
    client = client_for(personas.auditor)
    response = client.get(reverse("core:audit_export") + "?object_type=projects.project&action=update")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["对象类型"] == "项目"
    assert row["用户"] == "城关镇填报员" and row["用户名"] == "officer_a"
    assert "列为重点项目：否 → 是" in row["变更内容"]
    assert "当前阶段（填报）：在谈 → 签约" in row["变更内容"]
    logged = AuditLog.objects.filter(object_type="projects.project", action="update").latest("id").time
    assert row["时间"].startswith(f"{timezone.localtime(logged).year}年")


def test_a_related_object_deleted_since_shows_as_deleted_not_as_a_bare_id(personas):
    with acting_as(personas.sysadmin):
        temporary = Unit.objects.create(code="TMP", name="临时单位", type="town", parent=personas.county)
        user = personas.officer_b
        user.unit = temporary
        user.save()
        user.unit = personas.town_b
        user.save()
        removed_pk = temporary.pk
        temporary.delete()
    row = AuditLog.objects.filter(object_type="accounts.user", action="update").latest("id")
    (line,) = [line for line in describe_rows([row])[0].change_lines if line.label == "所属单位"]
    assert (line.before, line.after) == (f"编号 {removed_pk}（已删除）", "河口镇")


def test_a_moment_in_a_change_shows_in_local_time(personas):
    row = AuditLog(
        object_type="accounts.user",
        changes={"last_login": [None, "2026-12-04T02:31:00+00:00"]},
    )
    row.user_id = None
    (line,) = describe_rows([row])[0].change_lines
    assert line.after == "2026年12月4日 10:31"


def test_codes_stored_in_lists_and_dicts_read_as_their_labels():
    rule = AuditLog(
        object_type="alerts.warningrule",
        changes={"kind": [None, "stage_dwell"], "stage_limits": [{}, {"lead": 45, "negotiating": 90}]},
    )
    scheme = AuditLog(object_type="assessment.assessmentscheme", changes={"unit_types": [[], ["town", "zone"]]})
    lines = {line.label: line.after for row in describe_rows([rule, scheme]) for line in row.change_lines}
    assert "stage_dwell" not in lines["预警类型"]
    assert lines["各阶段停留时限（天）"] == "线索：45；在谈：90"
    assert "town" not in lines["单位类型"] and "、" in lines["单位类型"]


def test_the_auditor_home_names_people_and_the_system_not_user_names(personas, client_for):
    with acting_as(None, source="command"):
        Unit.objects.create(code="SYS", name="系统建的单位", type="town", parent=personas.county)
    with acting_as(personas.sysadmin, source="web"):
        Unit.objects.create(code="ADM", name="管理员建的单位", type="town", parent=personas.county)
    content = _page_text(client_for(personas.auditor).get(reverse("core:home")))
    assert "<td>系统管理员</td>" in content and "<td>系统</td>" in content
    assert "<td>sysadmin</td>" not in content and "<td>system</td>" not in content


def test_an_impossible_date_in_an_old_row_is_shown_as_stored_not_an_error():
    row = AuditLog(object_type="projects.project", changes={"signed_on": [None, "2024-13-01"]})
    (line,) = describe_rows([row])[0].change_lines
    assert line.after == "2024-13-01"


def test_the_auditor_filters_by_the_model_name_including_hand_recorded_events(personas, client_for):
    _edit_project(personas)
    client = client_for(personas.auditor)
    content = _page_text(client.get(reverse("core:audit_list")))
    assert '<option value="projects.project">项目</option>' in content
    assert '<option value="bulletins.bulletin">' in content  # exports of a bulletin are recorded by hand
    filtered = _page_text(client.get(reverse("core:audit_list") + "?object_type=projects.project&action=update"))
    assert "当前阶段（填报）</span>：在谈 → 签约" in filtered
