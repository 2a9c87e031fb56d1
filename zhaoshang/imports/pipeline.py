"""The import pipeline, the same for every spec: read → parse and match (the spec) →
preview and store the batch → commit all-or-nothing.

``preview_import`` parses the upload and stores it with its batch; ``commit_import``
parses the stored file again inside one transaction and refuses the whole file if any
row not explicitly excluded has an error. Importing the same file twice changes nothing:
every spec marks a row that matches what is stored as 无变化.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.imports.choices import ImportStatus, RowAction
from zhaoshang.imports.errors import error_workbook
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.reading import read_workbook, sheets_from_json, sheets_to_json
from zhaoshang.imports.spec import ImportRefused, ImportSpec, Preview


def check_upload_size(data: bytes) -> None:
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"文件过大：{len(data) / 1048576:.1f} MB，上限为 {settings.UPLOAD_MAX_BYTES // 1048576} MB。"
        )


def _summary(spec: ImportSpec, preview: Preview) -> dict:
    return {
        "sheet": preview.parsed.sheet_name,
        "rows": len(preview.rows),
        "create": preview.count(RowAction.CREATE),
        "update": preview.count(RowAction.UPDATE),
        "unchanged": preview.count(RowAction.UNCHANGED),
        "errors": len(preview.error_rows),
        "excluded": preview.count(RowAction.EXCLUDED),
        "messages": preview.messages()[:200],
        **spec.summary(preview),
    }


def batch_options(spec: ImportSpec, batch: ImportBatch) -> dict:
    """The upload form's options the batch was previewed with (kept in its summary)."""
    return {name: batch.summary.get(name) for name in spec.option_names}


def preview_import(
    spec: ImportSpec,
    user,
    data: bytes,
    filename: str,
    unit=None,
    *,
    mark_verified: bool = False,
    options: dict | None = None,
    store: bool = True,
) -> Preview:
    """Parse a file and say what importing it would do. Writes nothing but the batch."""
    unit = spec.batch_unit(user, unit)
    spec.check(user, unit, mark_verified=mark_verified)
    check_upload_size(data)
    options = {name: (options or {}).get(name) for name in spec.option_names}
    sheets = read_workbook(data, filename)
    parsed = spec.parse(user, sheets, unit, options)
    batch = ImportBatch(
        kind=spec.kind,
        unit=unit,
        original_name=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        mark_verified=mark_verified,
        created_by=user,
        created_at=timezone.now(),
    )
    preview = Preview(batch, parsed)
    batch.summary = _summary(spec, preview) | options
    batch.status = ImportStatus.REFUSED if preview.error_rows else ImportStatus.PREVIEWED
    if store:
        batch.file.save(batch.sha256, ContentFile(data), save=False)
        batch.save()
        # The cells as read, so the preview pages and the commit do not read the workbook again.
        batch.file.storage.save(_sheets_name(batch), ContentFile(sheets_to_json(sheets, batch.sha256)))
    return preview


def _sheets_name(batch: ImportBatch) -> str:
    return f"{batch.file.name}.sheets.json"


def batch_sheets(batch: ImportBatch, data: bytes):
    """The upload's cells: the copy kept at preview if it is there and matches, else read anew."""
    storage = batch.file.storage
    name = _sheets_name(batch)
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            sheets = sheets_from_json(handle.read(), batch.sha256)
        if sheets is not None:
            return sheets
    return read_workbook(data, batch.original_name)


def batch_data(batch: ImportBatch) -> bytes:
    """The stored upload, refused if it is not the file that was previewed (OSError if gone)."""
    with batch.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise ValidationError("导入文件已损坏或被替换，请重新上传。")
    return data


def reparse(spec: ImportSpec, user, batch: ImportBatch) -> Preview:
    """The stored file parsed and matched again under today's data. Raises OSError,
    ValueError or ValidationError if it can no longer be read."""
    data = batch_data(batch)
    return Preview(batch, spec.parse(user, batch_sheets(batch, data), batch.unit, batch_options(spec, batch)))


def _refuse_committed(batch: ImportBatch) -> None:
    if batch.status == ImportStatus.COMMITTED:
        raise ValidationError("该批次已导入，不能重复提交。如需再次导入，请重新上传文件。")


def _worked_out(spec: ImportSpec, user, batch: ImportBatch, exclude_rows):
    """The batch parsed and matched again, the exclusions applied, the whole file refused
    if a row not excluded has an error; then the spec's plan for the rows to import."""
    spec.check(user, batch.unit, mark_verified=batch.mark_verified)
    preview = reparse(spec, user, batch)
    excluded = {int(number) for number in exclude_rows} if spec.exclusions else set()
    for row in preview.rows:
        if row.number in excluded:
            row.action = RowAction.EXCLUDED
    blocking = [row for row in preview.rows if row.errors and row.number not in excluded]
    if blocking:
        raise ImportRefused([message for row in blocking for message in row.messages()])
    todo = [row for row in preview.rows if row.action in (RowAction.CREATE, RowAction.UPDATE)]
    return preview, excluded, todo, spec.plan(user, batch, preview, todo)


def commit_import(spec: ImportSpec, user, batch: ImportBatch, *, exclude_rows=()) -> Preview:
    """Import every row of the batch's file, or nothing.

    Rows listed in ``exclude_rows`` (sheet row numbers) are left out on purpose, if the
    spec allows it; any other row with an error refuses the whole file with the reasons.
    A spec that ``plans_ahead`` has its rows worked out before the transaction (see
    ``ImportSpec.plans_ahead``); others entirely inside it.
    """
    ahead = None
    if spec.plans_ahead:
        _refuse_committed(ImportBatch.objects.get(pk=batch.pk))
        ahead = _worked_out(spec, user, ImportBatch.objects.get(pk=batch.pk), exclude_rows)
    return _write(spec, user, batch, exclude_rows, ahead)


@transaction.atomic
def _write(spec: ImportSpec, user, batch: ImportBatch, exclude_rows, ahead) -> Preview:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _refuse_committed(batch)  # a second commit of the same batch, run meanwhile
    if ahead is None or spec.moved_since(ahead[3]):
        # Rare for a spec that plans ahead: someone changed what it read while the file was
        # read. Work it out again inside the transaction, so the import applies to the data
        # as it is now.
        ahead = _worked_out(spec, user, batch, exclude_rows)
    preview, excluded, todo, plan = ahead
    preview.batch = batch  # the locked row this transaction saves, not the one read ahead
    saved = spec.save_planned(user, batch, todo, plan)
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.excluded_rows = sorted(excluded)
    batch.summary = _summary(spec, preview) | batch_options(spec, batch) | (saved or {})
    batch.save()
    AuditLog.record(AuditAction.IMPORT, batch, detail=spec.audit_detail(batch, len(excluded)))
    return preview


def errors_workbook(spec: ImportSpec, preview: Preview) -> bytes:
    """The uploaded sheet with a column 「错误说明」 and the bad cells marked."""
    batch = preview.batch
    columns = preview.parsed.error_columns()
    errors = {row.number: row.messages() for row in preview.error_rows}
    bad = {row.number: {columns[label] for label in row.errors if label in columns} for row in preview.error_rows}
    header = preview.parsed.header
    header_row = (header.header_row if header else 0) + 1
    with batch.file.open("rb") as handle:
        return error_workbook(handle.read(), batch.original_name, preview.parsed.sheet_name, header_row, errors, bad)
