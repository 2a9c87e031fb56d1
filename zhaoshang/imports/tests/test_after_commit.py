"""What runs after a committed import never turns it into an error: PRAGMA optimize gives
up at once when another writer holds the lock, and the import stays a success."""

from django.db import OperationalError

from zhaoshang.imports import services


class _LockedCursor:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        self.log.append(sql)
        if sql == "PRAGMA optimize":
            raise OperationalError("database is locked")

    def fetchone(self):
        return (20000,)


class _LockedConnection:
    vendor = "sqlite"

    def __init__(self):
        self.log = []

    def cursor(self):
        return _LockedCursor(self.log)


def test_optimize_under_another_writers_lock_is_skipped_without_waiting_or_raising(monkeypatch, caplog):
    locked = _LockedConnection()
    monkeypatch.setattr(services, "connection", locked)
    services.refresh_planner_statistics()  # no exception: the import was already saved
    assert locked.log == [
        "PRAGMA busy_timeout",
        "PRAGMA busy_timeout = 0",  # tried once, not after a 20-second wait
        "PRAGMA optimize",
        "PRAGMA busy_timeout = 20000",  # the connection's own timeout put back
    ]
    assert "PRAGMA optimize after an import skipped" in caplog.text
