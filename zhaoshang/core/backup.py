"""Consistent online backups: SQLite's backup API, or pg_dump on PostgreSQL.

SQLite's backup API copies the database page by page while other connections go on
writing, and the copy is a consistent snapshot; copying the file (or its -wal) would not be.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(RuntimeError):
    pass


def sqlite_backup(source: str | Path, target: str | Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(partial))
    try:
        with dst:
            src.backup(dst, pages=1024)
    finally:
        dst.close()
        src.close()
    check = sqlite3.connect(str(partial))
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("备份文件完整性检查未通过。")
    finally:
        check.close()
    partial.replace(target)  # only a complete, checked copy gets the final name
    return target


def sqlite_restore(backup: str | Path, database: str | Path) -> None:
    """Bring a backup back over the live database, through the same API (so the WAL of
    the live file is handled by SQLite, not by copying files around)."""
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"备份文件不存在：{backup}")
    src = sqlite3.connect(str(backup))
    dst = sqlite3.connect(str(database), timeout=30)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_env() -> tuple[list[str], dict]:
    settings = connection.settings_dict
    args = [
        "-h",
        settings.get("HOST") or "127.0.0.1",
        "-p",
        str(settings.get("PORT") or 5432),
        "-U",
        settings.get("USER") or "postgres",
    ]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def postgres_backup(target: str | Path) -> Path:
    if not shutil.which("pg_dump"):
        raise BackupError("找不到 pg_dump，请安装 postgresql-client。")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    args, env = _pg_env()
    subprocess.run(["pg_dump", "-Fc", *args, "-f", str(target), connection.settings_dict["NAME"]], env=env, check=True)
    return target


def postgres_restore(backup: str | Path) -> None:
    if not Path(backup).is_file():
        raise BackupError(f"备份文件不存在：{backup}")
    args, env = _pg_env()
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            *args,
            "-d",
            connection.settings_dict["NAME"],
            str(backup),
        ],
        env=env,
        check=True,
    )
