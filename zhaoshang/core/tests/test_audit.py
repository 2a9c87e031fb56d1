"""The audit log: complete, append-only, and readable by the auditor alone."""

import importlib
import io

import openpyxl
import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from zhaoshang.accounts.models import Unit
from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_change_records_who_when_where_and_the_values_before_and_after(personas):
    with acting_as(personas.sysadmin, source="web", ip="10.0.0.8") as context:
        unit = Unit.objects.get(pk=personas.town_a.pk)
        unit.short_name = "城关"
        unit.save()
    row = AuditLog.objects.filter(action="update", object_type="accounts.unit").latest("id")
    assert (row.username, row.user_id, row.ip, row.request_id) == (
        "sysadmin",
        personas.sysadmin.pk,
        "10.0.0.8",
        context.request_id,
    )
    assert row.changes == {"short_name": ["", "城关"]}


def test_a_delete_keeps_the_values_it_removed(personas):
    unit = Unit.objects.create(code="TMP", name="临时单位", type="town", parent=personas.county)
    unit.delete()
    row = AuditLog.objects.get(action="delete", object_type="accounts.unit")
    assert row.changes["name"] == ["临时单位", None]


def test_logins_failed_logins_and_logouts_are_logged_with_the_ip(personas, client):
    client.post(
        reverse("accounts:login"), {"username": "officer_a", "password": "nope-Nope-1"}, REMOTE_ADDR="192.0.2.7"
    )
    client.post(
        reverse("accounts:login"), {"username": "officer_a", "password": personas.password}, REMOTE_ADDR="192.0.2.7"
    )
    client.post(reverse("accounts:logout"))
    actions = list(AuditLog.objects.filter(username="officer_a").order_by("id").values_list("action", "ip"))
    assert actions == [("login_failed", "192.0.2.7"), ("login", "192.0.2.7"), ("logout", "127.0.0.1")]


def test_the_application_cannot_change_or_delete_audit_rows(personas):
    row = AuditLog.objects.first()
    row.detail = "篡改"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.all().update(detail="篡改")
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()


def test_the_database_itself_refuses_updates_and_deletes(personas, settings):
    # The suite runs without the triggers (Django's test flush empties tables); create them
    # here, inside this test's transaction, exactly as the migration does.
    migration = importlib.import_module("zhaoshang.core.migrations.0002_auditlog_append_only")
    settings.AUDIT_DB_TRIGGERS = True

    class Editor:  # the two things the migration asks of a schema editor
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.forward(None, Editor())
    table = AuditLog._meta.db_table
    statements = (f"UPDATE {table} SET detail = 'x'", f"DELETE FROM {table}")  # noqa: S608 - a model's table name
    for statement in statements:
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditLog.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "bureau", "leader", "sysadmin"])
def test_nobody_but_the_auditor_reads_the_audit_log(personas, client, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("core:audit_list")).status_code == 404
    assert client.get(reverse("core:audit_export")).status_code == 404
    assert client.get(reverse("core:audit_detail", args=[AuditLog.objects.first().pk])).status_code == 404


def test_the_auditor_sees_the_logins_and_can_filter_them(personas, client):
    client.post(reverse("accounts:login"), {"username": "officer_b", "password": "bad-Password-9"})
    client.force_login(personas.auditor)
    content = client.get(reverse("core:audit_list") + "?action=login_failed").content.decode()
    assert "officer_b" in content and "登录失败" in content
    assert "officer_a" not in client.get(reverse("core:audit_list") + "?username=officer_b").content.decode()


def test_the_export_is_formula_safe_and_is_itself_audited(personas, client):
    with acting_as(personas.sysadmin):
        Unit.objects.create(code="EVIL", name='=HYPERLINK("http://x","点我")', type="town", parent=personas.county)
    client.force_login(personas.auditor)
    response = client.get(reverse("core:audit_export") + "?object_type=accounts.unit&action=create")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x","点我")' in values
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)
    assert AuditLog.objects.filter(action="export", username="auditor", detail__contains="导出审计日志").exists()


def test_bulk_created_objects_get_the_same_audit_rows_as_a_save(personas):
    from zhaoshang.core.models import record_created

    with acting_as(personas.bureau, source="web", ip="10.0.0.9") as context:
        saved = Unit.objects.create(code="ONE", name="单个保存", type="town", parent=personas.county, aliases=["甲"])
        bulk = Unit(code="TWO", name="批量导入", type="town", parent=personas.county, aliases=["甲"])
        bulk.path, bulk.depth = saved.path.replace("ONE", "TWO"), saved.depth
        Unit.objects.bulk_create([bulk])
        record_created([bulk], detail="批量")
    one = AuditLog.objects.get(action="create", object_type="accounts.unit", object_id=str(saved.pk))
    two = AuditLog.objects.get(action="create", object_type="accounts.unit", object_id=str(bulk.pk))
    assert (two.username, two.user_id, two.ip, two.request_id, two.source, two.detail) == (
        "bureau",
        personas.bureau.pk,
        "10.0.0.9",
        context.request_id,
        "web",
        "批量",
    )
    assert two.time is not None and two.object_repr == "批量导入"
    differing = {"id", "code", "name", "path", "alias_text"}  # alias_text is derived by save()
    assert {k: v for k, v in two.changes.items() if k not in differing} == {
        k: v for k, v in one.changes.items() if k not in differing
    }
    assert two.changes["name"] == [None, "批量导入"] and two.changes["aliases"] == [None, ["甲"]]


def test_an_object_saved_after_its_bulk_audit_row_logs_only_what_changed(personas):
    """record_created leaves each object knowing the values it logged, as save() does."""
    from zhaoshang.core.models import record_created
    from zhaoshang.relations.models import Company, Contact

    with acting_as(personas.bureau):
        firm = Company.objects.create(name="甲公司")
        contact = Contact(company=firm, name="王经理", phone="13812345678")
        Contact.objects.bulk_create([contact])
        record_created([contact], detail="批量")
        contact.title = "总经理"
        contact.save()
    rows = AuditLog.objects.filter(object_type="relations.contact", object_id=str(contact.pk))
    assert rows.get(action="create").changes["phone"] == [None, "******"]
    assert rows.get(action="update").changes == {"title": ["", "总经理"]}


def test_bulk_audit_rows_may_name_objects_that_read_their_relations(personas):
    """Making a row may read the database (a contact's name says its company's): on
    PostgreSQL that must not happen in the middle of the COPY that writes the rows."""
    from zhaoshang.core.models import record_created
    from zhaoshang.relations.models import Company, Contact

    with acting_as(personas.bureau):
        firm = Company.objects.create(name="甲公司")
        Contact.objects.bulk_create([Contact(company=firm, name="王经理"), Contact(company=firm, name="李经理")])
        loaded = list(Contact.objects.order_by("pk"))  # their companies are not loaded
        record_created(loaded, detail="批量")
    rows = AuditLog.objects.filter(action="create", object_type="relations.contact").order_by("pk")
    assert [row.object_repr for row in rows] == ["王经理（甲公司）", "李经理（甲公司）"]
