"""Test-wide set-up: fast password hashing, and the personas every app's tests use."""

import pytest

pytest_plugins = ["zhaoshang.testing"]


def pytest_configure(config):
    from django.conf import settings

    # Argon2 is slow on purpose; tests hash hundreds of passwords. One test checks that
    # Argon2 stays first in the production list (test_security.py reads the module).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Django's test flush empties every table, which the audit triggers would refuse.
    settings.AUDIT_DB_TRIGGERS = False
    # Jobs run inside the request that starts them, so tests read their outcome at once;
    # core/tests/test_jobs.py runs the real database queue and worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOB_HEARTBEAT_SECONDS = 0
    from django_tasks.signals import clear_tasks_handlers

    clear_tasks_handlers(setting="TASKS")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_request_context():
    """Each test starts as nobody. ``client.force_login`` signs in outside a request, and the
    login signal puts the user into the request context; without this reset that user
    would be written into the next test's audit rows (making tests depend on their order)."""
    from zhaoshang.core.context import RequestContext, reset_context, set_context

    token = set_context(RequestContext())
    yield
    reset_context(token)
