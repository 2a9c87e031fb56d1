"""Model fields shared by every app."""

import decimal
import math

from django.db import models
from django.utils.functional import cached_property

from zhaoshang.core.crypto import decrypt, encrypt


class DecimalField(models.DecimalField):
    """Django's DecimalField, able to read back any number the database holds.

    SQLite keeps whatever number is written into a decimal column; Django reads it through
    a context of ``max_digits`` digits, so a single amount larger than the column allows
    (written before imports were bounded) raised InvalidOperation on every page that
    listed it. Reading with a context wide enough for any double keeps such a row
    readable, and editable, so that it can be corrected. Writes are bounded by the
    field's validators as before (``core/limits.py`` for imports).
    """

    @cached_property
    def context(self):
        return decimal.Context(prec=max(self.max_digits, 400))

    def to_python(self, value):
        # A float assigned in code is read at the column's own precision, as Django does:
        # the wide context above is for reading stored values back, not for this.
        if isinstance(value, float) and math.isfinite(value):
            return decimal.Context(prec=self.max_digits).create_decimal_from_float(value)
        return super().to_python(value)

    def deconstruct(self):
        # The column is Django's DecimalField: migrations need not know of this class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


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
