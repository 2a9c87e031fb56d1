"""When another writer holds SQLite's lock longer than the busy timeout, a save answers
「系统繁忙，请稍后重试」 with the typed values kept — never a 500 — and saves nothing.

The lock is real: the test database is copied to a file, a second connection holds
BEGIN IMMEDIATE on it, and a separate process (busy_client.py) sends the request with a
one-second busy timeout."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from zhaoshang.core.busy import is_database_busy

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite's write lock"
)
CLIENT = Path(__file__).with_name("busy_client.py")


def _file_copy(tmp_path) -> Path:
    target = tmp_path / "busy.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    return target


def _request_while_locked(database: Path, tmp_path, *args) -> dict:
    env = {
        **os.environ,
        "ZHAOSHANG_SQLITE_PATH": str(database),
        "ZHAOSHANG_SQLITE_BUSY_SECONDS": "1",
        "ZHAOSHANG_VAR_DIR": str(tmp_path / "var"),
        "ZHAOSHANG_AUDIT_DB_TRIGGERS": "0",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    child = subprocess.Popen(
        [sys.executable, str(CLIENT), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer, e.g. a long import's commit
        try:
            child.stdin.write("go\n")
            child.stdin.flush()
            answer = json.loads(child.stdout.readline())
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    return answer


def _company_count(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM relations_company").fetchone()[0]


def test_a_save_that_cannot_get_the_lock_says_busy_keeps_the_values_and_saves_nothing(
    transactional_db, personas, tmp_path
):
    database = _file_copy(tmp_path)
    form = {"name": "繁忙时新建的企业有限公司", "nature": "", "address": "城关镇建设路 8 号"}
    answer = _request_while_locked(
        database, tmp_path, "officer_a", "POST", reverse("relations:company_create"), json.dumps(form)
    )
    assert answer["status"] == 503 and answer["retry_after"]
    body = answer["body"]
    assert "系统繁忙，请稍后重试" in body and "没有保存任何内容" in body
    assert "Traceback" not in body and "OperationalError" not in body
    # One click re-sends exactly what was typed, to the same address.
    assert 'value="繁忙时新建的企业有限公司"' in body and 'value="城关镇建设路 8 号"' in body
    assert f'action="{reverse("relations:company_create")}"' in body
    assert _company_count(database) == 0


def test_an_htmx_request_gets_a_notice_above_its_form(transactional_db, personas, tmp_path):
    database = _file_copy(tmp_path)
    answer = _request_while_locked(
        database,
        tmp_path,
        "officer_a",
        "POST",
        reverse("relations:company_create"),
        json.dumps({"name": "繁忙时新建的企业有限公司"}),
        "htmx",
    )
    assert answer["status"] == 200 and answer["hx_reswap"] == "beforebegin"
    assert "系统繁忙，请稍后重试" in answer["body"] and "<html" not in answer["body"]
    assert _company_count(database) == 0


def test_only_lock_timeouts_count_as_busy():
    from django.db import IntegrityError, OperationalError

    assert is_database_busy(OperationalError("database is locked"))
    assert is_database_busy(OperationalError("canceling statement due to lock timeout"))
    assert not is_database_busy(OperationalError("no such table: x"))
    assert not is_database_busy(IntegrityError("database is locked"))
