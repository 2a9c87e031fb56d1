"""For tests of the real job queue: the database backend, and the worker run once."""

from django.core.management import call_command


def use_database_queue(settings, monkeypatch) -> None:
    """Jobs go to the database queue instead of running at once.

    The worker closes connections it finds out of autocommit between tasks; inside a test's
    transaction that would close the test's own connection (PostgreSQL), so the test
    transaction stands in for the worker's connection and is left open."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.JOB_HEARTBEAT_SECONDS = 0
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker_once() -> None:
    """``run_worker --batch``: every queued job, then exit."""
    call_command("run_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
