"""Managing units and users: the system admin does it; everyone else at most reads."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhaoshang.accounts.models import Unit, User
from zhaoshang.accounts.services import change_role
from zhaoshang.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_system_admin_creates_a_user_who_must_change_the_shown_password(personas, client):
    client.force_login(personas.sysadmin)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "zhangsan", "name": "张三", "role": "officer", "unit": personas.town_a.pk, "phone": "13812345678"},
        follow=True,
    )
    created = User.objects.get(username="zhangsan")
    assert created.must_change_password and created.unit == personas.town_a
    shown = response.content.decode()
    assert "此密码只显示这一次" in shown
    # Shown once: the next visit no longer has it.
    assert "此密码只显示这一次" not in client.get(reverse("accounts:user_detail", args=[created.pk])).content.decode()
    row = AuditLog.objects.get(action="create", object_type="accounts.user", object_id=str(created.pk))
    assert row.changes["password"][1] == "******" and row.changes["username"] == [None, "zhangsan"]
    assert "138****5678" in client.get(reverse("accounts:user_list")).content.decode()


def test_an_officer_needs_a_unit_and_a_duplicate_user_name_is_refused(personas, client):
    client.force_login(personas.sysadmin)
    response = client.post(reverse("accounts:user_create"), {"username": "officer_a", "role": "officer"})
    content = response.content.decode()
    assert "必须选择所属单位" in content and "已存在" in content
    assert User.objects.filter(username="officer_a").count() == 1


def test_disabling_a_user_ends_their_session(personas, client):
    from django.test import Client

    victim = Client()
    victim.force_login(personas.officer_b)
    assert victim.get(reverse("core:home")).status_code == 200
    client.force_login(personas.sysadmin)
    client.post(reverse("accounts:user_toggle_active", args=[personas.officer_b.pk]))
    assert victim.get(reverse("core:home")).status_code == 302
    personas.officer_b.refresh_from_db()
    assert not personas.officer_b.is_active


def test_the_system_admin_cannot_disable_themself(personas, client):
    client.force_login(personas.sysadmin)
    response = client.post(reverse("accounts:user_toggle_active", args=[personas.sysadmin.pk]), follow=True)
    assert "不能停用自己的账号" in response.content.decode()


def test_a_password_reset_forces_a_change_and_is_audited(personas, client):
    client.force_login(personas.sysadmin)
    client.post(reverse("accounts:user_reset_password", args=[personas.officer_a.pk]))
    personas.officer_a.refresh_from_db()
    assert personas.officer_a.must_change_password
    assert AuditLog.objects.filter(action="password_reset", object_id=str(personas.officer_a.pk)).exists()


def test_a_role_change_is_logged_as_a_permission_change(personas, client):
    client.force_login(personas.sysadmin)
    officer = personas.officer_a
    client.post(
        reverse("accounts:user_edit", args=[officer.pk]),
        {"name": officer.name, "role": "bureau", "unit": personas.bureau_unit.pk, "version": officer.version},
    )
    officer.refresh_from_db()
    assert (officer.role, officer.unit) == ("bureau", personas.bureau_unit)
    assert AuditLog.objects.get(action="role_change").changes["role"] == ["officer", "bureau"]


def test_the_system_admin_cannot_make_themselves_the_bureau(personas, client):
    admin = personas.sysadmin
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_edit", args=[admin.pk]),
        {"name": admin.name, "role": "bureau", "unit": personas.bureau_unit.pk, "version": admin.version},
    )
    assert response.status_code == 200 and "不能修改自己的角色" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == "sysadmin" and not AuditLog.objects.filter(action="role_change").exists()
    with pytest.raises(PermissionDenied):
        change_role(admin, "bureau", personas.bureau_unit, actor=admin)


def test_a_stale_unit_edit_is_refused_and_the_first_edit_stays(personas, client):
    client.force_login(personas.sysadmin)
    url = reverse("accounts:unit_edit", args=[personas.town_a.pk])
    form = {
        "code": "SFX-CG",
        "name": "城关镇",
        "type": "town",
        "parent": personas.county.pk,
        "sort_order": 0,
        "active": "on",
        "version": 1,
    }
    assert client.post(url, {**form, "short_name": "城关"}).status_code == 302
    response = client.post(url, {**form, "short_name": "过期的修改"})
    assert "该单位已被他人修改" in response.content.decode()
    personas.town_a.refresh_from_db()
    assert personas.town_a.short_name == "城关"


def test_a_duplicate_unit_code_and_a_cycle_are_refused_in_chinese(personas, client):
    client.force_login(personas.sysadmin)
    response = client.post(
        reverse("accounts:unit_create"), {"code": "SFX-HK", "name": "重复", "type": "town", "sort_order": 0}
    )
    assert "单位编码已被使用" in response.content.decode()
    url = reverse("accounts:unit_edit", args=[personas.county.pk])
    response = client.post(
        url,
        {
            "code": "SFX",
            "name": "示范县",
            "type": "county",
            "parent": personas.town_a.pk,
            "sort_order": 0,
            "version": 1,
        },
    )
    assert response.status_code == 200  # 城关镇 is not offered as a parent of its own county
    personas.county.refresh_from_db()
    assert personas.county.parent == personas.city


def test_aliases_are_saved_one_per_line(personas, client):
    client.force_login(personas.sysadmin)
    client.post(
        reverse("accounts:unit_create"),
        {
            "code": "SFX-LL",
            "name": "柳林镇",
            "type": "town",
            "parent": personas.county.pk,
            "sort_order": 0,
            "active": "on",
            "aliases_text": "柳林镇人民政府\n柳林；柳林镇人民政府",
        },
    )
    assert Unit.objects.get(code="SFX-LL").aliases == ["柳林镇人民政府", "柳林"]


@pytest.mark.parametrize("persona", ["officer_a", "county_officer", "bureau", "leader", "auditor"])
def test_only_the_system_admin_creates_units_and_users(personas, client, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("accounts:user_create")).status_code == 404
    assert client.get(reverse("accounts:unit_create")).status_code == 404
    assert client.post(reverse("accounts:unit_create"), {"code": "X1", "name": "X", "type": "town"}).status_code == 404
    assert not Unit.objects.filter(code="X1").exists()


def test_an_officer_lists_only_their_own_subtree(personas, client):
    client.force_login(personas.officer_a)
    units = client.get(reverse("accounts:unit_list")).content.decode()
    assert "城关镇" in units and "河口镇" not in units
    users = client.get(reverse("accounts:user_list")).content.decode()
    assert "officer_a" in users and "officer_b" not in users


def test_the_auditor_sees_no_user_or_unit_pages(personas, client):
    client.force_login(personas.auditor)
    assert client.get(reverse("accounts:user_list")).status_code == 404
    assert client.get(reverse("accounts:unit_list")).status_code == 404


def test_the_unit_list_stays_at_a_few_queries_for_many_units(personas, client, django_assert_max_num_queries):
    for index in range(50):
        Unit.objects.create(code=f"SFX-T{index}", name=f"镇{index}", type="town", parent=personas.county)
    client.force_login(personas.bureau)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:unit_list"))
    assert "镇49" in response.content.decode()


def test_the_unit_filter_answers_htmx_with_the_table_only(personas, client):
    client.force_login(personas.bureau)
    response = client.get(reverse("accounts:unit_list") + "?q=人民政府", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content and "城关镇" in content and "示范市" not in content
