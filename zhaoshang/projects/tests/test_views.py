"""The project pages, by persona."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.projects.models import Attachment, Project
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def form_data(personas, **overrides):
    data = {
        "name": "年产5万吨锂电池正极材料项目",
        "investor_name": "深圳安泰电子元件有限公司",
        "investor_uscc": "",
        "construction_nature": "new",
        "responsible_unit": personas.town_a.pk,
        "stage": "negotiating",
        "total_investment": "50000",
        "token": "tok-1",
    }
    return {**data, **overrides}


def test_an_officer_creates_a_project_and_a_double_click_creates_one(personas, client):
    client.force_login(personas.officer_a)
    first = client.post(reverse("projects:create"), form_data(personas))
    second = client.post(reverse("projects:create"), form_data(personas))
    assert Project.objects.count() == 1
    created = Project.objects.get()
    assert first["Location"] == second["Location"] == reverse("projects:detail", args=[created.pk])
    assert created.investor.name == "深圳安泰电子元件有限公司" and created.is_key


def test_nonsense_is_explained_in_chinese_and_nothing_is_saved(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("projects:create"),
        form_data(personas, stage="signed", investor_name="", total_investment="-5", investor_uscc="123", token="t2"),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码应为 18 位" in content
    assert "协议总投资不能小于0万元。" in content
    assert Project.objects.count() == 0


def test_a_signed_project_without_date_is_refused_with_the_field_named(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(reverse("projects:create"), form_data(personas, stage="signed", token="t3"))
    assert "已签约项目须填写签约日期" in response.content.decode()
    assert Project.objects.count() == 0


def test_an_officer_cannot_create_for_another_town(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("projects:create"), form_data(personas, responsible_unit=personas.town_b.pk, token="t4")
    )
    assert response.status_code == 200 and Project.objects.count() == 0


def test_a_stale_edit_is_refused_showing_the_other_change(personas, client):
    p = project(personas.officer_a, personas.town_a, investor=company())
    client.force_login(personas.officer_a)
    url = reverse("projects:edit", args=[p.pk])
    base = form_data(personas, name=p.name, version=1, token="")
    assert client.post(url, {**base, "remarks": "第一次"}).status_code == 302
    response = client.post(url, {**base, "remarks": "过期的修改"})
    assert "该项目已被他人修改" in response.content.decode()
    assert "第一次" in response.content.decode()
    p.refresh_from_db()
    assert p.remarks == "第一次"


def test_the_list_shows_only_projects_in_scope_and_searches_by_pinyin(personas, client):
    project(personas.officer_a, personas.town_a, name="安泰电容器项目")
    project(personas.officer_b, personas.town_b, name="河口镇的项目")
    client.force_login(personas.officer_a)
    content = client.get(reverse("projects:list")).content.decode()
    assert "安泰电容器项目" in content and "河口镇的项目" not in content
    assert "安泰电容器项目" in client.get(reverse("projects:list") + "?q=atdrq").content.decode()
    assert "安泰电容器项目" not in client.get(reverse("projects:list") + "?q=xyz").content.decode()


def test_the_list_filters_by_stage_amount_and_unit(personas, client):
    project(personas.officer_a, personas.town_a, name="小项目", total="500")
    project(personas.officer_b, personas.town_b, name="大项目", total="120000", stage="signed")
    client.force_login(personas.bureau)
    assert "大项目" in client.get(reverse("projects:list") + "?amount=ge10yi").content.decode()
    assert "小项目" not in client.get(reverse("projects:list") + "?amount=ge10yi").content.decode()
    assert "小项目" not in client.get(reverse("projects:list") + "?stage=signed").content.decode()
    assert "大项目" not in client.get(reverse("projects:list") + f"?unit={personas.town_a.pk}").content.decode()


def test_the_list_stays_at_a_few_queries(personas, client, django_assert_max_num_queries):
    for index in range(30):
        project(personas.officer_a, personas.town_a, name=f"项目{index}", investor=company(f"公司{index}"))
    client.force_login(personas.bureau)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("projects:list"))
    assert "项目29" in response.content.decode()


def test_the_kanban_counts_projects_per_stage(personas, client):
    project(personas.officer_a, personas.town_a, name="甲", stage="signed")
    project(personas.officer_a, personas.town_a, name="乙")
    client.force_login(personas.officer_a)
    response = client.get(reverse("projects:kanban"))
    counts = {column["stage"]: column["count"] for column in response.context["columns"]}
    assert counts["signed"] == 1 and counts["negotiating"] == 1


def test_a_start_claim_needs_evidence_and_an_exe_is_refused(personas, client):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    client.force_login(personas.officer_a)
    url = reverse("projects:advance", args=[p.pk])
    response = client.post(url, {"stage": "started", "date": "2024-11-01"}, follow=True)
    assert "须上传证明材料" in response.content.decode()
    fake = SimpleUploadedFile("施工许可证.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    response = client.post(url, {"stage": "started", "date": "2024-11-01", "evidence": fake}, follow=True)
    assert "不是允许的类型" in response.content.decode()
    p.refresh_from_db()
    assert p.stage == "signed" and Attachment.objects.count() == 0
    pdf = SimpleUploadedFile("施工许可证.pdf", b"%PDF-1.4 permit", content_type="application/pdf")
    client.post(url, {"stage": "started", "date": "2024-11-01", "evidence": pdf})
    p.refresh_from_db()
    assert p.stage == "started" and p.events.get(stage="started").attachments.count() == 1


def test_attachments_are_served_as_downloads_only_in_scope(personas, client):
    from zhaoshang.projects.attachments import save_attachment

    p = project(personas.officer_a, personas.town_a)
    attachment = save_attachment(personas.officer_a, p, SimpleUploadedFile("协议.pdf", b"%PDF-1.4 x"))
    client.force_login(personas.officer_a)
    response = client.get(reverse("projects:attachment_download", args=[attachment.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    client.force_login(personas.officer_b)
    assert client.get(reverse("projects:attachment_download", args=[attachment.pk])).status_code == 404


def test_only_the_bureau_verifies_and_returns(personas, client):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    event = p.events.get()
    for persona in ("officer_a", "leader", "county_officer"):
        client.force_login(getattr(personas, persona))
        assert client.post(reverse("projects:event_verify", args=[event.pk])).status_code == 404
    client.force_login(personas.bureau)
    client.post(reverse("projects:event_return", args=[event.pk]), {"reason": "缺少协议"})
    event.refresh_from_db()
    assert (event.status, event.return_reason) == ("returned", "缺少协议")


def test_another_town_cannot_post_to_this_project(personas, client):
    p = project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_b)
    assert (
        client.post(reverse("projects:advance", args=[p.pk]), {"stage": "signed", "date": "2024-01-01"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("projects:follow_up_add", args=[p.pk]), {"date": "2024-01-01", "kind": "call", "content": "x"}
        ).status_code
        == 404
    )


def test_the_leader_reads_but_cannot_edit(personas, client):
    p = project(personas.officer_a, personas.town_a)
    client.force_login(personas.leader)
    content = client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert p.name in content and "推进阶段" not in content
    assert client.get(reverse("projects:edit", args=[p.pk])).status_code == 404
    assert client.get(reverse("projects:create")).status_code == 404


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_the_system_admin_and_auditor_see_no_projects(personas, client, persona):
    p = project(personas.officer_a, personas.town_a)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("projects:list")).status_code == 404
    assert client.get(reverse("projects:detail", args=[p.pk])).status_code == 404


def test_the_timeline_merges_events_follow_ups_and_changes(personas, client):
    p = project(personas.officer_a, personas.town_a, stage="signed")
    client.force_login(personas.officer_a)
    client.post(
        reverse("projects:follow_up_add", args=[p.pk]),
        {"date": "2024-05-01", "kind": "visit", "content": "赴深圳拜访企业总部", "next_contact_on": "2024-05-20"},
    )
    client.force_login(personas.bureau)
    client.post(reverse("projects:event_verify", args=[p.events.get().pk]))
    content = client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert "赴深圳拜访企业总部" in content and "审核通过" in content and "阶段：签约" in content


def test_bulk_edit_writes_one_audit_row_per_project(personas, client):
    first = project(personas.officer_a, personas.town_a, name="甲")
    second = project(personas.officer_a, personas.town_a, name="乙")
    client.force_login(personas.officer_a)
    before = AuditLog.objects.filter(action="update", object_type="projects.project").count()
    client.post(reverse("projects:bulk_edit"), {"ids": f"{first.pk},{second.pk}", "responsible_leader": "王副县长"})
    assert set(Project.objects.values_list("responsible_leader", flat=True)) == {"王副县长"}
    assert AuditLog.objects.filter(action="update", object_type="projects.project").count() == before + 2


def test_bulk_edit_of_another_towns_project_is_refused_whole(personas, client):
    mine = project(personas.officer_a, personas.town_a, name="甲")
    theirs = project(personas.officer_b, personas.town_b, name="乙")
    client.force_login(personas.officer_a)
    response = client.post(reverse("projects:bulk_edit"), {"ids": f"{mine.pk},{theirs.pk}", "responsible_leader": "X"})
    assert response.status_code == 404
    assert not Project.objects.filter(responsible_leader="X").exists()


def test_the_duplicate_check_warns_while_typing(personas, client):
    project(
        personas.officer_b,
        personas.town_b,
        name="鑫源锂电池正极材料项目",
        investor=company("杭州鑫源新能源材料有限公司"),
    )
    client.force_login(personas.officer_a)
    response = client.get(
        reverse("projects:duplicates_check"),
        {"name": "鑫源锂电池正极材料项目", "investor_name": "杭州鑫源新能源材料 有限公司"},
    )
    content = response.content.decode()
    assert "可能与以下项目重复" in content and "请联系招商局核实" in content


def test_the_bureau_merges_from_the_page(personas, client):
    investor = company()
    keep = project(personas.officer_a, personas.town_a, investor=investor)
    twin = project(personas.officer_b, personas.town_b, investor=investor)
    client.force_login(personas.officer_a)
    assert client.get(reverse("projects:merge", args=[keep.pk])).status_code == 404
    client.force_login(personas.bureau)
    client.post(reverse("projects:merge", args=[keep.pk]), {"duplicate": twin.pk, "reason": "重复上报"})
    twin.refresh_from_db()
    assert twin.merged_into == keep


def test_the_date_after_today_is_refused(personas, client):
    p = project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_a)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = client.post(reverse("projects:advance", args=[p.pk]), {"stage": "signed", "date": tomorrow}, follow=True)
    assert "日期不能晚于今天" in response.content.decode()


def test_the_bulk_edit_form_is_fetched_on_demand_with_the_officers_own_units(personas, client):
    client.force_login(personas.officer_a)
    listing = client.get(reverse("projects:list"))
    assert 'name="responsible_leader"' not in listing.content.decode()  # not built on every visit
    form = client.get(reverse("projects:bulk_edit"), {"back": "/projects/?stage=signed"}).content.decode()
    assert personas.town_a.name in form and personas.town_b.name not in form
    assert 'value="/projects/?stage=signed"' in form


def test_bulk_edit_never_redirects_off_site(personas, client):
    from zhaoshang.projects.tests.factories import project

    mine = project(personas.officer_a, personas.town_a, name="城关镇的项目")
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("projects:bulk_edit"),
        {"ids": str(mine.pk), "responsible_leader": "王", "back": "https://evil.example/phish"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("projects:list")


def test_sysadmin_cannot_open_the_bulk_edit_form(personas, client):
    client.force_login(personas.sysadmin)
    assert client.get(reverse("projects:bulk_edit")).status_code in (403, 404)


@pytest.mark.parametrize(
    ("query", "label"),
    [("amount=bogus", "协议总投资"), ("signed_from=2024-13-40", "签约自"), ("stage=flying", "阶段")],
)
def test_a_filter_value_that_cannot_be_understood_is_said_in_chinese(personas, client, query, label):
    client.force_login(personas.bureau)
    response = client.get(f"{reverse('projects:list')}?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "筛选条件有误" in page and label in page
