"""An import batch: the uploaded file, who brought it for which unit, and what came of it."""

import uuid

from django.conf import settings
from django.db import models

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.models import AuditedModel
from zhaoshang.imports.choices import ImportStatus


def import_path(instance, filename):
    # A generated name: the uploaded file name is kept only as data.
    return f"imports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}"


class ImportBatch(AuditedModel):
    # The spec's kind (imports.spec): no fixed choices, so a new spec needs no migration.
    kind = models.CharField("类型", max_length=20)
    unit = models.ForeignKey("accounts.Unit", verbose_name="导入单位", on_delete=models.PROTECT, related_name="+")
    file = models.FileField("文件", upload_to=import_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("大小（字节）")
    status = models.CharField("状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    mark_verified = models.BooleanField("导入即审核通过", default=False)
    summary = models.JSONField("结果", default=dict, blank=True)
    excluded_rows = models.JSONField("排除的行", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间")
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    access = UnitScoped("unit")

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]

    def get_kind_display(self) -> str:
        from zhaoshang.imports.spec import spec_for

        spec = spec_for(self.kind)
        return spec.title if spec else self.kind

    def __str__(self):
        return f"{self.get_kind_display()}：{self.original_name}"
