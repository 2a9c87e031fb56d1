"""Model fields shared by the apps."""

from django.db import models

from zhaoshang.core.crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """Text stored encrypted, read as plain text. ``max_length`` limits the plain text in
    forms; the column holds the longer ciphertext. It cannot be filtered on (each
    encryption differs), which is what a credential needs anyway."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value is not None else value


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields and their names (for rotate_secrets)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found
