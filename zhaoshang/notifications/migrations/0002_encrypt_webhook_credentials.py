"""Robots' addresses and signing secrets encrypted at rest (zhaoshang/core/crypto.py).

First the columns become plain text (ciphertext is longer than the old varchar limits),
then the stored values are encrypted with the first key of ZHAOSHANG_SECRET_KEYS, then the
fields become encrypted fields — which changes nothing in the database."""

from django.db import migrations, models

from zhaoshang.core.fields import EncryptedTextField


def encrypt_existing(apps, schema_editor):
    from zhaoshang.core.crypto import encrypt

    UnitWebhook = apps.get_model("notifications", "UnitWebhook")
    # Historical model with plain text fields: the values read and written are the raw column.
    for pk, url, secret in UnitWebhook.objects.values_list("pk", "url", "secret"):
        UnitWebhook.objects.filter(pk=pk).update(url=encrypt(url), secret=encrypt(secret))


def decrypt_existing(apps, schema_editor):
    from zhaoshang.core.crypto import decrypt

    UnitWebhook = apps.get_model("notifications", "UnitWebhook")
    for pk, url, secret in UnitWebhook.objects.values_list("pk", "url", "secret"):
        UnitWebhook.objects.filter(pk=pk).update(url=decrypt(url), secret=decrypt(secret))


URL = {"max_length": 500, "verbose_name": "Webhook 地址"}
SECRET = {"blank": True, "max_length": 200, "verbose_name": "加签密钥"}


def alter(name, field):
    return migrations.AlterField(model_name="unitwebhook", name=name, field=field)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        alter("url", models.TextField(**URL)),
        alter("secret", models.TextField(**SECRET)),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        alter("url", EncryptedTextField(**URL)),
        alter("secret", EncryptedTextField(**SECRET)),
    ]
