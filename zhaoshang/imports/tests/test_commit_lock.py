"""A ledger commit reads, parses and compares its rows before it takes the write lock: on
SQLite the lock is the whole database's, and a 6,000-row update once held it for 46 s while
other users' saves failed after the busy timeout."""

import threading

import pytest
from django.db import connections

from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog
from zhaoshang.imports import services
from zhaoshang.imports.tests.test_commit import ledger
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import update_project
from zhaoshang.projects.tests.factories import company, project

# Threads need connections of their own to the same database, outside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _in_another_connection(work) -> object:
    """Run ``work`` in a thread (its own database connection), as another user's request
    would; its exception, if any, is returned rather than lost."""
    outcome = []

    def run():
        try:
            outcome.append(work())
        except Exception as error:  # reported by the caller's assertion
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


def _while_the_commit_reads(monkeypatch, work) -> list:
    """Call ``work`` in another connection once the commit has resolved the rows (matched
    and compared them with the stored projects), the first time only."""
    outcomes = []
    real_resolve = services.resolve

    def resolve_then_work(*args, **kwargs):
        stored = real_resolve(*args, **kwargs)
        if not outcomes:
            outcomes.append(_in_another_connection(work))
        return stored

    monkeypatch.setattr(services, "resolve", resolve_then_work)
    return outcomes


def _preview(personas, data):
    with acting_as(personas.bureau, source="web"):
        preview = services.preview_ledger(personas.bureau, data, "台账.xlsx", personas.county)
    assert preview.messages() == []
    return preview


def test_another_user_can_save_while_a_ledger_commit_reads_its_rows(personas, monkeypatch):
    stored = project(personas.officer_a, personas.town_a, name="锂电池项目", investor=company("甲新能源有限公司"))
    elsewhere = project(personas.officer_b, personas.town_b, name="物流园项目")
    data = ledger(
        [stored.code, "锂电池项目", "甲新能源有限公司", None, "20000", "洽谈中", None, None, "城关镇"],
        [None, "电子元件项目", "乙电子有限公司", None, "8000", "洽谈中", None, None, "河口镇"],
    )
    preview = _preview(personas, data)

    def other_user_saves():
        other = Project.objects.get(pk=elsewhere.pk)
        other.remarks = "导入期间保存"
        update_project(personas.officer_b, other, expected_version=other.version)
        return "saved"

    outcomes = _while_the_commit_reads(monkeypatch, other_user_saves)
    with acting_as(personas.bureau, source="web"):
        result = services.commit_ledger(personas.bureau, preview.batch)
    assert outcomes == ["saved"]  # not "database table is locked"
    assert Project.objects.get(pk=elsewhere.pk).remarks == "导入期间保存"
    assert result.count("update") == 1 and result.count("create") == 1
    assert Project.objects.get(pk=stored.pk).total_investment == 20000


def test_a_project_saved_while_the_commit_reads_keeps_both_changes(personas, monkeypatch):
    stored = project(personas.officer_a, personas.town_a, name="锂电池项目", investor=company("甲新能源有限公司"))
    data = ledger([stored.code, "锂电池项目", "甲新能源有限公司", None, "20000", "洽谈中", None, None, "城关镇"])
    preview = _preview(personas, data)

    def officer_saves_the_same_project():
        same = Project.objects.get(pk=stored.pk)
        same.remarks = "导入期间保存"
        update_project(personas.officer_a, same, expected_version=same.version)
        return "saved"

    outcomes = _while_the_commit_reads(monkeypatch, officer_saves_the_same_project)
    with acting_as(personas.bureau, source="web"):
        services.commit_ledger(personas.bureau, preview.batch)
    assert outcomes == ["saved"]
    saved = Project.objects.get(pk=stored.pk)
    # The commit read the project again inside its transaction: the officer's remark stays,
    # the ledger's amount is applied, and each save raised the version once.
    assert (saved.remarks, saved.total_investment, saved.version) == ("导入期间保存", 20000, 3)
    rows = AuditLog.objects.filter(action="update", object_type="projects.project", object_id=str(stored.pk))
    assert rows.count() == 2
