"""A backup taken while someone writes is consistent, and restores what was there."""

import sqlite3
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zhaoshang.core.backup import BackupError, sqlite_backup, sqlite_restore


def make_database(path, rows):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE money (id INTEGER PRIMARY KEY, amount TEXT NOT NULL)")
    db.executemany("INSERT INTO money (amount) VALUES (?)", [(f"{i}.0001",) for i in range(rows)])
    db.commit()
    return db


def test_a_backup_during_writes_is_a_consistent_snapshot(tmp_path):
    live = tmp_path / "live.sqlite3"
    db = make_database(live, 20000)
    stop = threading.Event()

    def writer():
        other = sqlite3.connect(live, timeout=30)
        while not stop.is_set():
            with other:  # each transaction inserts a pair: a consistent copy has an even count
                other.execute("INSERT INTO money (amount) VALUES ('1')")
                other.execute("INSERT INTO money (amount) VALUES ('1')")
        other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copy = sqlite_backup(live, tmp_path / "backups" / "copy.sqlite3")
    finally:
        stop.set()
        thread.join()
    count = sqlite3.connect(copy).execute("SELECT count(*) FROM money").fetchone()[0]
    assert count >= 20000 and (count - 20000) % 2 == 0
    assert not (tmp_path / "backups" / "copy.sqlite3.partial").exists()

    db.execute("DELETE FROM money")
    db.commit()
    db.close()
    sqlite_restore(copy, live)
    assert sqlite3.connect(live).execute("SELECT count(*) FROM money").fetchone()[0] == count


def test_restoring_a_missing_file_says_so(tmp_path):
    with pytest.raises(BackupError) as error:
        sqlite_restore(tmp_path / "nope.sqlite3", tmp_path / "live.sqlite3")
    assert "备份文件不存在" in str(error.value)


def test_restore_asks_for_confirmation(tmp_path):
    path = tmp_path / "backup.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as error:
        call_command("restore", str(path))
    assert "--yes" in str(error.value)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_backup_writes_a_dump(tmp_path):
    import shutil

    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    call_command("backup", str(tmp_path / "db.dump"))
    assert (tmp_path / "db.dump").stat().st_size > 0
