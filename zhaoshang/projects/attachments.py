"""Evidence files: checked by content, stored under generated names, served only in scope."""

import hashlib
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.core.parsing import strip_control_characters
from zhaoshang.projects.models import Attachment

# What a file's first bytes say it is. The extension a user gives is not trusted.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),  # docx, xlsx, pptx and WPS's own formats
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # doc, xls
]


# The names each kind of content may carry. A browser or a desktop opens a file by its name:
# a PDF named 报告.html (a polyglot: "%PDF-" followed by HTML) would run as a web page.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/zip": (".docx", ".xlsx", ".pptx"),
    "application/x-ole-storage": (".doc", ".xls", ".ppt", ".wps", ".et", ".dps"),
}
KIND_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG 图片",
    "image/jpeg": "JPEG 图片",
    "application/zip": "Word/Excel/PowerPoint 文件",
    "application/x-ole-storage": "Word/Excel/WPS 文件",
}


def extension(name: str) -> str:
    return os.path.splitext(name.strip().lower())[1]


def download_name(original_name: str, content_type: str) -> str:
    """The name a file is served under: its own if its extension fits its content, else
    with the content's extension (files stored before names were checked)."""
    allowed = EXTENSIONS.get(content_type, ())
    name = strip_control_characters(original_name).replace("/", "_").replace("\\", "_") or "附件"
    if extension(name) in allowed:
        return name
    return os.path.splitext(name)[0] + (allowed[0] if allowed else ".bin")


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check_upload(uploaded) -> str:
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"文件「{uploaded.name}」过大（{uploaded.size / 1048576:.1f} MB），上限为 {settings.UPLOAD_MAX_BYTES // 1048576} MB。"
        )
    if uploaded.size == 0:
        raise ValidationError(f"文件「{uploaded.name}」是空的。")
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(f"文件「{uploaded.name}」不是允许的类型：请上传 PDF、PNG、JPEG 图片或 Word/Excel 文件。")
    if extension(uploaded.name) not in EXTENSIONS[content_type]:
        raise ValidationError(
            f"文件「{uploaded.name}」的扩展名与内容不符：内容是{KIND_NAMES[content_type]}，"
            f"请使用扩展名 {'、'.join(EXTENSIONS[content_type])} 后重新上传。"
        )
    return content_type


def save_attachment(user, project, uploaded, *, event=None, follow_up=None, description: str = "") -> Attachment:
    """Store one uploaded file as evidence of ``project`` (caller checks the user may change it)."""
    content_type = check_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        project=project,
        stage_event=event,
        follow_up=follow_up,
        original_name=uploaded.name[:200],
        content_type=content_type,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        description=description,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    attachment.file.save("upload", uploaded, save=False)
    attachment.save()
    return attachment
