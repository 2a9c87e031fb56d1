"""Robots' credentials are encrypted in the database: a copy of the database or a backup
does not give away a group's address or signing secret, and keys rotate without loss."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from zhaoshang.core.crypto import fernet_keys, new_key
from zhaoshang.notifications.models import UnitWebhook
from zhaoshang.notifications.tests.test_views import robot_form

TOKEN = "0123456789abcdef0123"
SECRET = "SECabcdefghijklmnopqrstuvwxyz0123"


def raw_columns(pk) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT url, secret FROM notifications_unitwebhook WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_a_robot_the_bureau_saves_is_stored_encrypted_and_read_back_plain(personas, client_for):
    client_for(personas.bureau).post(reverse("notifications:webhook_create"), robot_form(personas))
    hook = UnitWebhook.objects.get()
    url, secret = raw_columns(hook.pk)
    assert TOKEN not in url and "dingtalk" not in url and SECRET not in secret
    assert hook.url.endswith(TOKEN) and hook.secret == SECRET


@pytest.mark.django_db
def test_rotating_puts_every_secret_under_the_new_key_and_the_old_key_can_go(personas, settings, make_webhook):
    old, new = new_key(), new_key()
    settings.SECRET_KEYS = (old,)
    hook = make_webhook(personas.bureau, personas.town_a, f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}")
    settings.SECRET_KEYS = (new, old)  # the new key first: it encrypts, both decrypt
    assert UnitWebhook.objects.get().secret
    call_command("rotate_secrets", stdout=io.StringIO())
    settings.SECRET_KEYS = (new,)
    assert UnitWebhook.objects.get(pk=hook.pk).url.endswith(TOKEN)
    settings.SECRET_KEYS = (old,)
    with pytest.raises(ImproperlyConfigured):
        UnitWebhook.objects.get(pk=hook.pk)


def test_production_refuses_to_start_without_keys_and_development_derives_one():
    with pytest.raises(ImproperlyConfigured, match="ZHAOSHANG_SECRET_KEYS is required"):
        fernet_keys("", secret_key="x" * 50, production=True)
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        fernet_keys("not-a-key", secret_key="x" * 50, production=True)
    assert fernet_keys("", secret_key="a" * 50, production=False) == fernet_keys(
        "", secret_key="a" * 50, production=False
    )
    assert fernet_keys("", secret_key="a" * 50, production=False) != fernet_keys(
        "", secret_key="b" * 50, production=False
    )
    first, second = new_key(), new_key()
    assert fernet_keys(f" {first}, {second} ", secret_key="", production=True) == (first, second)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_robots_stored_in_plain_text(personas):
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", "0001_initial")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notifications_unitwebhook (unit_id, name, kind, url, secret, kinds, enabled, created_at)"
            " VALUES (%s, '群', 'dingtalk', %s, %s, '[]', %s, CURRENT_TIMESTAMP)",
            [personas.town_a.pk, f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}", SECRET, True],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    hook = UnitWebhook.objects.get()
    assert TOKEN not in raw_columns(hook.pk)[0] and SECRET not in raw_columns(hook.pk)[1]
    assert hook.url.endswith(TOKEN) and hook.secret == SECRET
