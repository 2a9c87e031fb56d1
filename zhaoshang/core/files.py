"""A deleted row takes its stored files with it.

Attachments, import uploads and bulletin files live under MEDIA_ROOT with generated names,
one file per row (no two rows share a file). Django leaves a FileField's file on disk when
its row is deleted, so a withdrawn project's evidence, an erased contact's card or a
deleted bulletin would stay readable to anyone with access to the disk, long after the
product says it is gone. The file is removed only once the deleting transaction has
committed: a delete that rolls back (a refused withdrawal, a PROTECT error) keeps the file
its row still points at.
"""

import logging

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete

logger = logging.getLogger(__name__)


def _remove(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        # The row is gone either way; a file that cannot be removed is logged for the
        # operator rather than turning a committed delete into an error page.
        logger.warning("could not remove stored file %s", name, exc_info=True)


def remove_files_of_deleted_row(sender, instance, using=None, **kwargs) -> None:
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.FileField):
            continue
        name = getattr(instance, field.attname).name
        if name:
            storage = field.storage
            transaction.on_commit(lambda storage=storage, name=name: _remove(storage, name), using=using)


def connect_file_removal() -> None:
    """Listen to the deletes of every model with a FileField (called from CoreConfig.ready)."""
    for model in apps.get_models():
        if any(isinstance(field, models.FileField) for field in model._meta.concrete_fields):
            post_delete.connect(
                remove_files_of_deleted_row, sender=model, dispatch_uid=f"zhaoshang-files-{model._meta.label}"
            )
